/// What one feed asks of its requests beyond the client's defaults: the
/// operator's answer to a site that refuses the default User-Agent, wants
/// a cookie or HTTP/2, sits behind a password or a proxy, or has its own
/// certificate authority. Secrets arrive here read from their files; this
/// value is never logged or stored (the store keeps where they are read from).
public struct RequestOptions: Sendable, Hashable {
    public enum HTTPVersion: String, Sendable, Hashable, CaseIterable {
        case http1_1 = "1.1"
        /// Over TLS, negotiated (ALPN); over plain HTTP, spoken at once
        /// ("prior knowledge"), since few servers take an upgrade.
        case http2 = "2"
    }

    public enum IPVersion: String, Sendable, Hashable, CaseIterable {
        case v4 = "4", v6 = "6"
    }

    public enum Credentials: Sendable, Hashable {
        case basic(username: String, password: String)
        case bearer(token: String)
    }

    public var userAgent: String?
    /// Extra request headers, `Name: value`; one naming `Accept` replaces the default.
    public var headers: [String] = []
    /// A `Cookie` header's value (`name=value; other=value`).
    public var cookie: String?
    public var httpVersion: HTTPVersion?
    public var ipVersion: IPVersion?
    /// A PEM file of certificate authorities trusted for this feed instead of the system's.
    public var caFile: String?
    /// Certificates not checked at all: an explicit, logged choice for one feed.
    public var insecureTLS = false
    /// Sent only to the feed's own host: libcurl drops them on a redirect elsewhere.
    public var credentials: Credentials?
    /// The proxy for this request, as the caller decided it (`ProxyChoice`);
    /// nil: a direct connection (libcurl's own reading of the environment is off).
    public var proxy: String?

    public init() {}
}
