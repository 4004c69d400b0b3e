import Foundation
import TidingsModel

/// The feeds table: what the daemon polls and what it remembers of each
/// feed. Both executables change it; SQLite's locking lets the CLI change
/// the list while the daemon runs.
extension TidingsState {
    /// Adds a feed unless it is already followed; returns it and whether
    /// it is new. A password in the URL (from `import`, `--feeds`) never
    /// enters the state: the feed is followed at the URL without it, and
    /// the password goes to its credential file (`CredentialFiles`).
    @discardableResult
    public func add(url given: String, at now: Date = Date()) throws(StoreError) -> (FeedRecord, Bool) {
        let split = CredentialFiles.splitUserInfo(given)
        let url = split?.url ?? given
        if let existing = try find(url) { return (existing, false) }
        var record = FeedRecord(id: ArticleIdentity.feedID(forURL: url), url: url, addedAt: now)
        try db.prepare("INSERT INTO feeds (id, url, added_url, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .run([.text(record.id), .text(record.url), .text(record.addedURL), .real(now.timeIntervalSince1970)])
        if db.changes == 0, let existing = try find(url) { return (existing, false) }
        if let split {
            var request = FeedRequestSettings()
            request.username = split.username
            request.passwordFile = try CredentialFiles.store(password: split.password, feedID: record.id,
                                                             stateDirectory: stateDirectory)
            try db.prepare("UPDATE feeds SET request = ? WHERE id = ?").run([.text(request.json), .text(record.id)])
            record.request = request
        }
        return (record, true)
    }

    /// Removes the feed named by its URL or id; its article files stay,
    /// unless `purge` asks (in the same transaction) for the ones no other
    /// feed carries to go too (`TidingsState.purge`, run by whoever writes
    /// the output: the daemon, or the CLI when no daemon runs).
    public func remove(_ urlOrID: String, purge: Bool = false, at now: Date = Date()) throws(StoreError) -> FeedRecord? {
        try db.transaction { () throws(StoreError) -> FeedRecord? in
            guard let record = try find(urlOrID) else { return nil }
            try db.prepare("DELETE FROM feeds WHERE id = ?").run([.text(record.id)])
            if purge {
                try db.prepare("""
                    INSERT INTO purge_requests (feed_id, requested_at) VALUES (?, ?)
                    ON CONFLICT (feed_id) DO UPDATE SET requested_at = excluded.requested_at
                    """)
                    .run([.text(record.id), .real(now.timeIntervalSince1970)])
            }
            return record
        }
    }

    /// Whether a purge asked for is still to be done.
    public func purgePending(feedID: String) throws(StoreError) -> Bool {
        let stmt = try db.prepare("SELECT 1 FROM purge_requests WHERE feed_id = ?")
        try stmt.bind([.text(feedID)])
        return try stmt.step()
    }

    /// Makes feeds due now and lifts their quarantine: an operator's
    /// "poll this now". Nil names every feed. Returns the feeds it matched.
    public func requestPoll(_ urlOrIDs: [String]?, at now: Date = Date()) throws(StoreError) -> [FeedRecord] {
        let feeds: [FeedRecord]
        if let urlOrIDs {
            var found: [FeedRecord] = []
            for name in urlOrIDs {
                guard let feed = try find(name) else { throw .notFound(name) }
                found.append(feed)
            }
            feeds = found
        } else {
            feeds = try all()
        }
        try db.transaction { () throws(StoreError) in
            let update = try db.prepare("""
                UPDATE feeds SET quarantined_hash = NULL, quarantine_reason = NULL,
                  parse_crashes = 0, parse_crash_hash = NULL WHERE id = ?
                """)
            let due = try db.prepare("UPDATE feed_schedule SET next_poll_at = ? WHERE feed_id = ?")
            for feed in feeds {
                try update.run([.text(feed.id)])
                try due.run([.real(now.timeIntervalSince1970), .text(feed.id)])
            }
        }
        return feeds
    }

    public func find(_ urlOrID: String) throws(StoreError) -> FeedRecord? {
        try query("WHERE url = ?1 OR f.id = ?1 OR added_url = ?1", [.text(urlOrID)]).first
    }

    public func all() throws(StoreError) -> [FeedRecord] {
        try query("ORDER BY added_at, f.id", [])
    }

    /// The enabled feeds due at `now` (never polled, or their next poll
    /// has come), by the `next_poll_at` index: what a round costs follows
    /// the feeds it polls, not the feeds followed. Nil: every enabled feed.
    /// In the order their rows are stored: polls finishing together are
    /// saved together, and neighbouring rows share the pages a commit writes.
    public func due(at now: Date?) throws(StoreError) -> [FeedRecord] {
        let order = db.engine == .sqlite ? "ORDER BY s.rowid" : "ORDER BY s.position"
        guard let now else { return try query("WHERE f.disabled_reason IS NULL AND f.paused_at IS NULL " + order, []) }
        // Two index ranges (never polled, then due), not one OR, which
        // SQLite would answer by scanning every feed.
        let index = db.engine == .sqlite ? " INDEXED BY feed_schedule_by_next_poll" : ""
        let schedule = "feed_schedule s\(index) JOIN feeds f ON f.id = s.feed_id"
        return try query("WHERE s.next_poll_at IS NULL AND f.disabled_reason IS NULL AND f.paused_at IS NULL " + order, [], from: schedule)
            + query("WHERE s.next_poll_at <= ? AND f.disabled_reason IS NULL AND f.paused_at IS NULL " + order,
                    [.real(now.timeIntervalSince1970)], from: schedule)
    }

    /// When the next enabled feed falls due; nil when none will. Both
    /// lookups walk the `next_poll_at` index from its start.
    public func nextPollDate() throws(StoreError) -> Date? {
        let never = try db.prepare("""
            SELECT 1 FROM feed_schedule s JOIN feeds f ON f.id = s.feed_id
            WHERE s.next_poll_at IS NULL AND f.disabled_reason IS NULL AND f.paused_at IS NULL LIMIT 1
            """)
        if try never.step() { return Date(timeIntervalSince1970: 0) }
        let next = try db.prepare("""
            SELECT s.next_poll_at FROM feed_schedule s JOIN feeds f ON f.id = s.feed_id
            WHERE s.next_poll_at IS NOT NULL AND f.disabled_reason IS NULL AND f.paused_at IS NULL ORDER BY s.next_poll_at LIMIT 1
            """)
        guard try next.step() else { return nil }
        return next.real(0).map(Date.init(timeIntervalSince1970:))
    }

    /// Feeds followed, and how many of them fail (a failure count, disabled
    /// or quarantined), for the daemon's status line.
    public func feedCounts() throws(StoreError) -> (total: Int, failing: Int) {
        let stmt = try db.prepare("""
            SELECT count(*), coalesce(sum(CASE WHEN consecutive_failures > 0 OR disabled_reason IS NOT NULL
              OR quarantined_hash IS NOT NULL THEN 1 ELSE 0 END), 0) FROM feeds
            """)
        _ = try stmt.step()
        return (Int(stmt.int(0) ?? 0), Int(stmt.int(1) ?? 0))
    }

    /// Feeds by state, for metrics: each feed in the first that fits of
    /// gone (disabled), paused, quarantined, failing, healthy.
    public func feedStates() throws(StoreError) -> [String: Int] {
        let stmt = try db.prepare("""
            SELECT CASE WHEN disabled_reason IS NOT NULL THEN 'gone' WHEN paused_at IS NOT NULL THEN 'paused'
              WHEN quarantined_hash IS NOT NULL THEN 'quarantined' WHEN consecutive_failures > 0 THEN 'failing'
              ELSE 'healthy' END AS state, count(*) FROM feeds GROUP BY 1
            """)
        var out: [String: Int] = [:]
        while try stmt.step() { out[stmt.text(0) ?? ""] = Int(stmt.int(1) ?? 0) }
        return out
    }

    /// Writes back what a poll learned about a feed. An update of the row
    /// with that id, never an insert: a feed removed while it was being
    /// polled stays removed.
    public func save(_ r: FeedRecord) throws(StoreError) {
        // The url only when it changed (a move): setting a column of the
        // unique url index rewrites its entry, a page written for nothing
        // on every poll.
        try db.prepare("UPDATE feeds SET url = ?1 WHERE id = ?2 AND url <> ?1").run([.text(r.url), .text(r.id)])
        let values: [SQLValue] = [
            .text(r.title), .text(r.homePageURL), .text(r.etag), .text(r.lastModified),
            .text(r.bodyHash), .text(r.lastError), .int(Int64(r.consecutiveFailures)),
            .text(r.disabledReason), .text(r.pendingMoveURL),
            .real(r.pendingMoveSince?.timeIntervalSince1970), .int(Int64(r.pendingMoveCount)), .text(r.movedFrom),
            .int(Int64(r.parseCrashes)), .text(r.parseCrashHash), .text(r.quarantinedHash), .text(r.quarantineReason),
            .real(r.intervalSeconds), .text(r.intervalSource), .int(Int64(r.droppedItems)),
        ]
        try db.prepare(Self.saveRow).run(values + [.text(r.id)])
        // Among nodes, the commit that saves a poll's result gives its lease back.
        let lease = cluster == nil ? "" : ", leased_by = NULL, lease_until = NULL, polled_by = ?"
        try db.prepare("""
            UPDATE feed_schedule SET last_poll_at = ?, next_poll_at = ?, last_result = ?, last_http_status = ?\(lease) WHERE feed_id = ?
            """).run([.real(r.lastPollAt?.timeIntervalSince1970), .real(r.nextPollAt?.timeIntervalSince1970),
                      .text(r.lastResult), .int(r.lastHTTPStatus.map(Int64.init))]
                     + (cluster.map { [.text($0.node)] } ?? []) + [.text(r.id)])
    }

    /// What a poll may change in a feed's row. The row is written only
    /// when one of them differs (`IS DISTINCT FROM` compares NULLs too): most polls
    /// change only the schedule.
    private static let savedColumns = [
        "title", "home_page_url", "etag", "last_modified", "body_hash", "last_error",
        "consecutive_failures", "disabled_reason", "pending_move_url", "pending_move_since", "pending_move_count",
        "moved_from", "parse_crashes", "parse_crash_hash", "quarantined_hash", "quarantine_reason",
        "interval_seconds", "interval_source", "dropped_items",
    ]

    private static let saveRow: String = {
        let n = savedColumns.count
        let set = savedColumns.enumerated().map { "\($1) = ?\($0 + 1)" }.joined(separator: ", ")
        let differs = savedColumns.enumerated().map { "\($1) IS DISTINCT FROM ?\($0 + 1)" }.joined(separator: " OR ")
        return "UPDATE feeds SET \(set) WHERE id = ?\(n + 1) AND (\(differs))"
    }()


    /// Healthy feeds due later than `latest` become due at `latest`: a
    /// shorter interval takes effect now, not one old interval later.
    /// Failing feeds keep their back-off.
    public func bringHealthyPollsForward(to latest: Date) throws(StoreError) {
        try db.prepare("""
            UPDATE feed_schedule SET next_poll_at = ?1 WHERE next_poll_at > ?1 AND feed_id IN (
              SELECT id FROM feeds WHERE consecutive_failures = 0 AND disabled_reason IS NULL)
            """).run([.real(latest.timeIntervalSince1970)])
    }

    /// Changes whenever another connection commits to the database.
    /// In PostgreSQL, which has no such counter, it changes when a feed is
    /// added or removed, or the earliest next poll moves (`tidings poll`).
    public func dataVersion() throws(StoreError) -> Int64 {
        let stmt = try db.prepare(db.engine == .sqlite ? "PRAGMA data_version" : """
            SELECT count(*) * 1000003 + coalesce(sum(CASE WHEN next_poll_at IS NULL THEN 1 ELSE 0 END), 0) * 7919
              + coalesce(CAST(min(next_poll_at) AS BIGINT), 0) FROM feed_schedule
            """)
        _ = try stmt.step()
        return stmt.int(0) ?? 0
    }

    // MARK: - The daemon's own state

    /// Polling paused because storage cannot be written: why, since when,
    /// and when the daemon tries again. Nil when polling runs.
    public struct StoragePause: Sendable, Equatable {
        public var reason: String
        public var since: Date
        public var retryAt: Date
        public init(reason: String, since: Date, retryAt: Date) {
            self.reason = reason
            self.since = since
            self.retryAt = retryAt
        }
    }

    public func setStoragePause(_ pause: StoragePause?) throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            try db.execute("DELETE FROM daemon_state WHERE key LIKE 'storage_pause.%'")
            guard let pause else { return }
            let insert = try db.prepare("INSERT INTO daemon_state (key, value) VALUES (?, ?)")
            try insert.run([.text("storage_pause.reason"), .text(pause.reason)])
            try insert.run([.text("storage_pause.since"), .text(String(pause.since.timeIntervalSince1970))])
            try insert.run([.text("storage_pause.retry_at"), .text(String(pause.retryAt.timeIntervalSince1970))])
        }
    }

    public func storagePause() throws(StoreError) -> StoragePause? {
        let stmt = try db.prepare("SELECT key, value FROM daemon_state WHERE key LIKE 'storage_pause.%'")
        var values: [String: String] = [:]
        while try stmt.step() { values[stmt.text(0) ?? ""] = stmt.text(1) }
        guard let reason = values["storage_pause.reason"], let since = values["storage_pause.since"].flatMap(Double.init),
              let retry = values["storage_pause.retry_at"].flatMap(Double.init) else { return nil }
        return StoragePause(reason: reason, since: Date(timeIntervalSince1970: since), retryAt: Date(timeIntervalSince1970: retry))
    }

    // MARK: - Network outage

    static let networkOutageKey = "network_unreachable_since"

    /// Since when polls have met no network (nil: it works), for `tidings status`.
    public func setNetworkOutage(since: Date?) throws(StoreError) {
        guard let since else {
            try db.prepare("DELETE FROM daemon_state WHERE key = ?").run([.text(Self.networkOutageKey)])
            return
        }
        try db.prepare(Self.setDaemonState).run([.text(Self.networkOutageKey), .text(String(since.timeIntervalSince1970))])
    }

    public func networkOutage() throws(StoreError) -> Date? {
        let stmt = try db.prepare("SELECT value FROM daemon_state WHERE key = ?")
        try stmt.bind([.text(Self.networkOutageKey)])
        guard try stmt.step(), let value = stmt.text(0).flatMap(Double.init) else { return nil }
        return Date(timeIntervalSince1970: value)
    }

    /// A few feeds that answered last time, for telling a network outage
    /// from feeds that died: polled when every poll of a round met no network.
    public func answeringFeeds(limit: Int) throws(StoreError) -> [FeedRecord] {
        try query("""
            WHERE f.consecutive_failures = 0 AND f.disabled_reason IS NULL AND f.paused_at IS NULL
              AND s.last_result IN ('ok', 'not modified', 'unchanged') LIMIT ?
            """, [.int(Int64(limit))])
    }

    // MARK: - Parse marks

    /// Feeds whose parse is marked as in progress (`ParseMarks`).
    public func parseMarks() -> [(feedID: String, bodyHash: String, startedAt: Date)] {
        ParseMarks(stateDirectory: stateDirectory).all().map { ($0.feedID, $0.bodyHash, $0.startedAt) }
    }

    /// Saves several feeds' rows in one transaction.
    public func save(_ records: [FeedRecord]) throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            for record in records { try save(record) }
        }
    }

    /// Feed records; `from` joins the two tables (every feed has a
    /// schedule row; the left join only guards against one missing).
    func query(_ clause: String, _ values: [SQLValue],
                       from: String = "feeds f LEFT JOIN feed_schedule s ON s.feed_id = f.id") throws(StoreError) -> [FeedRecord] {
        let stmt = try db.prepare("""
            SELECT f.id, url, added_url, added_at, title, home_page_url, etag, last_modified, body_hash,
              s.last_poll_at, s.last_result, s.last_http_status, last_error, consecutive_failures,
              s.next_poll_at, disabled_reason, pending_move_url, pending_move_since,
              pending_move_count, moved_from, parse_crashes, parse_crash_hash, quarantined_hash,
              quarantine_reason, category, operator_title, operator_interval, interval_seconds, interval_source,
              request, paused_at, dropped_items
            FROM \(from)
            """ + " " + clause)
        try stmt.bind(values)
        var out: [FeedRecord] = []
        func date(_ c: Int32) -> Date? { stmt.real(c).map(Date.init(timeIntervalSince1970:)) }
        while try stmt.step() {
            var r = FeedRecord(id: stmt.text(0) ?? "", url: stmt.text(1) ?? "", addedAt: date(3) ?? Date())
            r.addedURL = stmt.text(2) ?? r.url
            r.title = stmt.text(4)
            r.homePageURL = stmt.text(5)
            r.etag = stmt.text(6)
            r.lastModified = stmt.text(7)
            r.bodyHash = stmt.text(8)
            r.lastPollAt = date(9)
            r.lastResult = stmt.text(10)
            r.lastHTTPStatus = stmt.int(11).map(Int.init)
            r.lastError = stmt.text(12)
            r.consecutiveFailures = Int(stmt.int(13) ?? 0)
            r.nextPollAt = date(14)
            r.disabledReason = stmt.text(15)
            r.pendingMoveURL = stmt.text(16)
            r.pendingMoveSince = date(17)
            r.pendingMoveCount = Int(stmt.int(18) ?? 0)
            r.movedFrom = stmt.text(19)
            r.parseCrashes = Int(stmt.int(20) ?? 0)
            r.parseCrashHash = stmt.text(21)
            r.quarantinedHash = stmt.text(22)
            r.quarantineReason = stmt.text(23)
            r.category = stmt.text(24)
            r.operatorTitle = stmt.text(25)
            r.operatorIntervalSeconds = stmt.real(26)
            r.intervalSeconds = stmt.real(27)
            r.intervalSource = stmt.text(28)
            r.request = FeedRequestSettings(json: stmt.text(29))
            r.pausedAt = date(30)
            r.droppedItems = Int(stmt.int(31) ?? 0)
            out.append(r)
        }
        return out
    }
}
