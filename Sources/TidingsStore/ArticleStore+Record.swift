import Foundation
import TidingsModel

extension ArticleStore {
    /// Records the entries of one poll of one feed, in one transaction with
    /// their journal events.
    ///
    /// Each entry is looked up by its keys (`ArticleIdentity`). Unknown: a
    /// new article (`created`). Known, but not from this feed: this feed
    /// joins its sources (`source_added`), and its sighting fills the file
    /// if it is richer (`Article.richness`). Known from this feed with other
    /// content: an edit (`updated`; `revision` + 1 when it is the content
    /// the file shows). Unchanged: nothing is written. A tombstone (an
    /// expired article) stays expired.
    public func record(_ entries: [Entry], feed: FeedIdentity, at now: Date) throws(StoreError) -> Summary {
        let allKeys = ArticleIdentity.keys(for: entries, feed: feed)
        var summary = Summary()
        var writer = Writer(store: self)
        try db.transaction { () throws(StoreError) in
            let q = try Queries(db)
            try releaseWrittenJournalEvents()
            var claimed = Set<String>()
            for (entry, keys) in zip(entries, allKeys) {
                var id = ArticleIdentity.articleID(forKey: keys.primary)
                for key in keys.lookups {
                    if let found = try q.articleForKey(ArticleIdentity.articleID(forKey: key)) { id = found; break }
                }
                if claimed.contains(id) {
                    // Another item of this document is already that article:
                    // this one is the same item listed twice, or a distinct
                    // item that the feed-local key tells apart.
                    id = ArticleIdentity.articleID(forKey: keys.lookups[0])
                    if claimed.contains(id) { summary.unchanged += 1; continue }
                }
                claimed.insert(id)
                let sighting = Sighting(entry: entry, keys: keys, feed: feed, id: id,
                                        hash: ArticleIdentity.contentHash(of: entry), rank: Article.richness(of: entry))
                if let row = try q.article(id) {
                    try recordKnown(sighting, row: row, q: q, writer: &writer, summary: &summary, at: now)
                } else {
                    try recordNew(sighting, q: q, writer: &writer, at: now)
                    summary.new += 1
                }
            }
            try writer.syncDirectories()
        }
        // Committed: the events go to the journal files now. If that fails
        // (disk full) they wait in the state for the next flush, which
        // reports the error (`Ledger.finishRound`).
        try? flushJournal()
        return summary
    }

    /// One entry as this poll saw it, with the article it belongs to.
    struct Sighting {
        var entry: Entry
        var keys: ArticleIdentity.Keys
        var feed: FeedIdentity
        var id: String
        var hash: String
        var rank: Int
        var source: TidingsMeta.Source {
            .init(feedID: feed.id, feedURL: feed.url, guid: entry.guid, url: entry.url)
        }
    }

    private func recordNew(_ s: Sighting, q: Queries, writer: inout Writer, at now: Date) throws(StoreError) {
        var article = Article.make(from: s.entry, id: s.id, feed: s.feed, seenAt: now)
        var path = Self.path(for: s.id, firstSeen: now)
        if let orphan = recoverUnindexed(id: s.id, near: now) {
            path = orphan.path
            article = orphan.article
            article.tidings.sources = [s.source]
            if orphan.article.tidings.contentHash != s.hash { article = article.revised(with: s.entry, feed: s.feed, at: now) }
        }
        try q.insertArticle(article, path: path, rank: s.rank)
        try q.saveSource(s)
        try q.register(s.keys, for: s.id)
        try writer.write(article, to: path)
        try journalEvent(.created, id: s.id, path: path, feedID: s.feed.id, q: q)
    }

    private func recordKnown(_ s: Sighting, row: Queries.ArticleRow, q: Queries, writer: inout Writer,
                             summary: inout Summary, at now: Date) throws(StoreError) {
        if row.expired {
            summary.unchanged += 1  // a tombstone: expired stays expired
            return
        }
        let previous = try q.source(article: s.id, feed: s.feed.id)
        let fileIsThere = FileSystem.exists(outputDirectory + "/" + row.path)
        if let previous, previous.hash == s.hash, fileIsThere {
            summary.unchanged += 1
            return
        }
        try q.saveSource(s)
        try q.register(s.keys, for: s.id)
        let sources = try q.sources(of: s.id)
        let shown = row.feedID == s.feed.id
        let takesOver = shown || !fileIsThere || row.rank < 0 || s.rank > row.rank
            || (s.rank == row.rank && s.feed.id < row.feedID)
        var article = (fileIsThere ? readArticle(row.path) : nil)
            ?? Article.make(from: s.entry, id: s.id, feed: s.feed, seenAt: row.firstSeen)
        article.tidings.firstSeen = row.firstSeen
        article.tidings.lastChanged = row.lastChanged
        article.tidings.revision = row.revision
        article.tidings.sources = sources
        let event: JournalEvent.Kind?
        switch (previous, takesOver) {
        case (nil, true):
            article = article.showing(s.entry, from: s.feed, at: now)
            event = .sourceAdded
        case (nil, false):
            event = .sourceAdded
        case (.some(let p), _) where p.hash == s.hash:
            // The file was lost: written back as the index knows it.
            if shown { article = article.showing(s.entry, from: s.feed, at: row.lastChanged) }
            event = nil
        case (.some, true):
            article = article.revised(with: s.entry, feed: s.feed, at: now)
            event = .updated
        case (.some(let p), false):
            // An edit of a sighting the file does not show: only its line
            // in `sources` can change.
            event = p.guid == s.entry.guid && p.url == s.entry.url ? nil : .updated
        }
        if takesOver || event == .sourceAdded { try q.updateArticle(article, rank: takesOver ? s.rank : row.rank,
                                                                     shownFeed: takesOver ? s.feed.id : row.feedID) }
        guard event != nil || !fileIsThere else { return }
        try writer.write(article, to: row.path)
        if let event {
            try journalEvent(event, id: s.id, path: row.path, feedID: s.feed.id, q: q)
            if event == .sourceAdded { summary.merged += 1 } else { summary.updated += 1 }
        } else {
            summary.unchanged += 1
        }
    }

    /// Article files of one transaction: written atomically as they come,
    /// their directories synced once before the commit.
    struct Writer {
        let store: ArticleStore
        let encoder = Article.encoder()
        var touched = Set<String>()
        var made = Set<String>()

        init(store: ArticleStore) { self.store = store }

        mutating func write(_ article: Article, to relativePath: String) throws(StoreError) {
            let bytes: [UInt8]
            do { bytes = [UInt8](try encoder.encode(article)) + [0x0A] } catch {
                throw .encoding("article \(article.id): \(error)")
            }
            let absolute = store.outputDirectory + "/" + relativePath
            let directory = (absolute as NSString).deletingLastPathComponent
            if made.insert(directory).inserted { try FileSystem.makeDirectory(directory) }
            if !store.isSameFile(absolute, bytes) {
                try FileSystem.replaceAtomically(absolute, with: bytes, stagingDirectory: store.staging)
                touched.insert(directory)
            }
        }

        func syncDirectories() throws(StoreError) {
            for directory in touched { try FileSystem.syncDirectory(directory) }
        }
    }
}
