import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TidingsModel

extension TidingsState {
    /// The state key under which hook delivery keeps its cursor: the last
    /// seq whose hooks have run (or given up). Events above it stay in the
    /// database until they have.
    public static let hookCursorKey = "hook_cursor"

    /// Adds an event to the transaction in progress; its seq comes from
    /// the database, so it commits or rolls back with the articles.
    func journalEvent(_ kind: JournalEvent.Kind, id: String, path: String, feedID: String?, q: Queries) throws(StoreError) {
        let output = try writer()
        let now = max(Date(), output.lastJournalTime)
        output.lastJournalTime = now
        try q.insertJournalEvent(kind.rawValue, id: id, path: path, feedID: feedID, at: now, backlog: output.recordingBacklog)
    }

    static let journalChannel = "tidings_journal"

    /// Among nodes: waits up to `timeout` seconds for the leader to write
    /// journal lines (`LISTEN`/`NOTIFY`); false at once for SQLite, whose
    /// readers look at the files.
    public func waitForJournal(timeout: Double) throws(StoreError) -> Bool {
        guard let postgres = db as? PostgresDatabase else { return false }
        if !listening {
            try db.execute("LISTEN \(Self.journalChannel)")
            listening = true
        }
        return postgres.waitForNotification(timeout: timeout)
    }

    /// Events committed but not yet in the journal files, in seq order.
    func unwrittenJournalEvents() throws(StoreError) -> [JournalEvent] {
        let stmt = try db.prepare("SELECT seq, event, article_id, path, feed_id, at, backlog FROM journal WHERE seq > ? ORDER BY seq")
        try stmt.bind([.int(try writer().journalWrittenSeq)])
        var out: [JournalEvent] = []
        while try stmt.step() {
            guard let seq = stmt.int(0), let kind = stmt.text(1).flatMap(JournalEvent.Kind.init(rawValue:)),
                  let id = stmt.text(2), let path = stmt.text(3) else { continue }
            out.append(JournalEvent(seq: seq, event: kind, id: id, path: path, feedID: stmt.text(4),
                                    at: Date(timeIntervalSince1970: stmt.real(5) ?? 0), backlog: stmt.int(6) == 1))
        }
        return out
    }

    /// Writes committed events to the journal files and syncs them, then
    /// lets hook delivery run them. Called after every commit, and at
    /// start for what a crash left in the database.
    /// Among nodes, only the leader writes them (`lead`).
    public func flushJournal() throws(StoreError) {
        let output = try writer()
        guard try lead() else { return }
        let events = try unwrittenJournalEvents()
        if let last = events.last?.seq {
            try output.journal.append(events)
            output.journalWrittenSeq = last
            // `tidings tail --follow` on a shared state wakes at once.
            if cluster != nil { try? db.execute("NOTIFY \(Self.journalChannel)") }
        }
        output.progress.advance(to: output.journalWrittenSeq)
    }

    /// Drops events from the database that are in the files and past the
    /// hook cursor (when hooks keep one). Runs inside a transaction that
    /// writes anyway, so it costs no commit of its own.
    func releaseWrittenJournalEvents() throws(StoreError) {
        let stmt = try db.prepare("""
            DELETE FROM journal WHERE seq <= ?1
              AND seq <= COALESCE((SELECT CAST(value AS BIGINT) FROM daemon_state WHERE key = '\(Self.hookCursorKey)'), ?1)
            """)
        try stmt.run([.int(try writer().journalWrittenSeq)])
    }

    /// A database newer than the journal files (rebuilt after corruption,
    /// or deleted) must not give a seq the files already hold.
    func continueSequence(after written: Int64) throws(StoreError) {
        guard written > 0 else { return }
        if db.engine == .postgres {
            try db.prepare("UPDATE journal_counter SET seq = ?1 WHERE seq < ?1").run([.int(written)])
            return
        }
        try db.transaction { () throws(StoreError) in
            let current = try db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'journal'")
            if try current.step() {
                if (current.int(0) ?? 0) < written {
                    try db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'journal'").run([.int(written)])
                }
            } else {
                try db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('journal', ?)").run([.int(written)])
            }
        }
    }

    /// The highest seq ever given (written out or not); 0 for none.
    func lastJournalSeq() throws(StoreError) -> Int64 {
        let stmt = try db.prepare(db.engine == .postgres ? "SELECT seq FROM journal_counter"
                                  : "SELECT seq FROM sqlite_sequence WHERE name = 'journal'")
        return try stmt.step() ? stmt.int(0) ?? 0 : max(0, output?.journalWrittenSeq ?? 0)
    }

    /// Removes whole journal day files older than `days` days: never the
    /// newest file (it carries the sequence on if the state is lost), and
    /// never one holding an event whose hook has not run yet. Returns the
    /// files removed.
    @discardableResult
    public func pruneJournal(olderThanDays days: Int, at now: Date = Date()) throws(StoreError) -> [String] {
        guard days > 0 else { return [] }
        let journal = try writer().journal
        let cutoff = String(Timestamp.format(now.addingTimeInterval(-Double(days) * 86_400)).prefix(10))
        let hookCursor = try hookCursor()
        var removed: [String] = []
        for file in journal.files().dropLast() {
            let day = String((file as NSString).lastPathComponent.prefix(10))
            guard day < cutoff else { break }
            if let hookCursor, journal.lastSeq(in: file) > hookCursor { break }
            if unlink(file) == 0 { removed.append(file) }
        }
        return removed
    }
}
