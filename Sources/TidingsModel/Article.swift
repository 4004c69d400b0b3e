import Foundation

/// The article model v1: one JSON object per article, JSON Feed 1.1 item keys
/// plus the `_tidings` extension. This is the public file format; see
/// docs/article-format.md and docs/article.v1.schema.json.
public struct Article: Codable, Sendable, Hashable {
    /// Stable identifier derived from the dedup key (see `ArticleIdentity`).
    public var id: String
    public var entry: Entry
    public var tidings: TidingsMeta

    public init(id: String, entry: Entry, tidings: TidingsMeta) {
        self.id = id
        self.entry = entry
        self.tidings = tidings
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tidings = "_tidings"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(tidings, forKey: .tidings)
        try entry.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        tidings = try c.decode(TidingsMeta.self, forKey: .tidings)
        entry = try Entry(from: decoder)
        entry.guid = tidings.guid
    }
}

extension Article {
    /// The one encoder for article JSON: sorted keys make the bytes depend on
    /// the content alone, so an unchanged article encodes to identical bytes.
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return e
    }
}
