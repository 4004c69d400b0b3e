internal import CSQLite
import Foundation

/// A SQLite connection (the embedded engine, the default), owned: opened in init, closed in deinit. WAL mode so
/// the CLI can read and write while the daemon runs; a busy timeout so the
/// two wait for each other instead of failing. Not shared across threads:
/// each component that needs the database opens its own connection.
///
/// Commits are durable when `COMMIT` returns (`synchronous=FULL`: the WAL
/// is synced at every commit), which the write path's order rests on
/// (docs/durability.md); writers group their changes so that this costs
/// one sync per group. A connection may ask for `synchronous=NORMAL`
/// (atomic, not durable) where losing its last commits is harmless.
final class SQLiteDatabase: Database {
    let engine = SQLEngine.sqlite

    private let handle: OpaquePointer

    /// - Parameter readOnly: open an existing database without the right to
    ///   change it (the CLI's `list` and `status`); nothing is created.
    init(path: String, readOnly: Bool = false, durableCommits: Bool = true) throws(StoreError) {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw .sqlite(code: rc, message: "\(message): \(path)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        if readOnly { return }
        try execute("PRAGMA journal_mode=WAL")
        try execute(durableCommits ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
        // 8 MiB of page cache (the default is 2 MiB): a group's lookups and
        // inserts touch the index pages of thousands of articles. 16 MiB
        // wrote 3% less on a cold poll of 1,000 feeds and held 8 MB more
        // for the life of the process. A WAL that a large group grew is cut
        // back to 64 MiB once checkpointed.
        try execute("PRAGMA cache_size=-8192")
        try execute("PRAGMA journal_size_limit=67108864")
        // Checkpoint when the WAL reaches 64 MiB, not SQLite's 4 MiB: a
        // group of new articles touches index pages all over, and with the
        // default every group's commit was followed by a checkpoint writing
        // those pages again; now a page written by several groups is copied
        // back once. Measured on a cold poll of 1,000 feeds: see README.
        try execute("PRAGMA wal_autocheckpoint=16384")
    }

    deinit {
        for statements in idle.values { for stmt in statements { sqlite3_finalize(stmt) } }
        sqlite3_close_v2(handle)
    }

    /// Prepared statements not in use, by their SQL, for `prepare` to hand
    /// out again: a running daemon runs the same few statements for every
    /// poll, and compiling them again each time was a sixth of its CPU.
    /// Bounded: at most `idleLimit` texts (SQL built with values inside
    /// would otherwise grow it), two statements each.
    private var idle: [String: [OpaquePointer]] = [:]
    private static let idleLimit = 128

    /// Takes a statement back (reset, bindings cleared), or finalizes it.
    fileprivate func giveBack(_ stmt: OpaquePointer, sql: String) {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        if var list = idle[sql] {
            guard list.count < 2 else { sqlite3_finalize(stmt); return }
            list.append(stmt)
            idle[sql] = list
        } else if idle.count < Self.idleLimit {
            idle[sql] = [stmt]
        } else {
            sqlite3_finalize(stmt)
        }
    }

    /// Runs SQL; one statement goes through the statement cache (a group
    /// runs `SAVEPOINT` and `RELEASE` for every poll), a script does not.
    func execute(_ sql: String) throws(StoreError) {
        if !sql.contains(";") {
            try prepare(sql).run([])
            return
        }
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw .sqlite(code: rc, message: message)
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        if let stmt = idle[sql]?.popLast() {
            if idle[sql]?.isEmpty == true { idle[sql] = nil }
            return SQLiteStatement(stmt, db: self, sql: sql)
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw lastError(rc) }
        return SQLiteStatement(stmt, db: self, sql: sql)
    }

    /// A write transaction that takes the write lock at once: two writers
    /// wait for each other at `BEGIN` (the busy timeout), never deadlock.
    func begin() throws(StoreError) { try execute("BEGIN IMMEDIATE") }

    func commit() throws(StoreError) { try execute("COMMIT") }

    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    func commitsDurably(_ durable: Bool) throws(StoreError) {
        try execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    func lastError(_ rc: Int32) -> StoreError {
        .sqlite(code: rc, message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// A prepared statement, owned: given back to its database in deinit,
/// reset (so never active at a `COMMIT`), for the next `prepare` of the same
/// SQL. Values bind by position.
final class SQLiteStatement: Statement {
    private let stmt: OpaquePointer
    private let db: SQLiteDatabase
    private let sql: String

    fileprivate init(_ stmt: OpaquePointer, db: SQLiteDatabase, sql: String) {
        self.stmt = stmt
        self.db = db
        self.sql = sql
    }

    deinit { db.giveBack(stmt, sql: sql) }

    @discardableResult
    func bind(_ values: [SQLValue]) throws(StoreError) -> Statement {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        for (i, v) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch v {
            case .text(let s?): rc = sqlite3_bind_text(stmt, index, s, -1, tds_transient())
            case .int(let n?): rc = sqlite3_bind_int64(stmt, index, n)
            case .real(let d?): rc = sqlite3_bind_double(stmt, index, d)
            default: rc = sqlite3_bind_null(stmt, index)
            }
            if rc != SQLITE_OK { throw db.lastError(rc) }
        }
        return self
    }

    /// Steps once; true while a row is available.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(stmt)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw db.lastError(rc)
        }
    }

    func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(stmt, column) != SQLITE_NULL, let p = sqlite3_column_text(stmt, column) else { return nil }
        return String(cString: p)
    }

    func int(_ column: Int32) -> Int64? {
        sqlite3_column_type(stmt, column) == SQLITE_NULL ? nil : sqlite3_column_int64(stmt, column)
    }

    func real(_ column: Int32) -> Double? {
        sqlite3_column_type(stmt, column) == SQLITE_NULL ? nil : sqlite3_column_double(stmt, column)
    }
}
