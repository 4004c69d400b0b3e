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
/// Crash and power-loss safety: files, index rows and journal lines become
/// durable in the order docs/durability.md states, a group of polls at a
/// time (`apply`, `WriteGroup`). A file whose index rows a crash lost is
/// adopted at the next start (`adoptUncommittedGroup`), never written
/// twice; journal lines missing from the files are written from the
/// database (`flushJournal`).
extension TidingsState {
    /// Whether the output can take articles again: a file written the way
    /// articles are (staging, fsync, rename), then removed. 256 KiB, more
    /// than nearly any article, so that a disk with a few bytes free does
    /// not pass for writable and send the daemon back to fetching.
    public func probeWritable() throws(StoreError) {
        let staging = try writer().staging
        let probe = staging + "/probe.check"
        defer { unlink(probe) }
        try FileSystem.replaceAtomically(probe, with: [UInt8](repeating: 0x0A, count: Self.probeBytes), stagingDirectory: staging)
    }

    public static let probeBytes = 256 << 10

    /// How many articles have a file (expired ones are tombstones).
    public func count() throws(StoreError) -> Int {
        let stmt = try db.prepare("SELECT count(*) FROM articles WHERE expired_at IS NULL")
        _ = try stmt.step()
        return Int(stmt.int(0) ?? 0)
    }

    static func path(for id: String, firstSeen: Date) -> String {
        let day = String(Timestamp.format(firstSeen).prefix(10))  // YYYY-MM-DD
        let parts = day.split(separator: "-")
        return "articles/\(parts[0])/\(parts[1])/\(parts[2])/\(id).json"
    }

    static func decodeArticle(_ bytes: [UInt8]) -> Article? {
        try? JSONDecoder().decode(Article.self, from: Data(bytes))
    }

    func readArticle(_ relativePath: String) -> Article? {
        guard let directory = output?.directory, let bytes = FileSystem.read(directory + "/" + relativePath) else { return nil }
        return Self.decodeArticle(bytes)
    }

    /// The files of a group whose commit a crash or power loss lost (its
    /// intent names them; see `WriteGroup`), from whatever date they are
    /// under. A file the index does not know is adopted as it is (its row,
    /// keys and sources from the file, and a `created` event); one the
    /// index knows at another revision or content, or without one of its
    /// sources, takes the file's (`updated`, `source_added`). No file is
    /// rewritten. Then the intent goes.
    func adoptUncommittedGroup(staging: String? = nil) throws(StoreError) {
        let output = try writer()
        let intent = (staging ?? output.staging) + "/" + WriteGroup.intentName
        guard let listed = FileSystem.read(intent) else { return }
        // An empty index beside article files is rebuilt from all of them
        // (`IndexRecovery`), these included; the intent is dropped at the
        // next start, when adopting it finds them all indexed.
        guard try count() > 0 else { return }
        // A partial last line names no file that exists: it is skipped.
        let paths = listed.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
            .filter { $0.hasPrefix("articles/") && $0.hasSuffix(".json") }
        try db.transaction { () throws(StoreError) in
            let q = try Queries(db)
            for path in paths {
                guard let bytes = FileSystem.read(output.directory + "/" + path),
                      let article = Self.decodeArticle(bytes) else { continue }
                let meta = article.tidings
                // The events the lost group had given: a `created`, a
                // `source_added` for each further feed, an `updated` for an edit.
                guard let row = try q.article(article.id) else {
                    try q.insertArticle(article, path: path, rank: Article.richness(of: article.entry))
                    try index(article, q: q)
                    try journalCreation(of: article, at: path, q: q)
                    continue
                }
                // Another node recorded the story meanwhile, under another
                // date: this copy is not the article's file.
                if row.path != path { unlink(output.directory + "/" + path); continue }
                guard !row.expired else { continue }
                let known = Set(try q.sources(of: article.id).map(\.feedID))
                let missing = meta.sources.filter { !known.contains($0.feedID) }
                let edited = row.revision != meta.revision || row.contentHash != meta.contentHash
                guard edited || !missing.isEmpty else { continue }
                try q.updateArticle(article, rank: Article.richness(of: article.entry), shownFeed: meta.feed.id)
                for source in missing {
                    try q.saveSource(source, of: article.id,
                                     contentHash: source.feedID == meta.feed.id ? meta.contentHash : nil)
                    try journalEvent(.sourceAdded, id: article.id, path: path, feedID: source.feedID, q: q)
                }
                if edited { try journalEvent(.updated, id: article.id, path: path, feedID: meta.feed.id, q: q) }
            }
        }
        unlink(intent)
    }
}
