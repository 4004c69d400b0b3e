import Foundation

/// A keep or drop rule on a feed's items, from the configuration file:
///
///     rules:
///       - drop: "sponsored|advertisement"   # a regular expression
///         field: title                       # title (default), content, summary, author, tag, link
///       - keep: "swift|linux"
///         field: tag
///         feeds: [https://example.com/feed.xml]   # or ids; none: every feed
///         categories: [News]                      # and their subcategories
///         case_sensitive: true                    # default false
///
/// Where keep rules apply to a feed, an item is kept only if one of them
/// matches; then an item any drop rule matches is dropped.
public struct FeedRule: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable { case keep, drop }
    public enum Field: String, Sendable, Hashable, Codable, CaseIterable {
        case title, content, summary, author, tag, link
    }

    public var action: Action
    public var pattern: String
    public var field: Field = .title
    public var caseSensitive = false
    /// Feed URLs or ids; empty: every feed (unless `categories` narrows it).
    public var feeds: [String] = []
    public var categories: [String] = []

    public init(action: Action, pattern: String, field: Field = .title) {
        self.action = action
        self.pattern = pattern
        self.field = field
    }

    /// Whether the rule is for a feed with this URL, id and category.
    public func applies(toURL url: String, id: String, category: String?) -> Bool {
        if feeds.isEmpty && categories.isEmpty { return true }
        if feeds.contains(url) || feeds.contains(id) { return true }
        guard let category else { return false }
        return categories.contains { category == $0 || category.hasPrefix($0 + "/") }
    }

    /// The rule as a person wrote it, for messages: `drop title ~ /sponsored/i`.
    public var summary: String {
        "\(action.rawValue) \(field.rawValue) ~ /\(pattern)/" + (caseSensitive ? "" : "i")
    }

    /// The compiled expression, or why it is not one, with the position
    /// (counted in characters from 1) where the parser stopped.
    public func compiled() -> Result<Regex<AnyRegexOutput>, RuleError> {
        do {
            let regex = try Regex(pattern)
            return .success(regex.ignoresCase(!caseSensitive))
        } catch {
            return .failure(RuleError(pattern: pattern, message: "\(error)", position: Self.position(of: error, in: pattern)))
        }
    }

    public struct RuleError: Error, Sendable, Hashable, CustomStringConvertible {
        public let pattern: String
        public let message: String
        public let position: Int?
        public var description: String {
            "not a valid regular expression" + (position.map { " at position \($0)" } ?? "") + ": \(message)"
        }
    }

    /// The Swift regex parser's errors carry where they are (a source
    /// location) but expose it only to reflection; without it, no position.
    static func position(of error: any Error, in pattern: String) -> Int? {
        func child(_ value: Any, _ label: String) -> Any? {
            Mirror(reflecting: value).children.first { $0.label == label }?.value
        }
        guard let location = child(error, "location"), let range = child(location, "range") as? Range<String.Index>,
              range.lowerBound <= pattern.endIndex else { return nil }
        return pattern.distance(from: pattern.startIndex, to: range.lowerBound) + 1
    }
}
