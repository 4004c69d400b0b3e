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
/// rows inserted inside one transaction, committed after the directories are
/// synced. A kill before the commit leaves files the index does not know; the
/// next poll finds them (`recoverUnindexed`) and adopts their first sighting
/// and revision, so nothing is lost and nothing is written twice.
public final class ArticleStore {
    let db: Database
    public let outputDirectory: String
    private let staging: String

    public struct Summary: Sendable, Hashable {
        public var new = 0
        public var updated = 0
        public var unchanged = 0
        public init() {}
    }

    public init(stateDirectory: String, outputDirectory: String) throws(StoreError) {
        try FileSystem.makeDirectory(stateDirectory)
        try FileSystem.makeDirectory(outputDirectory + "/articles")
        staging = outputDirectory + "/.staging"
        try FileSystem.makeDirectory(staging)
        FileSystem.clearStaging(staging)
        self.outputDirectory = outputDirectory
        db = try Database(path: stateDirectory + "/tidings.sqlite3")
        try Schema.migrate(db)
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

    /// Records the entries of one poll of one feed.
    public func record(_ entries: [Entry], feed: FeedIdentity, at now: Date) throws(StoreError) -> Summary {
        var summary = Summary()
        var seen = Set<String>()
        var touchedDirectories = Set<String>()
        let lookup = try db.prepare("SELECT path, content_hash, revision, first_seen, last_changed FROM articles WHERE id = ?")
        let upsert = try db.prepare("""
            INSERT OR REPLACE INTO articles (id, feed_id, path, content_hash, revision, first_seen, last_changed)
            VALUES (?,?,?,?,?,?,?)
            """)
        let encoder = Article.encoder()
        try db.transaction { () throws(StoreError) in
            for entry in entries {
                var article = Article.make(from: entry, feed: feed, seenAt: now)
                // A feed listing the same item twice: the first one wins.
                guard seen.insert(article.id).inserted else { continue }
                try lookup.bind([.text(article.id)])
                var relativePath: String
                if try lookup.step(), let path = lookup.text(0), let hash = lookup.text(1) {
                    relativePath = path
                    let fileIsThere = FileSystem.exists(outputDirectory + "/" + path)
                    if hash == article.tidings.contentHash && fileIsThere {
                        summary.unchanged += 1
                        continue
                    }
                    var previous = article
                    previous.tidings.firstSeen = Date(timeIntervalSince1970: lookup.real(3) ?? now.timeIntervalSince1970)
                    previous.tidings.lastChanged = Date(timeIntervalSince1970: lookup.real(4) ?? now.timeIntervalSince1970)
                    previous.tidings.revision = Int(lookup.int(2) ?? 1)
                    if hash == article.tidings.contentHash {
                        article = previous  // file lost: write it back as it was
                        summary.unchanged += 1
                    } else {
                        article = previous.revised(with: entry, feed: feed, at: now)
                        summary.updated += 1
                    }
                } else {
                    relativePath = Self.path(for: article.id, firstSeen: now)
                    if let orphan = recoverUnindexed(id: article.id, near: now) {
                        relativePath = orphan.path
                        if orphan.article.tidings.contentHash == article.tidings.contentHash {
                            article = orphan.article
                        } else {
                            article = orphan.article.revised(with: entry, feed: feed, at: now)
                        }
                    }
                    summary.new += 1
                }
                let bytes: [UInt8]
                do { bytes = [UInt8](try encoder.encode(article)) + [0x0A] } catch {
                    throw .encoding("article \(article.id): \(error)")
                }
                let absolute = outputDirectory + "/" + relativePath
                let directory = (absolute as NSString).deletingLastPathComponent
                if !touchedDirectories.contains(directory) { try FileSystem.makeDirectory(directory) }
                if try !isSameFile(absolute, bytes) {
                    try FileSystem.replaceAtomically(absolute, with: bytes, stagingDirectory: staging)
                    touchedDirectories.insert(directory)
                }
                try upsert.run([
                    .text(article.id), .text(feed.id), .text(relativePath), .text(article.tidings.contentHash),
                    .int(Int64(article.tidings.revision)), .real(article.tidings.firstSeen.timeIntervalSince1970),
                    .real(article.tidings.lastChanged.timeIntervalSince1970),
                ])
            }
            for directory in touchedDirectories { try FileSystem.syncDirectory(directory) }
        }
        return summary
    }

    static func path(for id: String, firstSeen: Date) -> String {
        let day = String(Timestamp.format(firstSeen).prefix(10))  // YYYY-MM-DD
        let parts = day.split(separator: "-")
        return "articles/\(parts[0])/\(parts[1])/\(parts[2])/\(id).json"
    }

    /// A file written by a run that was killed before it committed: today's
    /// or yesterday's directory, where such a file can only be.
    private func recoverUnindexed(id: String, near now: Date) -> (path: String, article: Article)? {
        for date in [now, now.addingTimeInterval(-86_400)] {
            let path = Self.path(for: id, firstSeen: date)
            if let bytes = FileSystem.read(outputDirectory + "/" + path),
               let article = try? JSONDecoder().decode(Article.self, from: Data(bytes)) {
                return (path, article)
            }
        }
        return nil
    }

    private func isSameFile(_ path: String, _ bytes: [UInt8]) throws(StoreError) -> Bool {
        guard let existing = FileSystem.read(path) else { return false }
        return existing == bytes
    }
}
