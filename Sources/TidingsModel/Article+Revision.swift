import Foundation

extension Article {
    /// A first revision of the article for an entry just seen in `feed`.
    public static func make(from entry: Entry, feed: FeedIdentity, seenAt now: Date) -> Article {
        let key = ArticleIdentity.dedupKey(for: entry, feedID: feed.id)
        let meta = TidingsMeta(
            guid: entry.guid, feed: feed.ref,
            sources: [.init(feedID: feed.id, feedURL: feed.url, guid: entry.guid, url: entry.url)],
            firstSeen: now, lastChanged: now, revision: 1,
            contentHash: ArticleIdentity.contentHash(of: entry))
        return Article(id: ArticleIdentity.articleID(forKey: key), entry: entry, tidings: meta)
    }

    /// The next revision: new content, same identity and first sighting.
    public func revised(with entry: Entry, feed: FeedIdentity, at now: Date) -> Article {
        var next = self
        next.entry = entry
        next.tidings.feed = feed.ref
        next.tidings.guid = entry.guid
        next.tidings.sources = [.init(feedID: feed.id, feedURL: feed.url, guid: entry.guid, url: entry.url)]
        next.tidings.lastChanged = now
        next.tidings.revision += 1
        next.tidings.contentHash = ArticleIdentity.contentHash(of: entry)
        return next
    }
}
