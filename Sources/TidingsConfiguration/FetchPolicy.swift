/// Limits and manners of the HTTP client, with their defaults in one place.
public struct FetchPolicy: Sendable, Hashable, Codable {
    public var connectTimeoutSeconds: Int = 10
    public var totalTimeoutSeconds: Int = 60
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds` is cut off.
    public var lowSpeedBytesPerSecond: Int = 64
    public var lowSpeedSeconds: Int = 20
    /// Applies to the decompressed body, checked as bytes arrive.
    public var maximumBodyBytes: Int = 16 << 20
    public var maximumRedirects: Int = 5
    public var maximumConcurrentTransfers: Int = 64
    public var maximumTransfersPerHost: Int = 2
    public var userAgent: String = FetchPolicy.defaultUserAgent
    /// Refuse private, loopback and link-local addresses (checked after DNS).
    public var refusePrivateAddresses: Bool = false

    public static let version = TidingsVersion.string
    public static let defaultUserAgent = "Tidings/\(version) (+https://github.com/tidings/tidings)"

    public init() {}
}
