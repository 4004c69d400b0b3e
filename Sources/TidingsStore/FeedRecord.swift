import Foundation

/// A feed the daemon follows, with everything remembered between polls.
public struct FeedRecord: Sendable, Hashable, Codable {
    /// Derived from the URL the feed was added with; never changes, even when the feed moves.
    public var id: String
    /// Where the feed is fetched from now.
    public var url: String
    public var addedURL: String
    public var addedAt: Date
    public var title: String?
    public var homePageURL: String?
    public var etag: String?
    public var lastModified: String?
    /// Hash of the last body parsed: an identical 200 is not parsed again.
    public var bodyHash: String?
    public var lastPollAt: Date?
    /// `ok`, `not modified`, `unchanged` or the short name of the failure.
    public var lastResult: String?
    public var lastHTTPStatus: Int?
    public var lastError: String?
    public var consecutiveFailures: Int
    public var nextPollAt: Date?
    /// Set when the feed is no longer polled (410 Gone), with the reason.
    public var disabledReason: String?
    /// A permanent redirect seen but not yet trusted.
    public var pendingMoveURL: String?
    public var pendingMoveSince: Date?
    public var pendingMoveCount: Int
    /// The URL before the last applied move.
    public var movedFrom: String?

    public init(id: String, url: String, addedAt: Date) {
        self.id = id
        self.url = url
        self.addedURL = url
        self.addedAt = addedAt
        self.consecutiveFailures = 0
        self.pendingMoveCount = 0
    }
}
