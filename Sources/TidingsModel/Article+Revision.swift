import Foundation

extension Article {
    /// First revisions of every entry of one document, with the ids a new
    /// article gets (`ArticleIdentity.keys`): what `tidings parse` shows
    /// and what the store writes for entries it has not seen.
    public static func make(from entries: [Entry], feed: FeedIdentity, seenAt now: Date) -> [Article] {
        zip(entries, ArticleIdentity.keys(for: entries, feed: feed)).map { entry, keys in
            make(from: entry, id: ArticleIdentity.articleID(forKey: keys.primary), feed: feed, seenAt: now)
        }
    }

    /// A first revision of the article for an entry seen alone in `feed`.
    public static func make(from entry: Entry, feed: FeedIdentity, seenAt now: Date) -> Article {
        make(from: [entry], feed: feed, seenAt: now)[0]
    }

    /// A first revision under a given id.
    public static func make(from entry: Entry, id: String, feed: FeedIdentity, seenAt now: Date) -> Article {
        let meta = TidingsMeta(
            guid: entry.guid, feed: feed.ref,
            sources: [.init(feedID: feed.id, feedURL: feed.url, guid: entry.guid, url: entry.url)],
            firstSeen: now, lastChanged: now, revision: 1,
            contentHash: ArticleIdentity.contentHash(of: entry))
        return Article(id: id, entry: entry, tidings: meta)
    }

    /// The same article showing `entry` from `feed` instead: identity, first
    /// sighting, revision and sources stay; the caller decides whether this
    /// is an edit (`revision` + 1) or another source taking over.
    public func showing(_ entry: Entry, from feed: FeedIdentity, at now: Date) -> Article {
        var next = self
        next.entry = entry
        next.tidings.feed = feed.ref
        next.tidings.guid = entry.guid
        next.tidings.lastChanged = now
        next.tidings.contentHash = ArticleIdentity.contentHash(of: entry)
        return next
    }

    /// The next revision: an edit of the entry by the feed it is shown
    /// from. `date_modified` is the feed's, else the time the edit was seen.
    /// `content_hash` stays the hash of the entry as the feed gave it, so
    /// that the feed's next sighting of it compares equal.
    public func revised(with entry: Entry, feed: FeedIdentity, at now: Date) -> Article {
        var next = showing(entry, from: feed, at: now)
        if next.entry.dateModified == nil { next.entry.dateModified = now }
        next.tidings.revision += 1
        return next
    }

    /// How much of the story an entry carries: the rule that picks which
    /// feed's sighting fills a file seen in several (the largest wins, ties
    /// to the smallest feed id), so the file does not depend on which feed
    /// was polled first.
    public static func richness(of entry: Entry) -> Int {
        ((entry.contentHTML ?? entry.contentText)?.utf8.count ?? 0)
            + (entry.summary?.utf8.count ?? 0) + (entry.title?.utf8.count ?? 0)
            + entry.attachments.count * 64 + (entry.image == nil ? 0 : 16)
    }
}
