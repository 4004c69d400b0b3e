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
    /// How many times in a row the process died while parsing the body
    /// with hash `parseCrashHash`; reset when a parse of it finishes.
    public var parseCrashes: Int
    public var parseCrashHash: String?
    /// The body that killed the parser twice: not parsed again until the
    /// feed serves something else or an operator asks (`tidings poll`).
    public var quarantinedHash: String?
    public var quarantineReason: String?
    /// Set by the operator (`tidings add --category`, `tidings set`);
    /// never written by a poll.
    public var category: String?
    public var operatorTitle: String?
    public var operatorIntervalSeconds: Double?
    /// The interval the schedule chose at the last poll (before jitter),
    /// and where it came from (`Schedule.Source`).
    public var intervalSeconds: Double?
    public var intervalSource: String?
    /// What the operator set for this feed's requests (no secret in it).
    public var request: FeedRequestSettings?
    /// Set by `tidings pause`: the feed is kept and shown, never fetched.
    public var pausedAt: Date?
    /// How many items of the last document parsed the rules dropped.
    public var droppedItems: Int = 0

    /// The title to show: the operator's, else the feed's own.
    public var displayTitle: String? { operatorTitle ?? title }

    public init(id: String, url: String, addedAt: Date) {
        self.id = id
        self.url = url
        self.addedURL = url
        self.addedAt = addedAt
        self.consecutiveFailures = 0
        self.pendingMoveCount = 0
        self.parseCrashes = 0
    }

    /// Whether `bodyHash` is the document this feed is quarantined for.
    public func isQuarantined(bodyHash: String) -> Bool { quarantinedHash == bodyHash }
}

extension FeedRecord {
    /// Every field is written, `null` when unset, so `tidings status --json`
    /// always has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(url, forKey: .url)
        try c.encode(addedURL, forKey: .addedURL)
        try c.encode(addedAt, forKey: .addedAt)
        try c.encode(title, forKey: .title)
        try c.encode(homePageURL, forKey: .homePageURL)
        try c.encode(etag, forKey: .etag)
        try c.encode(lastModified, forKey: .lastModified)
        try c.encode(bodyHash, forKey: .bodyHash)
        try c.encode(lastPollAt, forKey: .lastPollAt)
        try c.encode(lastResult, forKey: .lastResult)
        try c.encode(lastHTTPStatus, forKey: .lastHTTPStatus)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try c.encode(nextPollAt, forKey: .nextPollAt)
        try c.encode(disabledReason, forKey: .disabledReason)
        try c.encode(pendingMoveURL, forKey: .pendingMoveURL)
        try c.encode(pendingMoveSince, forKey: .pendingMoveSince)
        try c.encode(pendingMoveCount, forKey: .pendingMoveCount)
        try c.encode(movedFrom, forKey: .movedFrom)
        try c.encode(parseCrashes, forKey: .parseCrashes)
        try c.encode(parseCrashHash, forKey: .parseCrashHash)
        try c.encode(quarantinedHash, forKey: .quarantinedHash)
        try c.encode(quarantineReason, forKey: .quarantineReason)
        try c.encode(category, forKey: .category)
        try c.encode(operatorTitle, forKey: .operatorTitle)
        try c.encode(operatorIntervalSeconds, forKey: .operatorIntervalSeconds)
        try c.encode(intervalSeconds, forKey: .intervalSeconds)
        try c.encode(intervalSource, forKey: .intervalSource)
        try c.encode(request?.redacted, forKey: .request)
        try c.encode(pausedAt, forKey: .pausedAt)
        try c.encode(droppedItems, forKey: .droppedItems)
    }
}
