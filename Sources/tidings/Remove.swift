import ArgumentParser
import Foundation
import TidingsStore
import TidingsConfiguration

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop following a feed, named by its URL or id.",
        discussion: """
            Articles already written stay where they are. With --purge, the feed's articles that no \
            other followed feed carries are removed too (each journaled as `removed`), and the feed \
            leaves the sources of the others. A running daemon does the purge within seconds; \
            without one, this command does it.
            """)

    @OptionGroup var state: StateOptions

    @Option(name: .customLong("output-dir"),
            help: "The daemon's output directory, for --purge without a running daemon. Default: as tidingsd's.")
    var outputDirectory = Configuration.forLookups().outputDirectory

    @Flag(help: "Also remove the articles only this feed carried.")
    var purge = false

    @Argument(help: "The feed's URL or id (as 'tidings list' shows it).")
    var feed: String

    func run() throws {
        let registry = try state.registry(mustExist: true)
        guard let removed = try registry.remove(feed, purge: purge) else {
            throw CLIError("no followed feed matches \(feed)")
        }
        print("removed \(removed.id) \(removed.url)")
        guard purge else { return }
        // The output has one writer: the daemon when it runs (it holds the
        // state lock), else this process.
        guard let lock = try Poll.lockUnlessADaemonRuns(state.stateDirectory) else {
            try waitForTheDaemon(registry, feedID: removed.id)
            return
        }
        let store = try TidingsState(stateDirectory: state.stateDirectory, outputDirectory: outputDirectory,
                                     databaseURL: state.databaseURL())
        let result = try store.purge(feedID: removed.id)
        print("purged: \(result.removed) articles removed, \(result.kept) kept (another feed carries them)")
        withExtendedLifetime(lock) {}  // held until the purge is done
    }

    private func waitForTheDaemon(_ registry: TidingsState, feedID: String) throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if try !registry.purgePending(feedID: feedID) {
                print("purged by the running daemon (see its log, or `tidings tail`, for the articles removed)")
                return
            }
            usleep(200_000)
        }
        print("the running daemon will purge the articles at the end of its current round")
    }
}
