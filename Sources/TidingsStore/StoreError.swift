#if canImport(Glibc)
import Glibc
#endif

/// Failures of the state database and the article files. One type for the layer.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case sqlite(code: Int32, message: String)
    /// PostgreSQL's SQLSTATE (`23505`, `08006`) and its message.
    case postgres(state: String, message: String)
    case io(path: String, errno: Int32, message: String)
    case encoding(String)
    case notFound(String)
    /// A state another version of Tidings made, which this one cannot read as it is.
    case incompatible(String)

    /// The disk is full, over quota or read-only, or the directory is not
    /// writable: nothing any feed did, and nothing a retry of that feed
    /// mends. The daemon pauses all polling until it can write again.
    public var isStorageUnavailable: Bool {
        switch self {
        case .io(_, let e, _): [ENOSPC, EDQUOT, EROFS, EACCES, EPERM].contains(e)
        case .sqlite(let code, _): code == 13 || code == 8  // SQLITE_FULL, SQLITE_READONLY
        // Disk full or out of resources, a read-only server, a lost
        // connection or a server shutting down: the state cannot be written
        // until the server is back (the connection is reset on the next use).
        case .postgres(let state, _): ["53", "08", "57"].contains(state.prefix(2)) || state == "25006"
        default: false
        }
    }

    /// Another writer of a shared state got there first (a unique key it
    /// had just inserted, a deadlock, a serialization failure): the change,
    /// decided again, succeeds.
    public var isConcurrentWrite: Bool {
        if case .postgres(let state, _) = self { return ["23505", "40P01", "40001"].contains(state) }
        return false
    }

    public var description: String {
        switch self {
        case .sqlite(let code, let message): "database: \(message) (sqlite \(code))"
        case .postgres(let state, let message): "database: \(message) (PostgreSQL \(state))"
        case .io(let path, let e, let message): "io: \(message) \(path): \(String(cString: strerror(e))) (errno \(e))"
        case .encoding(let why): "encoding: \(why)"
        case .notFound(let what): "not found: \(what)"
        case .incompatible(let why): why
        }
    }
}
