import Foundation

/// Everything the daemon can be told, as one value with its defaults here.
public struct Configuration: Sendable, Codable, Hashable {
    public var stateDirectory = "./state"
    public var outputDirectory = "./out"
    /// How often a healthy feed is polled when neither its operator nor
    /// its publisher says otherwise (see `Schedule`).
    public var pollIntervalSeconds: Double = 30 * 60
    /// What a publisher says (Cache-Control, ttl, publishing cadence) is
    /// held between these.
    public var minimumIntervalSeconds: Double = 15 * 60
    public var maximumIntervalSeconds: Double = 24 * 3600
    /// Failure back-off doubles from the interval up to this cap.
    public var maximumBackoffSeconds: Double = 24 * 3600
    /// Documents larger than this are not parsed.
    public var maximumDocumentBytes = 32 << 20
    /// A permanent redirect moves a feed after this many polls in a row...
    public var moveConfirmations = 3
    /// ...spanning at least this long.
    public var moveMinimumSpanSeconds: Double = 24 * 3600
    /// A `Retry-After` longer than this is cut to it.
    public var maximumRetryAfterSeconds: Double = 7 * 24 * 3600
    /// A full or read-only disk pauses all polling; the first retry comes
    /// after this long, then twice as long each time, up to half an hour.
    public var storageRetrySeconds: Double = 30
    /// Articles first seen longer ago than this expire (0: kept for ever).
    public var retentionMaximumAgeSeconds: Double = 0
    /// Each feed keeps its newest this many (0: no limit).
    public var retentionMaximumPerFeed = 0
    /// `out/feed.json` holds the newest this many articles (0: not written).
    public var mergedFeedItems = 0
    /// Journal day files older than this many days are removed (0: kept
    /// for ever); never one holding an event whose hook has not run.
    public var journalRetentionDays = 90
    /// A command run for each `created` and `updated` journal event, with
    /// the article file's path as its last argument; empty: none. The first
    /// element is the program, the rest its first arguments; no shell.
    public var onArticle: [String] = []
    /// A hook run longer than this is killed and counts as failed.
    public var hookTimeoutSeconds: Double = 30
    /// At most this many hook runs at once.
    public var hookConcurrency = 2
    /// An event whose hook fails this many times is recorded and skipped.
    public var hookMaximumAttempts = 5
    /// The first retry of a failed hook comes after this long, doubling up to an hour.
    public var hookRetrySeconds: Double = 10
    public var fetch = FetchPolicy()

    public init() {}
}
