import Foundation
import TidingsModel

extension ArticleStore {
    /// What a rebuild of the index found in the article files.
    public struct Reindex: Sendable {
        public var articles = 0
        /// Files under `articles/` that are not readable articles: left alone.
        public var unreadable: [String] = []
        /// Every feed the articles were seen in, for a feed list lost with the index.
        public var feeds: [TidingsMeta.FeedRef] = []
    }

    /// Rebuilds the index from the article files, which hold everything it
    /// keeps (id, feed, path, content hash, revision, first sighting, last
    /// change). Reads every file, writes none: ids and files stay as they
    /// are, so the next poll finds every article unchanged.
    public func reindex() throws(StoreError) -> Reindex {
        var result = Reindex()
        var feeds: [String: TidingsMeta.FeedRef] = [:]
        let root = outputDirectory + "/articles"
        let decoder = JSONDecoder()
        let insert = try db.prepare("""
            INSERT OR REPLACE INTO articles (id, feed_id, path, content_hash, revision, first_seen, last_changed)
            VALUES (?,?,?,?,?,?,?)
            """)
        try db.transaction { () throws(StoreError) in
            try db.execute("DELETE FROM articles")
            for relative in Self.articleFiles(under: root) {
                let path = "articles/" + relative
                guard let bytes = FileSystem.read(outputDirectory + "/" + path),
                      let article = try? decoder.decode(Article.self, from: Data(bytes)) else {
                    result.unreadable.append(path)
                    continue
                }
                let meta = article.tidings
                try insert.run([
                    .text(article.id), .text(meta.feed.id), .text(path), .text(meta.contentHash),
                    .int(Int64(meta.revision)), .real(meta.firstSeen.timeIntervalSince1970),
                    .real(meta.lastChanged.timeIntervalSince1970),
                ])
                feeds[meta.feed.id] = feeds[meta.feed.id] ?? meta.feed
                result.articles += 1
            }
        }
        result.feeds = feeds.values.sorted { $0.id < $1.id }
        return result
    }

    /// Whether article files exist: an empty index beside them was lost.
    public var hasArticleFiles: Bool {
        guard let e = FileManager.default.enumerator(atPath: outputDirectory + "/articles") else { return false }
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
