import ArgumentParser
import Foundation
import Logging
import TidingsConfiguration
import TidingsService
import TidingsStore

struct Poll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll feeds now (every feed when none is named), and lift their quarantine.",
        discussion: """
            With tidingsd running, the feeds are made due and the daemon polls them within a few \
            seconds. Without one, this command polls them itself and prints what it found. A feed \
            quarantined because the daemon died twice while parsing its document is parsed again.
            """)

    @OptionGroup var state: StateOptions

    @Option(name: .customLong("output-dir"),
            help: "Where articles go when this command polls itself (no daemon). Default: as tidingsd's.")
    var outputDirectory = Configuration.forLookups().outputDirectory

    @Argument(help: "Feed URLs or ids (as 'tidings list' shows them); none means every feed.")
    var feeds: [String] = []

    func run() async throws {
        let registry = try state.registry(mustExist: true)
        let matched = try Self.makeDue(feeds, registry)
        // The state has one writer: the daemon when it runs (it holds the
        // lock), else this process.
        // Among nodes (a shared state), the nodes poll what is due: a
        // poll from here would fetch beside them, without a lease.
        if registry.isSharedDatabase {
            for feed in matched { print("due now \(feed.id) \(feed.url)") }
            print("the nodes sharing this state poll \(matched.count == 1 ? "it" : "them") within seconds")
            return
        }
        guard let lock = try Self.lockUnlessADaemonRuns(state.stateDirectory) else {
            for feed in matched {
                print("due now \(feed.id) \(feed.url)" + (feed.quarantinedHash != nil ? " (quarantine lifted)" : ""))
            }
            print("the running daemon polls \(matched.count == 1 ? "it" : "them") within seconds")
            return
        }
        var configuration = state.configuration
        configuration.outputDirectory = outputDirectory
        let daemon = try Daemon(configuration: configuration, logger: Logger(label: "tidings") { _ in SwiftLogNoOpLogHandler() })
        let line = ProgressLine(label: "poll", unit: "feeds")
        let summary = try await daemon.poll(feedIDs: Swift.Set(matched.map(\.id))) { line.advance(total: matched.count) }
        line.finish()
        for feed in try registry.all() where matched.contains(where: { $0.id == feed.id }) {
            print("\(feed.id) \(feed.lastResult ?? "-")\(feed.lastError.map { ": \($0)" } ?? "") \(feed.url)")
        }
        print(summary.description)
        withExtendedLifetime(lock) {}
    }

    private static func makeDue(_ feeds: [String], _ registry: TidingsState) throws -> [FeedRecord] {
        do {
            return try registry.requestPoll(feeds.isEmpty ? nil : feeds)
        } catch .notFound(let name) {
            throw CLIError("no followed feed matches \(name)")
        }
    }

    /// The state lock, or nil when a daemon holds it.
    static func lockUnlessADaemonRuns(_ stateDirectory: String) throws -> StateLock? {
        do {
            return try StateLock(stateDirectory: stateDirectory)
        } catch {
            if error.isHeld { return nil }
            throw CLIError("cannot take the state lock: \(error)")
        }
    }
}
