internal import CPostgres
import Foundation

/// A PostgreSQL connection through libpq, owned: opened in init, finished
/// in deinit. The state of several nodes lives in one PostgreSQL database
/// (`state_url`); each component opens its own connection, as with SQLite.
///
/// The state's SQL is written with `?` and `?N` parameters (SQLite's); they
/// become `$N` here. Each text is prepared on the server once per
/// connection (parse and plan once, as SQLite's statement cache does), up
/// to `preparedLimit` texts; values travel as text and PostgreSQL reads
/// them as the column's type. Commits are durable when `COMMIT` returns
/// (`synchronous_commit=on`, PostgreSQL's default), unless a group asks
/// otherwise (`commitsDurably(false)`, for this transaction only).
final class PostgresDatabase: Database {
    let engine = SQLEngine.postgres
    private let connection: OpaquePointer
    private var prepared: [String: String] = [:]
    private static let preparedLimit = 256
    private(set) var changes = 0

    /// - Parameter url: a libpq connection URI or keyword string. Never
    ///   printed: it may hold a password. Errors name the server libpq
    ///   reports, not the URI.
    /// - Parameter session: SQL run on every (re)connection: what each
    ///   session needs of its own (temporary tables).
    init(url: String, session: String? = nil) throws(StoreError) {
        guard let connection = PQconnectdb(url) else { throw .postgres(state: "08000", message: "out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.firstLine(PQerrorMessage(connection))
            PQfinish(connection)
            throw .postgres(state: "08001", message: "cannot connect to PostgreSQL: \(message)")
        }
        self.connection = connection
        // Notices ("relation already exists, skipping") are not for the
        // operator's terminal.
        self.session = "SET client_min_messages = warning" + (session.map { "; " + $0 } ?? "")
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try execute(self.session + ";")
    }

    private let session: String

    deinit { PQfinish(connection) }

    func execute(_ sql: String) throws(StoreError) {
        if sql.contains(";") {
            try check(PQexec(connection, sql))
        } else {
            try prepare(sql).run([])
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        PostgresStatement(db: self, sql: sql)
    }

    func begin() throws(StoreError) { try execute("BEGIN") }

    /// Runs `beforeCommit` (the journal's seqs are given there,
    /// `PostgresSchema`), then commits, in one round trip.
    func commit() throws(StoreError) {
        let atomicOnly = durable ? "" : "SET LOCAL synchronous_commit = off; "
        try execute(atomicOnly + (beforeCommit.map { $0 + "; " } ?? "") + "COMMIT")
    }

    /// SQL run in every write transaction just before it commits.
    var beforeCommit: String?

    var inTransaction: Bool { PQtransactionStatus(connection) != PQTRANS_IDLE }

    /// Applied at `commit` with `SET LOCAL`, for that transaction alone.
    func commitsDurably(_ durable: Bool) throws(StoreError) { self.durable = durable }
    private var durable = true

    /// Runs one statement with its values; the result, checked.
    fileprivate func run(_ sql: String, _ values: [SQLValue]) throws(StoreError) -> OpaquePointer {
        var owned = values.map { value -> UnsafeMutablePointer<CChar>? in
            switch value {
            case .text(let s?): strdup(s)
            case .int(let n?): strdup(String(n))
            case .real(let d?): strdup(d.isFinite ? String(d) : "0")
            default: nil
            }
        }
        defer { for p in owned { free(p) } }
        let result: OpaquePointer? = try owned.withUnsafeMutableBufferPointer { (buffer) throws(StoreError) -> OpaquePointer? in
            let params = UnsafeRawPointer(buffer.baseAddress).map { $0.assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
            if let name = try statementName(for: sql, parameters: values.count) {
                return PQexecPrepared(connection, name, Int32(values.count), params, nil, nil, 0)
            }
            return PQexecParams(connection, Self.numbered(sql), Int32(values.count), nil, params, nil, nil, 0)
        }
        return try check(result)
    }

    /// The server-side name of a text's prepared statement, preparing it
    /// the first time; nil past the limit (SQL built with values inside).
    private func statementName(for sql: String, parameters: Int) throws(StoreError) -> String? {
        if let name = prepared[sql] { return name }
        guard prepared.count < Self.preparedLimit else { return nil }
        let name = "tidings_\(prepared.count)"
        try check(PQprepare(connection, name, Self.numbered(sql), 0, nil)).free()
        prepared[sql] = name
        return name
    }

    /// Waits up to `timeout` seconds for a notification on a channel this
    /// connection listens to (`LISTEN`); true when one came.
    func waitForNotification(timeout: Double) -> Bool {
        if consumeNotifications() { return true }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        guard descriptor.fd >= 0, poll(&descriptor, 1, Int32(timeout * 1000)) > 0 else { return false }
        PQconsumeInput(connection)
        return consumeNotifications()
    }

    /// Drops the notifications that arrived; whether there were any.
    private func consumeNotifications() -> Bool {
        var any = false
        while let note = PQnotifies(connection) {
            PQfreemem(note)
            any = true
        }
        return any
    }

    /// A result that is not an error, or the error thrown (and freed).
    @discardableResult
    private func check(_ result: OpaquePointer?) throws(StoreError) -> OpaquePointer {
        guard let result else {
            let message = Self.firstLine(PQerrorMessage(connection))
            resetIfLost()
            throw .postgres(state: "08006", message: message)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            changes = Int(String(cString: PQcmdTuples(result))) ?? 0
            return result
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "XX000"
            let message = Self.firstLine(PQresultErrorMessage(result))
            PQclear(result)
            resetIfLost()
            throw .postgres(state: state, message: message)
        }
    }

    /// A connection the server dropped (restart, network) is opened again
    /// for the next use; its prepared statements went with it.
    private func resetIfLost() {
        guard PQstatus(connection) == CONNECTION_BAD else { return }
        PQreset(connection)
        prepared = [:]
        if PQstatus(connection) == CONNECTION_OK {
            _ = try? execute(session + ";")
        }
    }

    private static func firstLine(_ text: UnsafePointer<CChar>?) -> String {
        let whole = text.map { String(cString: $0) } ?? "unknown error"
        let line = whole.split(separator: "\n").first.map(String.init) ?? whole
        return line.hasPrefix("ERROR:  ") ? String(line.dropFirst(8)) : line
    }

    /// `?` parameters numbered in order, `?N` kept: PostgreSQL's `$N`. A
    /// `?` inside a quoted literal or a `--` comment is left alone (and an
    /// apostrophe in a comment opens no literal).
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var next = 1
        var quoted = false
        var chars = sql.makeIterator()
        var pending: Character? = chars.next()
        while let c = pending {
            pending = chars.next()
            if !quoted, c == "-", pending == "-" {
                out.append(c)
                while let d = pending, d != "\n" { out.append(d); pending = chars.next() }
                continue
            }
            if c == "'" { quoted.toggle() }
            guard c == "?", !quoted else { out.append(c); continue }
            var digits = ""
            while let d = pending, d.isASCII, d.isNumber { digits.append(d); pending = chars.next() }
            if digits.isEmpty {
                out += "$\(next)"
                next += 1
            } else {
                out += "$" + digits
            }
        }
        return out
    }
}

private extension OpaquePointer {
    func free() { PQclear(self) }
}

/// A statement's text and values; it runs at the first `step` and its
/// rows are read from the result, which is freed at the next `bind` or in
/// deinit.
final class PostgresStatement: Statement {
    private let db: PostgresDatabase
    private let sql: String
    private var values: [SQLValue] = []
    private var result: OpaquePointer?
    private var row: Int32 = -1
    private var rows: Int32 = 0

    fileprivate init(db: PostgresDatabase, sql: String) {
        self.db = db
        self.sql = sql
    }

    deinit { if let result { PQclear(result) } }

    @discardableResult
    func bind(_ values: [SQLValue]) throws(StoreError) -> Statement {
        reset()
        self.values = values
        return self
    }

    private func reset() {
        if let result { PQclear(result) }
        result = nil
        row = -1
        rows = 0
    }

    func step() throws(StoreError) -> Bool {
        if result == nil {
            let r = try db.run(sql, values)
            result = r
            rows = PQntuples(r)
        }
        row += 1
        return row < rows
    }

    func text(_ column: Int32) -> String? {
        guard let result, row < rows, column < PQnfields(result), PQgetisnull(result, row, column) == 0 else { return nil }
        return String(cString: PQgetvalue(result, row, column))
    }

    func int(_ column: Int32) -> Int64? {
        guard let s = text(column) else { return nil }
        return Int64(s) ?? Double(s).map { Int64($0) }
    }

    func real(_ column: Int32) -> Double? {
        text(column).flatMap(Double.init)
    }
}
