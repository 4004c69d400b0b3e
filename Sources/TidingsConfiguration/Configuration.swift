import Foundation

/// Everything the daemon can be told, as one value with its defaults here.
public struct Configuration: Sendable, Codable, Hashable {
    public var stateDirectory = "./state"
    public var outputDirectory = "./out"
    /// How often each feed is polled when it is healthy.
    public var pollIntervalSeconds: Double = 30 * 60
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
    public var fetch = FetchPolicy()

    public init() {}
}
