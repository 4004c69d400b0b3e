import Foundation

/// Hook delivery's side of the state: a cursor (the last journal seq whose
/// hooks have run or given up) and the events that gave up. Journal events
/// above the cursor stay in the database (see `TidingsState`), so delivery
/// resumes after a crash and is at least once.
extension TidingsState {
    /// A journal event waiting for its hook, with what the hook is told.
    public struct HookEvent: Sendable, Hashable {
        public var seq: Int64
        public var event: String
        public var articleID: String
        public var path: String
        public var feedURL: String?
        /// Journaled as part of a feed's backlog.
        public var backlog = false
    }

    public struct HookFailure: Sendable, Hashable {
        public var seq: Int64
        public var event: String
        public var articleID: String
        public var attempts: Int
        public var error: String
        public var at: Date
    }

    public func hookCursor() throws(StoreError) -> Int64? {
        let stmt = try db.prepare("SELECT value FROM daemon_state WHERE key = ?")
        try stmt.bind([.text(TidingsState.hookCursorKey)])
        return try stmt.step() ? stmt.text(0).flatMap { Int64($0) } : nil
    }

    /// Sets one of the daemon's own values (`daemon_state`).
    static let setDaemonState = """
        INSERT INTO daemon_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
        """

    static let outputDirectoryKey = "output_directory"

    /// Where the writer puts its output, for readers that know only the
    /// state (`tidings tail --state-dir`).
    func recordOutputDirectory(_ directory: String) throws(StoreError) {
        let absolute = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        try db.prepare(Self.setDaemonState).run([.text(Self.outputDirectoryKey), .text((absolute as NSString).standardizingPath)])
    }

    /// The output directory the writer last recorded; nil before one started.
    public func recordedOutputDirectory() throws(StoreError) -> String? {
        let stmt = try db.prepare("SELECT value FROM daemon_state WHERE key = ?")
        try stmt.bind([.text(Self.outputDirectoryKey)])
        return try stmt.step() ? stmt.text(0) : nil
    }

    public func setHookCursor(_ seq: Int64) throws(StoreError) {
        try db.prepare(Self.setDaemonState)
            .run([.text(TidingsState.hookCursorKey), .text(String(seq))])
    }

    /// No hook configured: events need not wait for one.
    public func clearHookCursor() throws(StoreError) {
        try db.prepare("DELETE FROM daemon_state WHERE key = ?").run([.text(TidingsState.hookCursorKey)])
    }

    /// A hook configured for the first time starts after the last event
    /// given so far: it is not run for the whole history.
    public func startHookCursorIfNeeded() throws(StoreError) -> Int64 {
        if let cursor = try hookCursor() { return cursor }
        let seq = try lastJournalSeq()
        try setHookCursor(seq)
        return seq
    }

    /// Events after `seq` and up to `last` (the journal's synced end),
    /// oldest first, every kind (the cursor passes the ones no hook is run
    /// for too).
    public func hookEvents(after seq: Int64, upTo last: Int64, limit: Int) throws(StoreError) -> [HookEvent] {
        let stmt = try db.prepare("""
            SELECT j.seq, j.event, j.article_id, j.path, f.url, j.backlog FROM journal j LEFT JOIN feeds f ON f.id = j.feed_id
            WHERE j.seq > ? AND j.seq <= ? ORDER BY j.seq LIMIT ?
            """)
        try stmt.bind([.int(seq), .int(last), .int(Int64(limit))])
        var out: [HookEvent] = []
        while try stmt.step() {
            guard let seq = stmt.int(0), let event = stmt.text(1), let id = stmt.text(2), let path = stmt.text(3) else { continue }
            out.append(HookEvent(seq: seq, event: event, articleID: id, path: path, feedURL: stmt.text(4), backlog: stmt.int(5) == 1))
        }
        return out
    }

    public func recordHookFailure(_ event: HookEvent, attempts: Int, error: String, at now: Date = Date()) throws(StoreError) {
        try db.prepare("""
            INSERT INTO hook_failures (seq, event, article_id, path, attempts, error, at) VALUES (?,?,?,?,?,?,?)
            ON CONFLICT (seq) DO UPDATE SET event = excluded.event, article_id = excluded.article_id, path = excluded.path,
              attempts = excluded.attempts, error = excluded.error, at = excluded.at
            """).run([.int(event.seq), .text(event.event), .text(event.articleID), .text(event.path),
                      .int(Int64(attempts)), .text(error), .real(now.timeIntervalSince1970)])
    }

    /// Events whose hook gave up, newest first.
    public func hookFailures(limit: Int = 10) throws(StoreError) -> (count: Int, latest: [HookFailure]) {
        let count = try db.prepare("SELECT count(*) FROM hook_failures")
        _ = try count.step()
        let stmt = try db.prepare("SELECT seq, event, article_id, attempts, error, at FROM hook_failures ORDER BY seq DESC LIMIT ?")
        try stmt.bind([.int(Int64(limit))])
        var latest: [HookFailure] = []
        while try stmt.step() {
            latest.append(HookFailure(seq: stmt.int(0) ?? 0, event: stmt.text(1) ?? "", articleID: stmt.text(2) ?? "",
                                      attempts: Int(stmt.int(3) ?? 0), error: stmt.text(4) ?? "",
                                      at: Date(timeIntervalSince1970: stmt.real(5) ?? 0)))
        }
        return (Int(count.int(0) ?? 0), latest)
    }
}
