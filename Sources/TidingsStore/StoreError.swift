/// Failures of the state database and the article files. One type for the layer.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case sqlite(code: Int32, message: String)
    case io(path: String, errno: Int32, message: String)
    case encoding(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .sqlite(let code, let message): "database: \(message) (sqlite \(code))"
        case .io(let path, let e, let message): "io: \(message) \(path) (errno \(e))"
        case .encoding(let why): "encoding: \(why)"
        case .notFound(let what): "not found: \(what)"
        }
    }
}
