import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TidingsModel

extension TidingsState {
    /// How long articles are kept, and how many per feed; nil keeps all.
    public struct Retention: Sendable, Hashable {
        public var maximumAgeSeconds: Double?
        public var maximumPerFeed: Int?
        public init(maximumAgeSeconds: Double? = nil, maximumPerFeed: Int? = nil) {
            self.maximumAgeSeconds = maximumAgeSeconds
            self.maximumPerFeed = maximumPerFeed
        }
        public var keepsEverything: Bool { maximumAgeSeconds == nil && maximumPerFeed == nil }
    }

    /// Expires what the retention rules no longer keep: the file is removed,
    /// an `expired` event journaled, and the row stays as a tombstone so
    /// that an item still in its feed does not come back as new. Age counts
    /// from the first sighting; the count per feed keeps each feed's newest
    /// (by first sighting), and an article stays while any of its feeds
    /// keeps it. Returns how many expired.
    @discardableResult
    public func expire(_ rules: Retention, at now: Date) throws(StoreError) -> Int {
        guard !rules.keepsEverything else { return 0 }
        var doomed: [(id: String, path: String, feed: String)] = []
        try db.transaction { () throws(StoreError) in
            try releaseWrittenJournalEvents()
            var ids = Set<String>()
            func collect(_ stmt: Statement) throws(StoreError) {
                while try stmt.step() {
                    guard let id = stmt.text(0), let path = stmt.text(1), ids.insert(id).inserted else { continue }
                    doomed.append((id, path, stmt.text(2) ?? ""))
                }
            }
            if let age = rules.maximumAgeSeconds {
                let old = try db.prepare("SELECT id, path, feed_id FROM articles WHERE expired_at IS NULL AND first_seen < ?")
                try old.bind([.real(now.timeIntervalSince1970 - age)])
                try collect(old)
            }
            if let limit = rules.maximumPerFeed {
                let surplus = try db.prepare("""
                    SELECT a.id, a.path, a.feed_id FROM articles a JOIN (
                        SELECT article_id FROM (
                            SELECT s.article_id, ROW_NUMBER() OVER (
                                PARTITION BY s.feed_id ORDER BY l.first_seen DESC, l.id DESC) AS place
                            FROM article_sources s JOIN articles l ON l.id = s.article_id
                            WHERE l.expired_at IS NULL) ranked
                        GROUP BY article_id HAVING MIN(place) > ?) k ON k.article_id = a.id
                    """)
                try surplus.bind([.int(Int64(limit))])
                try collect(surplus)
            }
            let mark = try db.prepare("UPDATE articles SET expired_at = ? WHERE id = ?")
            let q = try Queries(db)
            for article in doomed {
                try mark.run([.real(now.timeIntervalSince1970), .text(article.id)])
                try journalEvent(.expired, id: article.id, path: article.path, feedID: article.feed, q: q)
            }
        }
        try removeFiles(doomed.map(\.path))
        try flushJournal()
        return doomed.count
    }

    /// What `tidings remove --purge` did to a feed's articles.
    public struct Purge: Sendable, Hashable {
        /// Articles no other feed carries: files removed, `removed` journaled.
        public var removed = 0
        /// Articles kept because another feed carries them too.
        public var kept = 0
    }

    /// Removes a feed's articles that no other feed carries (file, index,
    /// keys; a `removed` event each) and takes the feed out of the sources
    /// of the others (their files rewritten, an `updated` event each; the
    /// content they show stays until a remaining feed's sighting replaces it).
    public func purge(feedID: String, at now: Date = Date()) throws(StoreError) -> Purge {
        var result = Purge()
        var gone: [String] = []
        var group = WriteGroup(output: try writer())
        try db.transaction { () throws(StoreError) in
            try releaseWrittenJournalEvents()
            let q = try Queries(db)
            let carried = try db.prepare("SELECT article_id FROM article_sources WHERE feed_id = ?")
            try carried.bind([.text(feedID)])
            var ids: [String] = []
            while try carried.step() { if let id = carried.text(0) { ids.append(id) } }
            let dropSource = try db.prepare("DELETE FROM article_sources WHERE article_id = ? AND feed_id = ?")
            let dropArticle = try db.prepare("DELETE FROM articles WHERE id = ?")
            let unshow = try db.prepare("UPDATE articles SET content_rank = -1 WHERE id = ? AND feed_id = ?")
            var doomed: [String] = []
            for id in ids {
                try dropSource.run([.text(id), .text(feedID)])
                guard let row = try q.article(id) else { continue }
                let others = try q.sources(of: id)
                if others.isEmpty {
                    try dropArticle.run([.text(id)])
                    doomed.append(id)
                    if !row.expired {
                        gone.append(row.path)
                        try journalEvent(.removed, id: id, path: row.path, feedID: feedID, q: q)
                    }
                    result.removed += 1
                    continue
                }
                result.kept += 1
                try unshow.run([.text(id), .text(feedID)])
                guard !row.expired, var article = group.read(row.path).flatMap(Self.decodeArticle) else { continue }
                article.tidings.sources = others
                try stage(article, at: row.path, in: &group)
                try journalEvent(.updated, id: id, path: row.path, feedID: feedID, q: q)
            }
            try dropKeys(of: doomed)
            try db.prepare("DELETE FROM purge_requests WHERE feed_id = ?").run([.text(feedID)])
            try group.makeDurable()
        }
        group.finish()
        try removeFiles(gone)
        try flushJournal()
        return result
    }

    /// Deletes the dedup keys of these articles in one pass over the keys
    /// (no index by article: it cost every new article a page per key).
    private func dropKeys(of articles: [String]) throws(StoreError) {
        guard !articles.isEmpty else { return }
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed_articles (id TEXT PRIMARY KEY)")
        let insert = try db.prepare("INSERT INTO doomed_articles (id) VALUES (?) ON CONFLICT DO NOTHING")
        for id in articles { try insert.run([.text(id)]) }
        try db.execute("""
            DELETE FROM article_keys WHERE article_id IN (SELECT id FROM doomed_articles);
            DELETE FROM doomed_articles;
            """)
    }

    /// Feeds whose removal asked for their articles to go too
    /// (`tidings remove --purge` beside a running daemon).
    public func pendingPurges() throws(StoreError) -> [String] {
        let stmt = try db.prepare("SELECT feed_id FROM purge_requests ORDER BY requested_at")
        var out: [String] = []
        while try stmt.step() { if let id = stmt.text(0) { out.append(id) } }
        return out
    }

    /// Unlinks article files (after the commit that expired or removed
    /// them) and syncs their directories.
    private func removeFiles(_ paths: [String]) throws(StoreError) {
        let output = try writer()
        var directories = Set<String>()
        for path in paths {
            let absolute = output.directory + "/" + path
            if unlink(absolute) == 0 { directories.insert(FileSystem.parent(of: absolute)) }
        }
        for directory in directories { try FileSystem.syncDirectory(directory) }
    }

    /// Files of tombstoned articles that a kill left behind (it came after
    /// the commit, before the unlink).
    func removeExpiredFiles() {
        guard let stmt = try? db.prepare("SELECT path FROM articles WHERE expired_at IS NOT NULL") else { return }
        var paths: [String] = []
        while (try? stmt.step()) == true { if let p = stmt.text(0) { paths.append(p) } }
        guard let directory = output?.directory else { return }
        try? removeFiles(paths.filter { FileSystem.exists(directory + "/" + $0) })
    }
}
