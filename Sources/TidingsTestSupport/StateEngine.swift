import Foundation
import TidingsStore

/// The two engines a state lives in; the state's behaviour tests run
/// against each, unchanged. PostgreSQL is a real server (`PostgresServer`,
/// one per test process), with a database of its own for each test root:
/// opening the same root again opens the same database, as a restarted
/// daemon opens the same state.
public enum StateEngine: String, CaseIterable, Sendable {
    case sqlite, postgres

    public static let all = allCases

    /// The state's writer of `root/out`, its state in `root/state` (and,
    /// for PostgreSQL, in the root's database).
    public func writer(_ root: String) throws -> TidingsState {
        try TidingsState(stateDirectory: root + "/state", outputDirectory: root + "/out", databaseURL: url(root))
    }

    /// The state without its output (the CLI's `add`, hook delivery).
    public func changer(_ root: String, readOnly: Bool = false) throws -> TidingsState {
        try TidingsState(stateDirectory: root + "/state", readOnly: readOnly, databaseURL: url(root))
    }

    /// Where the writer stages files: among nodes (PostgreSQL), each node
    /// in a directory of its own, named after it (`tidings` by default).
    public func staging(_ root: String) -> String {
        root + "/out/.staging" + (self == .postgres ? "/tidings" : "")
    }

    /// The root's PostgreSQL database (made at first use); nil for SQLite.
    public func url(_ root: String) throws -> String? {
        guard self == .postgres else { return nil }
        Self.lock.lock()
        defer { Self.lock.unlock() }
        if let url = Self.databases[root] { return url }
        let url = try PostgresServer.shared().makeDatabase("state")
        Self.databases[root] = url
        return url
    }

    /// The state is lost (deleted, or a new database): what `reindex`
    /// rebuilds from the article files.
    public func loseState(_ root: String) throws {
        try FileManager.default.removeItem(atPath: root + "/state")
        Self.lock.withLock { Self.databases[root] = nil }
    }

    /// Keeps a copy of the state as it is now (no connection may be open).
    public func saveState(_ root: String, to saved: String) throws {
        try FileManager.default.copyItem(atPath: root + "/state", toPath: saved + "/state")
        if let url = try url(root) {
            let copy = try PostgresServer.shared().makeDatabase("saved", copying: url)
            Self.lock.withLock { Self.databases[saved] = copy }
        }
    }

    /// Puts a copy `saveState` kept back in place of the state.
    public func restoreState(_ root: String, from saved: String) throws {
        try FileManager.default.removeItem(atPath: root + "/state")
        try FileManager.default.moveItem(atPath: saved + "/state", toPath: root + "/state")
        Self.lock.withLock { if let copy = Self.databases[saved] { Self.databases[root] = copy } }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var databases: [String: String] = [:]
}
