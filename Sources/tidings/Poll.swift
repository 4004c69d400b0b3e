import ArgumentParser
import TidingsStore

struct Poll: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make feeds due now (every feed when none is named) and lift their quarantine.",
        discussion: """
            A running tidingsd polls them within a few seconds. A feed quarantined because the \
            daemon died twice while parsing its document is parsed again.
            """)

    @OptionGroup var state: StateOptions

    @Argument(help: "Feed URLs or ids (as 'tidings list' shows them); none means every feed.")
    var feeds: [String] = []

    func run() throws {
        let registry = try state.registry(mustExist: true)
        let matched: [FeedRecord]
        do {
            matched = try registry.requestPoll(feeds.isEmpty ? nil : feeds)
        } catch StoreError.notFound(let name) {
            throw CLIError("no followed feed matches \(name)")
        }
        for feed in matched {
            print("due now \(feed.id) \(feed.url)" + (feed.quarantinedHash != nil ? " (quarantine lifted)" : ""))
        }
    }
}
