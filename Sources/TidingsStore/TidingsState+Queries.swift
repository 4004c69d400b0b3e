import Foundation
import TidingsModel

extension TidingsState {
    /// The index's statements, prepared once per transaction. Keys are
    /// stored as their hash (`ArticleIdentity.articleID(forKey:)`): 32
    /// characters however long the link, and the key hash of a new
    /// article's primary key is its id.
    struct Queries {
        struct ArticleRow {
            var path: String
            var contentHash: String
            var revision: Int
            var firstSeen: Date
            var lastChanged: Date
            /// The feed whose sighting the file shows.
            var feedID: String
            var rank: Int
            var expired: Bool
        }

        struct SourceRow {
            var guid: String?
            var url: String?
            var hash: String?
        }

        // Among nodes, an article's row is locked before it is read (the
        // lock held to the commit): the file written shows what the
        // committed rows say, never a view another node's commit outdated.
        private let db: Database
        private let keyLookup, keysLookup, articleLookup, articlesLookup, sourceLookup, sourcesOf: Statement
        private let insertArticleStmt, updateArticleStmt, saveSourceStmt, registerKey, insertJournal: Statement

        init(_ db: Database) throws(StoreError) {
            self.db = db
            keyLookup = try db.prepare("SELECT article_id FROM article_keys WHERE key_hash = ?")
            let some = Array(repeating: "?", count: Self.keysAtOnce).joined(separator: ", ")
            keysLookup = try db.prepare("SELECT key_hash, article_id FROM article_keys WHERE key_hash IN (\(some))")
            articleLookup = try db.prepare("""
                SELECT path, content_hash, revision, first_seen, last_changed, feed_id, content_rank, expired_at
                FROM articles WHERE id = ?\(db.engine == .postgres ? " FOR UPDATE" : "")
                """)
            articlesLookup = try db.prepare("""
                SELECT path, content_hash, revision, first_seen, last_changed, feed_id, content_rank, expired_at, id
                FROM articles WHERE id IN (\(some))\(db.engine == .postgres ? " ORDER BY id FOR UPDATE" : "")
                """)
            sourceLookup = try db.prepare("SELECT guid, url, content_hash FROM article_sources WHERE article_id = ? AND feed_id = ?")
            sourcesOf = try db.prepare("SELECT feed_id, feed_url, guid, url FROM article_sources WHERE article_id = ? ORDER BY feed_id")
            insertArticleStmt = try db.prepare("""
                INSERT INTO articles (id, feed_id, path, content_hash, revision, first_seen, last_changed, content_rank)
                VALUES (?,?,?,?,?,?,?,?)
                """)
            updateArticleStmt = try db.prepare("""
                UPDATE articles SET feed_id = ?, content_hash = ?, revision = ?, last_changed = ?, content_rank = ?
                WHERE id = ?
                """)
            saveSourceStmt = try db.prepare("""
                INSERT INTO article_sources (article_id, feed_id, feed_url, guid, url, content_hash)
                VALUES (?,?,?,?,?,?) ON CONFLICT (article_id, feed_id) DO UPDATE SET feed_url = excluded.feed_url,
                  guid = excluded.guid, url = excluded.url, content_hash = excluded.content_hash
                """)
            registerKey = try db.prepare("INSERT INTO article_keys (key_hash, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            // PostgreSQL gives seqs at commit (`PostgresSchema`); SQLite, whose
            // writer is alone, as rows are inserted.
            let journal = db.engine == .postgres ? "pending_journal" : "journal"
            insertJournal = try db.prepare("INSERT INTO \(journal) (event, article_id, path, feed_id, at, backlog) VALUES (?,?,?,?,?,?)")
        }

        func articleForKey(_ keyHash: String) throws(StoreError) -> String? {
            try keyLookup.bind([.text(keyHash)])
            return try keyLookup.step() ? keyLookup.text(0) : nil
        }

        /// How many key hashes one lookup takes (one statement text: the
        /// last chunk is padded by repeating a hash).
        static let keysAtOnce = 32

        /// The articles these key hashes lead to, by hash, looked up a
        /// chunk at a time: a document's keys in one or a few round trips
        /// to the server, not one per key (PostgreSQL answers each over a
        /// socket).
        func articlesForKeys(_ hashes: [String]) throws(StoreError) -> [String: String] {
            var found: [String: String] = [:]
            try eachChunk(of: hashes, through: keysLookup) { () throws(StoreError) in
                if let key = keysLookup.text(0), let id = keysLookup.text(1) { found[key] = id }
            }
            return found
        }

        /// Runs a statement of `keysAtOnce` parameters over these values
        /// (distinct, sorted: locks are taken in one order), a chunk at a
        /// time, the last padded by repeating its first; `row` reads each
        /// row the statement gives.
        private func eachChunk(of values: [String], through statement: Statement,
                               row: () throws(StoreError) -> Void) throws(StoreError) {
            let unique = Array(Set(values)).sorted()
            var start = 0
            while start < unique.count {
                let chunk = unique[start..<min(start + Self.keysAtOnce, unique.count)]
                let padded = Array(chunk) + Array(repeating: chunk.first!, count: Self.keysAtOnce - chunk.count)
                try statement.bind(padded.map { .text($0) })
                while try statement.step() { try row() }
                start += Self.keysAtOnce
            }
        }

        func article(_ id: String) throws(StoreError) -> ArticleRow? {
            try articleLookup.bind([.text(id)])
            return try articleLookup.step() ? Self.articleRow(articleLookup) : nil
        }

        /// The rows of these articles (locked, in PostgreSQL), a chunk at a
        /// time, by id; an id with no row is absent.
        func articles(_ ids: [String]) throws(StoreError) -> [String: ArticleRow] {
            var found: [String: ArticleRow] = [:]
            try eachChunk(of: ids, through: articlesLookup) { () throws(StoreError) in
                if let row = Self.articleRow(articlesLookup), let id = articlesLookup.text(8) { found[id] = row }
            }
            return found
        }

        private static func articleRow(_ s: Statement) -> ArticleRow? {
            guard let path = s.text(0), let hash = s.text(1), let feed = s.text(5) else { return nil }
            return ArticleRow(path: path, contentHash: hash, revision: Int(s.int(2) ?? 1),
                              firstSeen: Date(timeIntervalSince1970: s.real(3) ?? 0),
                              lastChanged: Date(timeIntervalSince1970: s.real(4) ?? 0),
                              feedID: feed, rank: Int(s.int(6) ?? 0), expired: s.real(7) != nil)
        }

        func source(article: String, feed: String) throws(StoreError) -> SourceRow? {
            try sourceLookup.bind([.text(article), .text(feed)])
            guard try sourceLookup.step() else { return nil }
            return SourceRow(guid: sourceLookup.text(0), url: sourceLookup.text(1), hash: sourceLookup.text(2))
        }

        func sources(of article: String) throws(StoreError) -> [TidingsMeta.Source] {
            try sourcesOf.bind([.text(article)])
            var out: [TidingsMeta.Source] = []
            while try sourcesOf.step() {
                out.append(.init(feedID: sourcesOf.text(0) ?? "", feedURL: sourcesOf.text(1) ?? "",
                                 guid: sourcesOf.text(2), url: sourcesOf.text(3)))
            }
            return out
        }

        func insertArticle(_ a: Article, path: String, rank: Int) throws(StoreError) {
            try insertArticleStmt.run([
                .text(a.id), .text(a.tidings.feed.id), .text(path), .text(a.tidings.contentHash),
                .int(Int64(a.tidings.revision)), .real(a.tidings.firstSeen.timeIntervalSince1970),
                .real(a.tidings.lastChanged.timeIntervalSince1970), .int(Int64(rank)),
            ])
        }

        func updateArticle(_ a: Article, rank: Int, shownFeed: String) throws(StoreError) {
            try updateArticleStmt.run([
                .text(shownFeed), .text(a.tidings.contentHash), .int(Int64(a.tidings.revision)),
                .real(a.tidings.lastChanged.timeIntervalSince1970), .int(Int64(rank)), .text(a.id),
            ])
        }

        func saveSource(_ s: Sighting) throws(StoreError) {
            try saveSource(s.source, of: s.id, contentHash: s.hash)
        }

        /// A feed's sighting of an article; `contentHash` nil when unknown
        /// (rebuilt from a file that shows another feed's entry).
        func saveSource(_ source: TidingsMeta.Source, of article: String, contentHash: String?) throws(StoreError) {
            try saveSourceStmt.run([.text(article), .text(source.feedID), .text(source.feedURL), .text(source.guid),
                                    .text(source.url), .text(contentHash)])
        }

        func insertJournalEvent(_ event: String, id: String, path: String, feedID: String?, at: Date,
                                backlog: Bool) throws(StoreError) {
            try insertJournal.run([.text(event), .text(id), .text(path), .text(feedID), .real(at.timeIntervalSince1970),
                                   .int(backlog ? 1 : 0)])
        }

        /// Every key of a sighting points at its article, unless another
        /// article holds the key already (the first keeps it); in one
        /// statement. Returns the key hashes it inserted.
        @discardableResult
        func register(_ keys: ArticleIdentity.Keys, for id: String) throws(StoreError) -> Set<String> {
            let hashes = Set(keys.lookups.map(ArticleIdentity.articleID(forKey:))).sorted()
            guard !hashes.isEmpty else { return [] }
            let rows = Array(repeating: "(?, ?)", count: hashes.count).joined(separator: ", ")
            let insert = try db.prepare("""
                INSERT INTO article_keys (key_hash, article_id) VALUES \(rows) ON CONFLICT DO NOTHING RETURNING key_hash
                """)
            try insert.bind(hashes.flatMap { [SQLValue.text($0), .text(id)] })
            var inserted = Set<String>()
            while try insert.step() { if let key = insert.text(0) { inserted.insert(key) } }
            return inserted
        }

        func register(keyHash: String, for id: String) throws(StoreError) {
            try registerKey.run([.text(keyHash), .text(id)])
        }
    }
}
