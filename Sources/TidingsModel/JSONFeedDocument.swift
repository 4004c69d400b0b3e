import Foundation

/// A whole feed as a JSON Feed 1.1 document whose items are articles: what
/// `tidings parse` prints.
public struct JSONFeedDocument: Encodable, Sendable {
    public static let version = "https://jsonfeed.org/version/1.1"
    public var feed: FeedDocument
    public var items: [Article]

    public init(feed: FeedDocument, items: [Article]) {
        self.feed = feed
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case version, title, description, language, icon, authors, items
        case homePageURL = "home_page_url"
        case feedURL = "feed_url"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.version, forKey: .version)
        try c.encode(feed.title, forKey: .title)
        try c.encode(feed.homePageURL, forKey: .homePageURL)
        try c.encode(feed.feedURL, forKey: .feedURL)
        try c.encode(feed.description, forKey: .description)
        try c.encode(feed.language, forKey: .language)
        try c.encode(feed.icon, forKey: .icon)
        try c.encode(feed.authors, forKey: .authors)
        try c.encode(items, forKey: .items)
    }
}
