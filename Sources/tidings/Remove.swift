import ArgumentParser

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop following a feed, named by its URL or id.",
        discussion: "Articles already written stay where they are.")

    @OptionGroup var state: StateOptions

    @Argument(help: "The feed's URL or id (as 'tidings list' shows it).")
    var feed: String

    func run() throws {
        guard let removed = try state.registry(mustExist: true).remove(feed) else {
            throw CLIError("no followed feed matches \(feed)")
        }
        print("removed \(removed.id) \(removed.url)")
    }
}
