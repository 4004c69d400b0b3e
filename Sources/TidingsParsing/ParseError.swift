/// Why a document could not be read as a feed. One error type for the parsing layer.
public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not XML or JSON at all; the text says what was found.
    case notXML(String)
    /// Well-formed enough, but not a feed: names what the root was.
    case notAFeed(String)
    /// JSON that is not a JSON Feed.
    case badJSONFeed(String)
    /// The document is larger than the configured limit.
    case tooLarge(limit: Int)
    case internalFailure(String)

    public var description: String {
        switch self {
        case .notXML(let why): "not a feed: unreadable XML (\(why))"
        case .notAFeed(let what): "not a feed: found \(what)"
        case .badJSONFeed(let why): "not a feed: bad JSON Feed (\(why))"
        case .tooLarge(let limit): "too large: document over \(limit) bytes"
        case .internalFailure(let why): "internal: \(why)"
        }
    }
}
