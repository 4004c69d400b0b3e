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
    /// Refuse private and loopback addresses too (checked after DNS).
    public var refusePrivateAddresses: Bool = false
    /// Link-local addresses (169.254.0.0/16, fe80::/10: a cloud's metadata
    /// service) are refused whatever `refusePrivateAddresses` says, unless
    /// this is set.
    public var allowLinkLocalAddresses: Bool = false
    /// The proxy for every feed without one of its own (`http://`,
    /// `https://`, `socks5://`, `socks5h://`); nil: the environment's.
    public var proxy: String?

    public static let version = TidingsVersion.string
    public static let defaultUserAgent = "Tidings/\(version) (+https://github.com/tidings/tidings)"

    public init() {}

    /// A URL libcurl takes as a proxy.
    public static func isProxyURL(_ text: String) -> Bool {
        let schemes = ["http://", "https://", "socks4://", "socks4a://", "socks5://", "socks5h://"]
        return schemes.contains { text.lowercased().hasPrefix($0) } && text.count > 8
    }
}
