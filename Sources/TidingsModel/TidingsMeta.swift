import Foundation

/// The `_tidings` extension object of an article: where it came from and how
/// it has changed. JSON Feed reserves keys starting with `_` for extensions.
public struct TidingsMeta: Codable, Sendable, Hashable {
    /// The article schema version; bumped on any incompatible change.
    public static let currentSchema = 1

    public var schema: Int
    public var guid: String?
    public var feed: FeedRef
    public var sources: [Source]
    public var firstSeen: Date
    public var lastChanged: Date
    public var revision: Int
    public var contentHash: String

    public init(guid: String?, feed: FeedRef, sources: [Source], firstSeen: Date,
                lastChanged: Date, revision: Int, contentHash: String) {
        self.schema = Self.currentSchema
        self.guid = guid
        self.feed = feed
        self.sources = sources
        self.firstSeen = firstSeen
        self.lastChanged = lastChanged
        self.revision = revision
        self.contentHash = contentHash
    }

    enum CodingKeys: String, CodingKey {
        case schema, guid, feed, sources, revision
        case firstSeen = "first_seen"
        case lastChanged = "last_changed"
        case contentHash = "content_hash"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(guid, forKey: .guid)
        try c.encode(feed, forKey: .feed)
        try c.encode(sources, forKey: .sources)
        try c.encode(Timestamp.format(firstSeen), forKey: .firstSeen)
        try c.encode(Timestamp.format(lastChanged), forKey: .lastChanged)
        try c.encode(revision, forKey: .revision)
        try c.encode(contentHash, forKey: .contentHash)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(Int.self, forKey: .schema)
        guid = try c.decodeIfPresent(String.self, forKey: .guid)
        feed = try c.decode(FeedRef.self, forKey: .feed)
        sources = try c.decode([Source].self, forKey: .sources)
        let first = try c.decode(String.self, forKey: .firstSeen)
        let changed = try c.decode(String.self, forKey: .lastChanged)
        guard let f = Timestamp.parse(first), let l = Timestamp.parse(changed) else {
            throw DecodingError.dataCorruptedError(forKey: .firstSeen, in: c,
                                                   debugDescription: "not an RFC 3339 time")
        }
        firstSeen = f
        lastChanged = l
        revision = try c.decode(Int.self, forKey: .revision)
        contentHash = try c.decode(String.self, forKey: .contentHash)
    }

    /// The feed an article was first seen in.
    public struct FeedRef: Codable, Sendable, Hashable {
        public var id: String
        public var url: String
        public var title: String?
        public var homePageURL: String?

        public init(id: String, url: String, title: String?, homePageURL: String?) {
            self.id = id
            self.url = url
            self.title = title
            self.homePageURL = homePageURL
        }

        enum CodingKeys: String, CodingKey {
            case id, url, title
            case homePageURL = "home_page_url"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(url, forKey: .url)
            try c.encode(title, forKey: .title)
            try c.encode(homePageURL, forKey: .homePageURL)
        }
    }

    /// One feed in which the article was seen, with the entry's id and link there.
    public struct Source: Codable, Sendable, Hashable {
        public var feedID: String
        public var feedURL: String
        public var guid: String?
        public var url: String?

        public init(feedID: String, feedURL: String, guid: String?, url: String?) {
            self.feedID = feedID
            self.feedURL = feedURL
            self.guid = guid
            self.url = url
        }

        enum CodingKeys: String, CodingKey {
            case guid, url
            case feedID = "feed_id"
            case feedURL = "feed_url"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(feedID, forKey: .feedID)
            try c.encode(feedURL, forKey: .feedURL)
            try c.encode(guid, forKey: .guid)
            try c.encode(url, forKey: .url)
        }
    }
}
