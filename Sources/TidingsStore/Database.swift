/// A connection to the state's database, whichever engine holds it: SQLite
/// in the state directory (the default) or PostgreSQL (`state_url`, for
/// several nodes on one state). `TidingsState` writes SQL both engines
/// read (`ON CONFLICT`, `IS DISTINCT FROM`, `?` or `?N` parameters); what
/// differs is asked of `engine`. Not shared across threads: each component
/// that needs the database opens its own connection.
protocol Database: AnyObject {
    var engine: SQLEngine { get }
    /// Runs SQL without results: one statement, or a script of several.
    func execute(_ sql: String) throws(StoreError)
    func prepare(_ sql: String) throws(StoreError) -> Statement
    /// Begins a write transaction.
    func begin() throws(StoreError)
    /// Commits it: durable when this returns (see `commitsDurably`).
    func commit() throws(StoreError)
    var inTransaction: Bool { get }
    /// Rows the last statement changed.
    var changes: Int { get }
    /// Whether a commit is durable when it returns (the default) or only
    /// atomic: for groups whose loss the next poll mends (docs/durability.md).
    func commitsDurably(_ durable: Bool) throws(StoreError)
}

enum SQLEngine: Sendable {
    case sqlite, postgres
}

/// A value bound to a statement's parameter, by position.
enum SQLValue {
    case text(String?)
    case int(Int64?)
    case real(Double?)
}

/// A prepared statement: bind, step through its rows, read columns.
protocol Statement: AnyObject {
    @discardableResult
    func bind(_ values: [SQLValue]) throws(StoreError) -> Statement
    /// Steps once; true while a row is available.
    func step() throws(StoreError) -> Bool
    func text(_ column: Int32) -> String?
    func int(_ column: Int32) -> Int64?
    func real(_ column: Int32) -> Double?
}

extension Statement {
    func run(_ values: [SQLValue]) throws(StoreError) {
        try bind(values)
        while try step() {}
    }
}

extension Database {
    /// Runs `body` in one transaction: all of it lands, or none of it.
    /// Inside a transaction already, `body` joins it.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        if inTransaction { return try body() }
        try begin()
        do {
            let value = try body()
            try commit()
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
