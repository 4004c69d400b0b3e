import Foundation

/// What an operator sets on feeds (`tidings add`, `set`, `import`), kept
/// apart from what polls write (`save`), so that neither undoes the other.
extension TidingsState {
    /// What an operator can set on a feed; nil leaves a setting as it is.
    public struct Settings: Sendable, Hashable {
        public var category: String?
        public var title: String?
        public var intervalSeconds: Double?
        /// Merged over what the feed has (`FeedRequestSettings.merging`).
        public var request: FeedRequestSettings?
        public init(category: String? = nil, title: String? = nil, intervalSeconds: Double? = nil,
                    request: FeedRequestSettings? = nil) {
            self.category = category
            self.title = title
            self.intervalSeconds = intervalSeconds
            self.request = request
        }
        public var isEmpty: Bool { category == nil && title == nil && intervalSeconds == nil && request == nil }
    }

    /// Applies an operator's settings (`tidings add`, `tidings set`). A new
    /// interval takes effect now: the feed's next poll comes no later than
    /// one new interval from now.
    public func apply(_ settings: Settings, to id: String, at now: Date = Date()) throws(StoreError) {
        guard !settings.isEmpty else { return }
        try db.transaction { () throws(StoreError) in
            try db.prepare("""
                UPDATE feeds SET category = COALESCE(?, category), operator_title = COALESCE(?, operator_title),
                  operator_interval = COALESCE(?, operator_interval)
                WHERE id = ?
                """).run([.text(settings.category), .text(settings.title), .real(settings.intervalSeconds), .text(id)])
            if let request = settings.request {
                let current = try find(id)?.request ?? FeedRequestSettings()
                try db.prepare("UPDATE feeds SET request = ? WHERE id = ?")
                    .run([.text(current.merging(request).json), .text(id)])
            }
            guard let interval = settings.intervalSeconds else { return }
            try db.prepare("""
                UPDATE feed_schedule SET next_poll_at = ?1 WHERE feed_id = ?2 AND next_poll_at > ?1
                """).run([.real(now.timeIntervalSince1970 + interval), .text(id)])
        }
    }

    /// The title and home page a feed had when it was added (`tidings
    /// add` fetched it), until its first poll says otherwise.
    public func noteDiscovered(_ id: String, title: String?, homePageURL: String?) throws(StoreError) {
        try db.prepare("""
            UPDATE feeds SET title = COALESCE(title, ?), home_page_url = COALESCE(home_page_url, ?) WHERE id = ?
            """).run([.text(title), .text(homePageURL), .text(id)])
    }

    /// A feed from a subscription list (OPML).
    public struct Imported: Sendable, Hashable {
        public var url: String
        public var title: String?
        public var homePageURL: String?
        public var category: String?
        public init(url: String, title: String?, homePageURL: String?, category: String?) {
            self.url = url
            self.title = title
            self.homePageURL = homePageURL
            self.category = category
        }
    }

    /// Adds the feeds not followed yet, all in one transaction (all or
    /// nothing); the list's title and category go with each. Returns how
    /// many were new.
    public func importFeeds(_ feeds: [Imported], at now: Date = Date()) throws(StoreError) -> Int {
        try db.transaction { () throws(StoreError) -> Int in
            var added = 0
            for feed in feeds {
                let (record, isNew) = try add(url: feed.url, at: now)
                guard isNew else { continue }
                added += 1
                try noteDiscovered(record.id, title: feed.title, homePageURL: feed.homePageURL)
                if let category = feed.category { try apply(Settings(category: category), to: record.id, at: now) }
            }
            return added
        }
    }

    /// Pauses a feed (`tidings pause`): kept, shown, never fetched until
    /// `resume`. Returns false when it was paused already.
    @discardableResult
    public func pause(_ id: String, at now: Date = Date()) throws(StoreError) -> Bool {
        try db.prepare("UPDATE feeds SET paused_at = ? WHERE id = ? AND paused_at IS NULL")
            .run([.real(now.timeIntervalSince1970), .text(id)])
        return db.changes > 0
    }

    /// Resumes a paused feed: it is due at once. Returns false when it was not paused.
    @discardableResult
    public func resume(_ id: String, at now: Date = Date()) throws(StoreError) -> Bool {
        try db.transaction { () throws(StoreError) -> Bool in
            try db.prepare("UPDATE feeds SET paused_at = NULL WHERE id = ? AND paused_at IS NOT NULL").run([.text(id)])
            guard db.changes > 0 else { return false }
            try db.prepare("UPDATE feed_schedule SET next_poll_at = ? WHERE feed_id = ?")
                .run([.real(now.timeIntervalSince1970), .text(id)])
            return true
        }
    }

    /// Replaces a feed's request settings outright (nil: none), for
    /// `tidings set --clear-request`.
    public func replaceRequest(_ request: FeedRequestSettings?, of id: String) throws(StoreError) {
        try db.prepare("UPDATE feeds SET request = ? WHERE id = ?").run([.text(request?.normalized.json), .text(id)])
    }

    /// Called with the rules in effect: when they differ from the last
    /// ones seen, feeds whose last document lost items to them are fetched
    /// afresh (validators and body hash forgotten, due now), so that an
    /// item a lifted rule dropped is written if the feed still carries it.
    /// Returns how many feeds that made due.
    @discardableResult
    public func noteRules(_ fingerprint: String, at now: Date = Date()) throws(StoreError) -> Int {
        let key = "rules_fingerprint"
        let stmt = try db.prepare("SELECT value FROM daemon_state WHERE key = ?")
        try stmt.bind([.text(key)])
        let previous = try stmt.step() ? stmt.text(0) : nil
        guard previous != fingerprint else { return 0 }
        return try db.transaction { () throws(StoreError) -> Int in
            try db.prepare(Self.setDaemonState).run([.text(key), .text(fingerprint)])
            guard previous != nil else { return 0 }
            try db.prepare("""
                UPDATE feed_schedule SET next_poll_at = ? WHERE feed_id IN (SELECT id FROM feeds WHERE dropped_items > 0)
                """).run([.real(now.timeIntervalSince1970)])
            try db.prepare("""
                UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = '' WHERE dropped_items > 0
                """).run([])
            return db.changes
        }
    }

    /// Drops the operator's interval: the schedule decides again.
    public func clearOperatorInterval(_ id: String) throws(StoreError) {
        try db.prepare("UPDATE feeds SET operator_interval = NULL WHERE id = ?").run([.text(id)])
    }
}
