import ArgumentParser
import Foundation
import TidingsStore
import TidingsConfiguration

struct Reindex: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the index from the article files.",
        discussion: """
            Every article file holds what the index keeps, so the index (and the list of feeds the \
            articles came from) can be rebuilt from them; no file is rewritten and ids stay the same. \
            A corrupt state database is set aside first. tidingsd does this by itself at start when \
            its database is corrupt or missing; stop it before running this command.
            """)

    @OptionGroup var state: StateOptions

    @Option(name: .customLong("output-dir"),
            help: "Where the article files are (default $TIDINGS_OUTPUT_DIR, else the configuration file's, else ./out).")
    var outputDirectory = Configuration.forLookups().outputDirectory

    func run() throws {
        let lock: StateLock
        do {
            lock = try StateLock(stateDirectory: state.stateDirectory)
        } catch {
            throw CLIError("\(error) (stop tidingsd before reindexing)")
        }
        let report: IndexRecovery.Report?
        do {
            let databaseURL = try state.databaseURL()
            let aside = databaseURL != nil ? nil : try IndexRecovery.setAsideIfCorrupt(stateDirectory: state.stateDirectory)
            let opened = try TidingsState(stateDirectory: state.stateDirectory, outputDirectory: outputDirectory,
                                          databaseURL: databaseURL)
            let line = ProgressLine(label: "reindex", unit: "files")
            report = try IndexRecovery.rebuild(state: opened, reason: "tidings reindex", force: true) { done, total in
                line.update(done: done, total: total)
            }
            line.finish()
            if let aside { print("set aside a corrupt database as \(aside.path) (\(aside.reason))") }
        } catch {
            throw CLIError("cannot reindex: \(error)")
        }
        withExtendedLifetime(lock) {}
        guard let report else { return }
        print("reindexed \(report.articles) articles from \(outputDirectory)/articles; \(report.feedsRestored) feeds followed again")
        for path in report.unreadable { print("unreadable, left alone: \(path)") }
    }
}
