import Foundation
import TidingsModel
#if canImport(Glibc)
import Glibc
#endif

/// Everything Tidings remembers, behind one type: the feeds and what polls
/// learned of them, the dedup index of articles and their files, the
/// journal of changes with the hook cursor, and the daemon's own state.
/// One owner of the database connection, one migration path, one file.
///
/// Its public methods are the interface a second engine implements: SQL,
/// locking and how `seq` is given stay behind them. They are split by
/// concern into `TidingsState+Feeds`, `+Articles`, `+Record` (the grouped
/// write path, docs/durability.md), `+Journal`, `+Hooks`, `+Retention`,
/// `+Reindex`, `+Status` and `+Settings`.
///
/// Three ways to open it:
/// - the writer (`init(stateDirectory:outputDirectory:)`): the daemon, or
///   the CLI under the state lock when no daemon runs; owns the output;
/// - a changer of feeds (`init(stateDirectory:)`): the CLI's `add`, `set`,
///   `remove` beside a running daemon, hook delivery; never touches the output;
/// - a reader (`readOnly: true`): `list`, `status`; nothing is created or migrated.
public final class TidingsState {
    let db: Database
    /// This writer's part among nodes sharing a PostgreSQL state; nil for
    /// SQLite and for the connections that do not write articles.
    let cluster: Cluster?
    /// This connection listens for the journal's notifications.
    var listening = false
    public let stateDirectory: String

    /// The article output, for the writer; nil otherwise.
    let output: Output?

    /// Where the writer's files go, and the journal's progress.
    final class Output {
        let directory: String
        /// Temporary files, renamed into `articles/` once synced: no
        /// reader of `articles/` ever meets one.
        let staging: String
        let journal: JournalFiles
        /// The last seq in the journal files (synced); events above it are
        /// only in the database (see `flushJournal`).
        var journalWrittenSeq: Int64 = 0
        /// Journal times never go backwards, so each day's file holds one
        /// run of seqs even when polls that began earlier commit later.
        var lastJournalTime = Date.distantPast
        /// Set while the change being decided is a feed's backlog (its
        /// first document, or one after a long gap): its events are
        /// journaled as such, and hooks skip them unless told otherwise.
        var recordingBacklog = false
        /// Shared with hook delivery: events up to here are in synced journal lines.
        let progress = JournalProgress()
        /// Write staged files as groups decide them (`WriteGroup`).
        let writers = StagingWriters()

        /// - Parameter node: nodes sharing a state and an output directory
        ///   stage in directories of their own (`.staging/NODE`).
        init(directory: String, node: String? = nil) {
            self.directory = directory
            staging = directory + "/.staging" + (node.map { "/" + $0 } ?? "")
            journal = JournalFiles(outputDirectory: directory)
        }
    }

    public static let fileName = "tidings.sqlite3"

    /// What recording one poll's entries did.
    public struct Summary: Sendable, Hashable {
        public var new = 0
        public var updated = 0
        public var unchanged = 0
        /// Articles another feed already had: this feed joined their sources.
        public var merged = 0
        public init() {}
    }

    /// Opens the state for changing feeds and daemon state, not articles.
    /// - Parameters:
    ///   - readOnly: for commands that only look (`list`, `status`):
    ///     nothing is created or migrated.
    ///   - mustExist: the state must exist already (implied by `readOnly`):
    ///     a mistyped `--state-dir` is an error, not a new state.
    ///   - durableCommits: false for a connection whose last commits may be
    ///     lost to a power loss without harm (hook delivery's cursor:
    ///     delivery is at least once). Commits stay atomic.
    ///   - databaseURL: a PostgreSQL connection URI (`state_url`): the
    ///     state lives there, shared by every node; nil for SQLite in the
    ///     state directory.
    public init(stateDirectory: String, readOnly: Bool = false, mustExist: Bool = false,
                durableCommits: Bool = true, databaseURL: String? = nil) throws(StoreError) {
        let path = stateDirectory + "/" + Self.fileName
        self.stateDirectory = stateDirectory
        output = nil
        cluster = nil
        if let databaseURL {
            if !readOnly { try FileSystem.makeDirectory(stateDirectory) }
            db = try Self.openPostgres(databaseURL, migrate: !(readOnly || mustExist))
            return
        }
        if readOnly || mustExist, !FileSystem.exists(path) {
            throw .notFound("no Tidings state in \(stateDirectory) (no \(Self.fileName))")
        }
        if readOnly {
            db = try SQLiteDatabase(path: path, readOnly: true)
            try Schema.checkReadable(db, path: path)
            return
        }
        try FileSystem.makeDirectory(stateDirectory)
        db = try SQLiteDatabase(path: path, durableCommits: durableCommits)
        try Schema.migrate(db)
    }

    /// Opens the state as the writer of `outputDirectory`: finishes what a
    /// crash or power loss left (a group whose files were renamed but whose
    /// commit was lost, journal lines not yet written, files of expired
    /// articles), so the output and the index agree before anything polls.
    ///
    /// With `databaseURL`, this is one node of several sharing the state
    /// and the output directory, named `node` (`TidingsState+Cluster`).
    public init(stateDirectory: String, outputDirectory: String, databaseURL: String? = nil,
                node: String = "tidings", at now: Date = Date()) throws(StoreError) {
        self.stateDirectory = stateDirectory
        try FileSystem.makeDirectory(stateDirectory)
        try FileSystem.makeDirectory(outputDirectory + "/articles")
        let output = Output(directory: outputDirectory, node: databaseURL == nil ? nil : node)
        try FileSystem.makeDirectory(output.staging)
        self.output = output
        if let databaseURL {
            db = try Self.openPostgres(databaseURL, migrate: true)
            cluster = Cluster(node: node)
            try join(at: now)
        } else {
            db = try SQLiteDatabase(path: stateDirectory + "/" + Self.fileName)
            try Schema.migrate(db)
            cluster = nil
        }
        try backfillIdentity()
        try recordOutputDirectory(outputDirectory)
        output.journalWrittenSeq = try output.journal.lastSeq()
        try continueSequence(after: output.journalWrittenSeq)
        try adoptUncommittedGroup()
        FileSystem.clearStaging(output.staging)
        try flushJournal()
        removeExpiredFiles()
    }

    /// A connection to the state in PostgreSQL, migrated (or checked, for
    /// a reader), its commits giving the journal's seqs.
    private static func openPostgres(_ url: String, migrate: Bool) throws(StoreError) -> PostgresDatabase {
        let db = try PostgresDatabase(url: url, session: PostgresSchema.session)
        if migrate { try PostgresSchema.migrate(db) } else { try PostgresSchema.checkReadable(db) }
        db.beforeCommit = PostgresSchema.beforeCommit
        return db
    }

    /// The output, for the methods that write articles.
    func writer() throws(StoreError) -> Output {
        guard let output else { throw .notFound("this state was opened without its output directory") }
        return output
    }

    /// The output directory, when this is the writer.
    public var outputDirectory: String? { output?.directory }

    /// Events up to this seq are in synced journal lines (the writer's;
    /// others see 0): what hook delivery may run.
    public var journalProgress: JournalProgress? { output?.progress }
}
