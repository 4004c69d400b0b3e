import ArgumentParser
import Foundation
import TidingsModel
import TidingsStore
import TidingsConfiguration

struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the change journal: what was created, updated, joined, expired or removed.",
        discussion: """
            Reads OUTPUT/journal/*.jsonl, the files the daemon appends to (docs/journal.md). \
            A consumer keeps the last seq it handled and resumes with --since SEQ; --follow \
            keeps printing events as the daemon commits them. Day files older than \
            journal_retention_days are removed by the daemon: a --since older than the oldest \
            event kept is refused (exit 65), since the events between are gone; resync from \
            the article files then.
            """)

    @Option(name: .customLong("output-dir"),
            help: "The daemon's output directory. Default: the one the daemon of --state-dir writes to, else $TIDINGS_OUTPUT_DIR, else the configuration file's output_directory, else ./out.")
    var outputDirectoryOption: String?

    @Option(name: .customLong("state-dir"),
            help: "The daemon's state directory (as every other subcommand takes it): the journal is read where that daemon writes its output.")
    var stateDirectory: String?

    @Option(help: "Only events after this seq.")
    var since: Int64 = 0

    @Flag(help: "Keep printing new events until interrupted.")
    var follow = false

    @Option(name: .customLong("state-url"),
            help: "With --follow: the PostgreSQL state nodes share, to wake as soon as the journal grows (LISTEN/NOTIFY) instead of looking every quarter second. Default: $TIDINGS_STATE_URL, else the configuration's state_url.")
    var stateURL: String?

    @Flag(help: "Print each event as its journal line (JSON).")
    var json = false

    /// --output-dir, else where the daemon of --state-dir writes (it
    /// records that in its state), else the configuration's.
    func outputDirectory() throws -> String {
        if let outputDirectoryOption { return outputDirectoryOption }
        guard let stateDirectory else { return Configuration.forLookups().outputDirectory }
        do {
            let state = try TidingsState(stateDirectory: stateDirectory, readOnly: true)
            if let recorded = try state.recordedOutputDirectory() { return recorded }
        } catch {
            throw CLIError("cannot read the state in \(stateDirectory): \(error); give --output-dir")
        }
        throw CLIError("the state in \(stateDirectory) does not say where its output is (its daemon has not started since it began recording it); give --output-dir")
    }

    func run() async throws {
        let outputDirectory = try outputDirectory()
        let files = JournalFiles(outputDirectory: outputDirectory)
        guard follow || FileManager.default.fileExists(atPath: outputDirectory) else {
            throw CLIError("no output directory at \(outputDirectory): is --output-dir right?")
        }
        // Events after `since` that were removed with old day files: a
        // silent gap would leave the consumer believing it saw them all.
        if let first = files.firstSeq(), first > since + 1 {
            warn(RemovedEvents(since: since, first: first).description)
            throw ExitCode(65)  // EX_DATAERR
        }
        var reader = JournalFiles.Reader(files: files, since: since)
        let waker = follow ? try sharedState() : nil
        repeat {
            for event in reader.next() { print(json ? JournalFiles.line(event) : Self.text(event)) }
            fflush(nil)  // every stream: a pipe to jq sees each event at once
            guard follow else { break }
            if let waker {
                // Woken by the leader's NOTIFY; the files are read again
                // every second all the same.
                _ = try? waker.waitForJournal(timeout: 1)
                try Task.checkCancellation()
            } else {
                try await Task.sleep(nanoseconds: 250_000_000)
            }
        } while follow
    }

    /// The shared state to listen on, when there is one.
    private func sharedState() throws -> TidingsState? {
        var config = Configuration.forLookups()
        if let stateURL { config.stateURL = stateURL }
        guard config.stateURL != nil else { return nil }
        do {
            return try TidingsState(stateDirectory: NSTemporaryDirectory(), readOnly: true,
                                    databaseURL: try config.stateConnection())
        } catch {
            throw CLIError("cannot open the shared state to follow the journal: \(error)")
        }
    }

    static func text(_ e: JournalEvent) -> String {
        [String(e.seq), Timestamp.format(e.at), e.event.rawValue, e.id, e.feedID ?? "-", e.path].joined(separator: "\t")
    }
}

/// `--since` names events the journal no longer holds.
struct RemovedEvents: Error, CustomStringConvertible {
    let since: Int64
    let first: Int64

    var description: String {
        "events \(since + 1) to \(first - 1) were removed from the journal (journal_retention_days); "
            + "the oldest kept is \(first): resync from the article files, then resume with --since \(first - 1)"
    }
}
