import Foundation
import TidingsModel

extension TidingsState {
    /// What a rebuild of the index found in the article files.
    public struct Reindex: Sendable {
        public var articles = 0
        /// Files under `articles/` that are not readable articles: left alone.
        public var unreadable: [String] = []
        /// Every feed the articles were seen in, for a feed list lost with the index.
        public var feeds: [TidingsMeta.FeedRef] = []
    }

    /// Rebuilds the index from the article files, which hold everything it
    /// keeps (id, shown feed, path, content hash, revision, first sighting,
    /// last change, sources). Reads every file, writes none: ids and files
    /// stay as they are, so the next poll finds every article unchanged.
    /// Tombstones of expired articles have no file and are not rebuilt.
    ///
    /// A file the journal has no `created` line for (written by a run
    /// killed before its first commit, whose index was then empty) gets one
    /// now: every article file has its `created` event.
    /// `progress` is told (files done, files in all) as it goes.
    public func reindex(progress: ((Int, Int) -> Void)? = nil) throws(StoreError) -> Reindex {
        let output = try writer()
        var result = Reindex()
        var feeds: [String: TidingsMeta.FeedRef] = [:]
        let root = output.directory + "/articles"
        let decoder = JSONDecoder()
        let kept = output.journal.events(since: 0)
        var journaled = Set(kept.filter { $0.event == .created }.map(\.id))
        for event in try unwrittenJournalEvents() where event.event == .created { journaled.insert(event.id) }
        // Older day files may have been removed (`journal_retention_days`):
        // an article first seen before the oldest line kept had its line there.
        let horizon = kept.first.flatMap { $0.seq > 1 ? $0.at : nil } ?? .distantPast
        try db.transaction { () throws(StoreError) in
            try db.execute("DELETE FROM articles; DELETE FROM article_keys; DELETE FROM article_sources;")
            let q = try Queries(db)
            let files = Self.articleFiles(under: root)
            for (done, relative) in files.enumerated() {
                progress?(done, files.count)
                let path = "articles/" + relative
                guard let bytes = FileSystem.read(output.directory + "/" + path),
                      let article = try? decoder.decode(Article.self, from: Data(bytes)) else {
                    result.unreadable.append(path)
                    continue
                }
                try q.insertArticle(article, path: path, rank: Article.richness(of: article.entry))
                try index(article, q: q)
                if !journaled.contains(article.id), article.tidings.firstSeen >= horizon {
                    try journalCreation(of: article, at: path, q: q)
                }
                let meta = article.tidings
                feeds[meta.feed.id] = feeds[meta.feed.id] ?? meta.feed
                result.articles += 1
            }
        }
        try flushJournal()
        progress?(result.articles + result.unreadable.count, result.articles + result.unreadable.count)
        result.feeds = feeds.values.sorted { $0.id < $1.id }
        return result
    }

    /// The events that made a file the journal never named: `created`,
    /// and a `source_added` for each further feed it lists (as a group
    /// that committed would have journaled them).
    func journalCreation(of article: Article, at path: String, q: Queries) throws(StoreError) {
        let meta = article.tidings
        try journalEvent(.created, id: article.id, path: path, feedID: meta.feed.id, q: q)
        for source in meta.sources where source.feedID != meta.feed.id {
            try journalEvent(.sourceAdded, id: article.id, path: path, feedID: source.feedID, q: q)
        }
    }

    /// Sources and keys of an article, from its file: its id (the hash of
    /// the key it was created under), each source's guid key and its link
    /// keys. Which links identified one item of their document the file
    /// cannot say; a link that is its feed's home page is left out, and a
    /// key another article already holds stays with that one.
    func index(_ article: Article, q: Queries) throws(StoreError) {
        let home = article.tidings.feed.homePageURL.flatMap(CanonicalURL.of)
        try q.register(keyHash: article.id, for: article.id)
        for source in article.tidings.sources {
            let shown = source.feedID == article.tidings.feed.id
            try q.saveSource(source, of: article.id, contentHash: shown ? article.tidings.contentHash : nil)
            if let guid = source.guid, !guid.isEmpty {
                try q.register(keyHash: ArticleIdentity.articleID(forKey: ArticleIdentity.guidKey(feedID: source.feedID, guid: guid)), for: article.id)
            }
            for link in [source.url, source.guid].compactMap({ $0.flatMap(CanonicalURL.of) }) where link != home {
                try q.register(keyHash: ArticleIdentity.articleID(forKey: ArticleIdentity.linkKey(link)), for: article.id)
            }
        }
    }

    /// A state made before cross-feed identity (schema 3) has articles but
    /// no keys or sources: they are filled from the files, once.
    func backfillIdentity() throws(StoreError) {
        let check = try db.prepare("""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM articles) AND NOT EXISTS (SELECT 1 FROM article_sources) THEN 1 ELSE 0 END
            """)
        guard try check.step(), check.int(0) == 1 else { return }
        let rows = try db.prepare("SELECT path FROM articles")
        var paths: [String] = []
        while try rows.step() { if let p = rows.text(0) { paths.append(p) } }
        try db.transaction { () throws(StoreError) in
            let q = try Queries(db)
            let rank = try db.prepare("UPDATE articles SET content_rank = ? WHERE id = ?")
            for path in paths {
                guard let article = readArticle(path) else { continue }
                try index(article, q: q)
                try rank.run([.int(Int64(Article.richness(of: article.entry))), .text(article.id)])
            }
        }
    }

    /// Whether article files exist: an empty index beside them was lost.
    public var hasArticleFiles: Bool {
        guard let directory = output?.directory,
              let e = FileManager.default.enumerator(atPath: directory + "/articles") else { return false }
        while let name = e.nextObject() as? String { if name.hasSuffix(".json") { return true } }
        return false
    }

    /// `YYYY/MM/DD/<id>.json` paths below `root`, sorted.
    static func articleFiles(under root: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let name = e.nextObject() as? String {
            if name.hasSuffix(".json") { out.append(name) }
        }
        return out.sorted()
    }
}
