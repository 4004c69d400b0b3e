import Foundation

/// Moving a state from SQLite to PostgreSQL (`tidings migrate-state`): every
/// table copied in one PostgreSQL transaction, the journal's next seq and
/// the hook cursor carried over, the article files left where they are.
extension TidingsState {
    public struct MigrationReport: Sendable {
        public var rows: [String: Int] = [:]
        public var journalSeq: Int64 = 0
    }

    /// The tables in the order they are copied, with the columns both
    /// schemas share. The schedule is copied over the rows the feeds'
    /// trigger makes, in the order feeds were added.
    private static let copied: [(table: String, columns: [String])] = [
        ("feeds", ["id", "url", "added_url", "added_at", "title", "home_page_url", "etag", "last_modified", "body_hash",
                   "last_error", "consecutive_failures", "disabled_reason", "pending_move_url", "pending_move_since",
                   "pending_move_count", "moved_from", "parse_crashes", "parse_crash_hash", "quarantined_hash",
                   "quarantine_reason", "category", "operator_title", "operator_interval", "interval_seconds",
                   "interval_source", "request", "paused_at", "dropped_items"]),
        ("articles", ["id", "feed_id", "path", "content_hash", "revision", "first_seen", "last_changed", "content_rank",
                      "expired_at"]),
        ("article_keys", ["key_hash", "article_id"]),
        ("article_sources", ["article_id", "feed_id", "feed_url", "guid", "url", "content_hash"]),
        ("journal", ["seq", "event", "article_id", "path", "feed_id", "at", "backlog"]),
        ("purge_requests", ["feed_id", "requested_at"]),
        ("hook_failures", ["seq", "event", "article_id", "path", "attempts", "error", "at"]),
        ("daemon_state", ["key", "value"]),
    ]

    /// Copies this (SQLite) state into the empty PostgreSQL database at
    /// `url`; refuses a database that holds a state with feeds, articles or
    /// journal events already.
    public func migrate(to url: String) throws(StoreError) -> MigrationReport {
        guard db.engine == .sqlite else { throw .incompatible("the state is in PostgreSQL already") }
        let target = try TidingsState(stateDirectory: stateDirectory, databaseURL: url)
        return try target.db.transaction { () throws(StoreError) -> MigrationReport in
            try target.refuseUnlessEmpty()
            var report = MigrationReport()
            for (table, columns) in Self.copied {
                report.rows[table] = try copy(table, columns, into: target.db,
                                              order: table == "feeds" ? schedulingOrder : "")
            }
            report.rows["feed_schedule"] = try copySchedule(into: target.db)
            report.journalSeq = try lastJournalSeq()
            try target.db.prepare("UPDATE journal_counter SET seq = ?").run([.int(report.journalSeq)])
            return report
        }
    }

    /// Feeds in the order their schedule rows are stored: the order the
    /// daemon polls them, kept by the new rows' positions.
    private var schedulingOrder: String {
        "LEFT JOIN feed_schedule s ON s.feed_id = feeds.id ORDER BY s.rowid, feeds.added_at"
    }

    private func refuseUnlessEmpty() throws(StoreError) {
        let stmt = try db.prepare("""
            SELECT (SELECT count(*) FROM feeds) + (SELECT count(*) FROM articles) + (SELECT seq FROM journal_counter)
            """)
        guard try stmt.step(), stmt.int(0) == 0 else {
            throw .incompatible("the PostgreSQL database holds a Tidings state already (feeds, articles or journal "
                                + "events): migrate-state copies only into an empty one")
        }
    }

    /// Copies one table's rows, values as text (PostgreSQL reads each as
    /// its column's type), in statements of 500 rows.
    private func copy(_ table: String, _ columns: [String], into target: Database, order: String) throws(StoreError) -> Int {
        let list = columns.joined(separator: ", ")
        let read = try db.prepare("SELECT \(columns.map { table + "." + $0 }.joined(separator: ", ")) FROM \(table) \(order)")
        let rowsPerStatement = 500
        var pending: [SQLValue] = []
        var copied = 0
        func flush() throws(StoreError) {
            guard !pending.isEmpty else { return }
            let rows = pending.count / columns.count
            let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            let values = Array(repeating: one, count: rows).joined(separator: ", ")
            try target.prepare("INSERT INTO \(table) (\(list)) VALUES \(values)").run(pending)
            pending.removeAll(keepingCapacity: true)
        }
        while try read.step() {
            for c in columns.indices { pending.append(.text(read.text(Int32(c)))) }
            copied += 1
            if copied % rowsPerStatement == 0 { try flush() }
        }
        try flush()
        return copied
    }

    private func copySchedule(into target: Database) throws(StoreError) -> Int {
        let read = try db.prepare("SELECT feed_id, last_poll_at, next_poll_at, last_result, last_http_status FROM feed_schedule")
        let write = try target.prepare("""
            UPDATE feed_schedule SET last_poll_at = ?, next_poll_at = ?, last_result = ?, last_http_status = ? WHERE feed_id = ?
            """)
        var copied = 0
        while try read.step() {
            try write.run([.text(read.text(1)), .text(read.text(2)), .text(read.text(3)), .text(read.text(4)),
                           .text(read.text(0))])
            copied += 1
        }
        return copied
    }
}
