/// A parsed feed: its own metadata and its entries, before any bookkeeping.
public struct FeedDocument: Sendable, Hashable {
    /// Which format the document was detected as, e.g. `rss20`, `atom10`, `jsonfeed11`.
    public var format: String
    public var title: String?
    public var homePageURL: String?
    public var feedURL: String?
    public var description: String?
    public var language: String?
    public var icon: String?
    public var authors: [Author]
    public var entries: [Entry]
    /// How often the publisher says the feed changes (RSS `ttl`, else
    /// `sy:updatePeriod` over `sy:updateFrequency`); the schedule reads it.
    public var updateHint: UpdateHint?

    public struct UpdateHint: Sendable, Hashable {
        public var seconds: Double
        /// `ttl` or `sy:updatePeriod`.
        public var source: String
        public init(seconds: Double, source: String) {
            self.seconds = seconds
            self.source = source
        }
    }

    public init(format: String, title: String? = nil, homePageURL: String? = nil,
                feedURL: String? = nil, description: String? = nil, language: String? = nil,
                icon: String? = nil, authors: [Author] = [], entries: [Entry] = []) {
        self.format = format
        self.title = title
        self.homePageURL = homePageURL
        self.feedURL = feedURL
        self.description = description
        self.language = language
        self.icon = icon
        self.authors = authors
        self.entries = entries
    }
}
