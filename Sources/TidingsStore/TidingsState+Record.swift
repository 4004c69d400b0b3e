import Foundation
import TidingsModel

extension TidingsState {
    /// One poll's changes, as the ledger hands them over.
    public enum Change: Sendable {
        /// A document's entries, recorded as this feed's sightings (seen
        /// at `at`), then the feed's row as the poll leaves it. `backlog`:
        /// the feed's first document (or the first after a long gap),
        /// whose events are journaled as backlog.
        case articles([Entry], feed: FeedIdentity, at: Date, then: FeedRecord?, backlog: Bool = false)
        /// Only the feed's row: a poll that brought no document.
        case feed(FeedRecord)
    }

    /// The most one group takes (`Ledger`): past these, the rest waits for
    /// the next. Enough to pay one sync for thousands of articles; few
    /// enough that a group's staged files and its transaction stay small.
    public static let groupFeeds = 64
    public static let groupArticles = 5_000

    /// Makes a group of polls' changes durable together: one transaction,
    /// one sync of the staged files, one commit that is durable when it
    /// returns, then the journal lines (docs/durability.md). Each change
    /// succeeds or fails on its own (a savepoint each: a feed whose
    /// articles cannot be encoded does not hold back the others); a
    /// failure of the files' sync or of the commit fails them all.
    public func apply(_ changes: [Change]) -> [Result<Summary, StoreError>] {
        var changes = changes
        return apply(consuming: &changes)
    }

    /// `apply`, emptying `changes` once they are decided: a group's
    /// documents are not held while its files are synced.
    public func apply(consuming changes: inout [Change]) -> [Result<Summary, StoreError>] {
        var results = [Result<Summary, StoreError>](repeating: .success(Summary()), count: changes.count)
        let output: Output
        do { output = try writer() } catch { return results.map { _ in .failure(error) } }
        var group = WriteGroup(output: output)
        // A group of feed rows alone (304s, failures, schedules) commits
        // without a sync: what it records is relearned by the next poll, and
        // the WAL keeps commits in order, so the next durable commit makes
        // it durable too. An idle round of a thousand feeds then costs no
        // sync at all (docs/durability.md).
        let rowsOnly = !changes.contains { if case .articles = $0 { true } else { false } }
        if rowsOnly { try? db.commitsDurably(false) }
        defer { if rowsOnly { try? db.commitsDurably(true) } }
        do {
            try db.begin()
            try releaseWrittenJournalEvents()
            try decide(changes, into: &results, group: &group)
            changes = []
            try group.makeDurable()
            try db.commit()
            group.finish()
        } catch {
            try? db.execute("ROLLBACK")
            group.abandon()
            // Files renamed before a failed commit: adopted now if the
            // state can be written, else at the next start.
            if group.renamed { try? adoptUncommittedGroup() }
            return results.map { _ in .failure(error) }
        }
        // Committed: the events go to the journal files now. If that fails
        // (disk full) they wait in the state for the next flush, which
        // reports the error (`Ledger.finishRound`).
        try? flushJournal()
        return results
    }

    /// Step 1 of a group: each change in a savepoint of its own. The
    /// statements are finalized when this returns, before the commit: an
    /// active statement at `COMMIT` keeps SQLite from checkpointing, and the
    /// WAL then grows with every group.
    private func decide(_ changes: [Change], into results: inout [Result<Summary, StoreError>],
                        group: inout WriteGroup) throws(StoreError) {
        let q = try Queries(db)
        for (i, change) in changes.enumerated() {
            var attempts = 0
            while true {
                let mark = group.mark
                try db.execute("SAVEPOINT poll")
                do {
                    results[i] = .success(try applyOne(change, q: q, group: &group))
                    try db.execute("RELEASE poll")
                    break
                } catch {
                    try db.execute("ROLLBACK TO poll")
                    try db.execute("RELEASE poll")
                    group.discard(since: mark)
                    // Another node created the same story, or the two
                    // deadlocked: decided again, it now sees that node's
                    // committed rows and joins them.
                    if error.isConcurrentWrite, attempts < 3 {
                        attempts += 1
                        continue
                    }
                    results[i] = .failure(error)
                    break
                }
            }
        }
    }

    /// Records one poll's entries as a group of its own.
    public func record(_ entries: [Entry], feed: FeedIdentity, at now: Date) throws(StoreError) -> Summary {
        guard let result = apply([.articles(entries, feed: feed, at: now, then: nil)]).first else { return Summary() }
        return try result.get()
    }

    private func applyOne(_ change: Change, q: Queries, group: inout WriteGroup) throws(StoreError) -> Summary {
        switch change {
        case .feed(let record):
            try save(record)
            return Summary()
        case .articles(let entries, let feed, let now, let record, let backlog):
            let output = try writer()
            output.recordingBacklog = backlog
            defer { output.recordingBacklog = false }
            let summary = try recordEntries(entries, feed: feed, at: now, q: q, group: &group)
            if let record { try save(record) }
            return summary
        }
    }

    /// Each entry is looked up by its keys (`ArticleIdentity`). Unknown: a
    /// new article (`created`). Known, but not from this feed: this feed
    /// joins its sources (`source_added`), and its sighting fills the file
    /// if it is richer (`Article.richness`). Known from this feed with other
    /// content: an edit (`updated`; `revision` + 1 when it is the content
    /// the file shows). Unchanged: nothing is written. A tombstone (an
    /// expired article) stays expired.
    private func recordEntries(_ entries: [Entry], feed: FeedIdentity, at now: Date, q: Queries,
                               group: inout WriteGroup) throws(StoreError) -> Summary {
        let allKeys = ArticleIdentity.keys(for: entries, feed: feed)
        // Every key of the document looked up at once, then kept up to
        // date with what this transaction registers.
        var known = try q.articlesForKeys(allKeys.flatMap { $0.lookups.map(ArticleIdentity.articleID(forKey:)) })
        // The articles they lead to (or that new ones would be), read and
        // locked at once; an article decided below is one of them, or
        // (two items of the document on one story) looked up on its own.
        let candidates = allKeys.map { keys in
            keys.lookups.lazy.compactMap { known[ArticleIdentity.articleID(forKey: $0)] }.first
                ?? ArticleIdentity.articleID(forKey: keys.primary)
        }
        let rows = try q.articles(candidates)
        let prefetched = Set(candidates)
        var summary = Summary()
        var claimed = Set<String>()
        for (entry, keys) in zip(entries, allKeys) {
            var id = ArticleIdentity.articleID(forKey: keys.primary)
            var unknown = true
            for key in keys.lookups {
                if let found = known[ArticleIdentity.articleID(forKey: key)] { id = found; unknown = false; break }
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
                                    hash: ArticleIdentity.contentHash(of: entry), rank: Article.richness(of: entry),
                                    unknownAtLookup: unknown)
            if let row = prefetched.contains(id) ? rows[id] : try q.article(id) {
                try recordKnown(sighting, row: row, q: q, group: &group, summary: &summary, known: &known, at: now)
            } else {
                try recordNew(sighting, q: q, group: &group, known: &known, at: now)
                summary.new += 1
            }
        }
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
        /// No key of it led to an article when it was looked up.
        var unknownAtLookup = false
        var source: TidingsMeta.Source {
            .init(feedID: feed.id, feedURL: feed.url, guid: entry.guid, url: entry.url)
        }
    }

    private func recordNew(_ s: Sighting, q: Queries, group: inout WriteGroup, known: inout [String: String],
                           at now: Date) throws(StoreError) {
        let article = Article.make(from: s.entry, id: s.id, feed: s.feed, seenAt: now)
        let path = Self.path(for: s.id, firstSeen: now)
        try q.insertArticle(article, path: path, rank: s.rank)
        try q.saveSource(s)
        let inserted = try q.register(s.keys, for: s.id)
        for key in inserted { known[key] = s.id }
        if db.engine == .postgres, s.unknownAtLookup,
           inserted.count < Set(s.keys.lookups.map(ArticleIdentity.articleID(forKey:))).count {
            // Another node recorded the story under one of its keys since
            // this one looked (its rows were not committed yet; the key
            // insert above waited for them): decided again, this sighting
            // joins that article.
            throw .postgres(state: "40001", message: "another node recorded this story at the same moment")
        }
        try stage(article, at: path, in: &group, isNew: true)
        try journalEvent(.created, id: s.id, path: path, feedID: s.feed.id, q: q)
    }

    private func recordKnown(_ s: Sighting, row: Queries.ArticleRow, q: Queries, group: inout WriteGroup,
                             summary: inout Summary, known: inout [String: String], at now: Date) throws(StoreError) {
        if row.expired {
            summary.unchanged += 1  // a tombstone: expired stays expired
            return
        }
        let previous = try q.source(article: s.id, feed: s.feed.id)
        let fileIsThere = group.exists(row.path)
        if let previous, previous.hash == s.hash, fileIsThere {
            summary.unchanged += 1
            return
        }
        try q.saveSource(s)
        for key in try q.register(s.keys, for: s.id) { known[key] = s.id }
        let sources = try q.sources(of: s.id)
        let shown = row.feedID == s.feed.id
        let takesOver = shown || !fileIsThere || row.rank < 0 || s.rank > row.rank
            || (s.rank == row.rank && s.feed.id < row.feedID)
        var article = (fileIsThere ? group.read(row.path).flatMap(Self.decodeArticle) : nil)
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
        try stage(article, at: row.path, in: &group)
        if let event {
            try journalEvent(event, id: s.id, path: row.path, feedID: s.feed.id, q: q)
            if event == .sourceAdded { summary.merged += 1 } else { summary.updated += 1 }
        } else {
            summary.unchanged += 1
        }
    }

    /// Stages an article's file in the group.
    func stage(_ article: Article, at path: String, in group: inout WriteGroup, isNew: Bool = false) throws(StoreError) {
        try group.stage(article.fileBytes(), at: path, isNew: isNew)
    }
}
