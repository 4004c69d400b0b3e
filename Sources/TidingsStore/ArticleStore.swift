import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TidingsModel

/// Dedup index and article files, kept consistent with each other.
///
/// Layout: `<output>/articles/YYYY/MM/DD/<id>.json`, dated by first sighting
/// (UTC). Temporary files live in `<output>/.staging` so that no reader of
/// `articles/` ever meets one.
///
/// Crash safety: for one feed, files are written (atomically) and the index
/// rows and journal events inserted inside one transaction, committed after
/// the directories are synced. A kill before the commit leaves files the
/// index does not know; the next poll finds them (`recoverUnindexed`) and
/// adopts their first sighting and revision, so nothing is lost and nothing
/// is written twice. Journal events reach their files after the commit
/// (`flushJournal`), and again at the next start if a kill came first.
public final class ArticleStore {
    let db: Database
    public let outputDirectory: String
    let staging: String

    public struct Summary: Sendable, Hashable {
        public var new = 0
        public var updated = 0
        public var unchanged = 0
        /// Articles another feed already had: this feed joined their sources.
        public var merged = 0
        public init() {}
    }

    let journal: JournalFiles
    /// The last seq in the journal files; events above it are still only
    /// in the database (see `flushJournal`).
    var journalWrittenSeq: Int64 = 0
    /// Journal times never go backwards, so each day's file holds one run
    /// of seqs even when polls that began earlier commit later.
    var lastJournalTime = Date.distantPast

    public init(stateDirectory: String, outputDirectory: String) throws(StoreError) {
        try FileSystem.makeDirectory(stateDirectory)
        try FileSystem.makeDirectory(outputDirectory + "/articles")
        staging = outputDirectory + "/.staging"
        try FileSystem.makeDirectory(staging)
        FileSystem.clearStaging(staging)
        self.outputDirectory = outputDirectory
        db = try Database(path: stateDirectory + "/tidings.sqlite3")
        journal = JournalFiles(outputDirectory: outputDirectory)
        try Schema.migrate(db)
        try backfillIdentity()
        journalWrittenSeq = try journal.lastSeq()
        try continueSequence(after: journalWrittenSeq)
        try flushJournal()
        removeExpiredFiles()
    }

    /// Whether the output can take articles again: a file written the way
    /// articles are (staging, fsync, rename), then removed. 256 KiB, more
    /// than nearly any article, so that a disk with a few bytes free does
    /// not pass for writable and send the daemon back to fetching.
    public func probeWritable() throws(StoreError) {
        let probe = staging + "/probe.check"
        defer { unlink(probe) }
        try FileSystem.replaceAtomically(probe, with: [UInt8](repeating: 0x0A, count: Self.probeBytes), stagingDirectory: staging)
    }

    public static let probeBytes = 256 << 10

    /// How many articles the index holds.
    public func count() throws(StoreError) -> Int {
        let stmt = try db.prepare("SELECT count(*) FROM articles")
        _ = try stmt.step()
        return Int(stmt.int(0) ?? 0)
    }

    static func path(for id: String, firstSeen: Date) -> String {
        let day = String(Timestamp.format(firstSeen).prefix(10))  // YYYY-MM-DD
        let parts = day.split(separator: "-")
        return "articles/\(parts[0])/\(parts[1])/\(parts[2])/\(id).json"
    }

    /// A file written by a run that was killed before it committed: today's
    /// or yesterday's directory, where such a file can only be.
    func recoverUnindexed(id: String, near now: Date) -> (path: String, article: Article)? {
        for date in [now, now.addingTimeInterval(-86_400)] {
            let path = Self.path(for: id, firstSeen: date)
            if let bytes = FileSystem.read(outputDirectory + "/" + path),
               let article = try? JSONDecoder().decode(Article.self, from: Data(bytes)) {
                return (path, article)
            }
        }
        return nil
    }

    func isSameFile(_ path: String, _ bytes: [UInt8]) -> Bool {
        guard let existing = FileSystem.read(path) else { return false }
        return existing == bytes
    }

    func readArticle(_ relativePath: String) -> Article? {
        guard let bytes = FileSystem.read(outputDirectory + "/" + relativePath) else { return nil }
        return try? JSONDecoder().decode(Article.self, from: Data(bytes))
    }
}
