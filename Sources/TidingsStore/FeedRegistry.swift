import Foundation
import TidingsModel

/// The feeds table: what the daemon polls and what it remembers of each feed.
/// Both executables open it; SQLite's locking lets the CLI change the list
/// while the daemon runs.
public final class FeedRegistry {
    private let db: Database

    public init(stateDirectory: String) throws(StoreError) {
        try FileSystem.makeDirectory(stateDirectory)
        db = try Database(path: stateDirectory + "/tidings.sqlite3")
        try Schema.migrate(db)
    }

    /// Adds a feed unless it is already followed; returns it and whether it is new.
    @discardableResult
    public func add(url: String, at now: Date = Date()) throws(StoreError) -> (FeedRecord, Bool) {
        if let existing = try find(url) { return (existing, false) }
        let record = FeedRecord(id: ArticleIdentity.feedID(forURL: url), url: url, addedAt: now)
        try save(record)
        return (record, true)
    }

    /// Removes the feed named by its URL or id; its article files stay.
    public func remove(_ urlOrID: String) throws(StoreError) -> FeedRecord? {
        guard let record = try find(urlOrID) else { return nil }
        try db.prepare("DELETE FROM feeds WHERE id = ?").run([.text(record.id)])
        return record
    }

    public func find(_ urlOrID: String) throws(StoreError) -> FeedRecord? {
        try query("WHERE url = ?1 OR id = ?1 OR added_url = ?1", [.text(urlOrID)]).first
    }

    public func all() throws(StoreError) -> [FeedRecord] {
        try query("ORDER BY added_at, id", [])
    }

    public func save(_ r: FeedRecord) throws(StoreError) {
        try db.prepare("""
            INSERT OR REPLACE INTO feeds (id, url, added_url, added_at, title, home_page_url, etag,
              last_modified, body_hash, last_poll_at, last_result, last_http_status, last_error,
              consecutive_failures, next_poll_at, disabled_reason, pending_move_url,
              pending_move_since, pending_move_count, moved_from)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """).run([
                .text(r.id), .text(r.url), .text(r.addedURL), .real(r.addedAt.timeIntervalSince1970),
                .text(r.title), .text(r.homePageURL), .text(r.etag), .text(r.lastModified),
                .text(r.bodyHash), .real(r.lastPollAt?.timeIntervalSince1970), .text(r.lastResult),
                .int(r.lastHTTPStatus.map(Int64.init)), .text(r.lastError), .int(Int64(r.consecutiveFailures)),
                .real(r.nextPollAt?.timeIntervalSince1970), .text(r.disabledReason), .text(r.pendingMoveURL),
                .real(r.pendingMoveSince?.timeIntervalSince1970), .int(Int64(r.pendingMoveCount)), .text(r.movedFrom),
            ])
    }

    private func query(_ clause: String, _ values: [Statement.Value]) throws(StoreError) -> [FeedRecord] {
        let stmt = try db.prepare("""
            SELECT id, url, added_url, added_at, title, home_page_url, etag, last_modified, body_hash,
              last_poll_at, last_result, last_http_status, last_error, consecutive_failures,
              next_poll_at, disabled_reason, pending_move_url, pending_move_since,
              pending_move_count, moved_from FROM feeds
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
            out.append(r)
        }
        return out
    }
}
