/// Transport failures, named. One place (`FetchError.init(curlCode:)`) maps
/// libcurl's codes to these; the message is short and lower-case so that it
/// reads well in `tidings status` and in the journal.
public enum FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    case dns(String)
    case connect(String)
    case tls(String)
    case timeout(String)
    case tooLarge(limit: Int)
    case tooManyRedirects
    case refusedScheme(String)
    case refusedAddress(String)
    case badURL(String)
    case protocolError(String)
    case shutdown
    case other(code: Int, message: String)

    /// A name that did not resolve or a host that took no connection: what
    /// every poll meets when this machine's network is down, rather than
    /// one publisher's server.
    public var isUnreachable: Bool {
        switch self {
        case .dns, .connect: true
        default: false
        }
    }

    /// The short name used in status output and logs: `dns`, `tls`, `too large`...
    public var kind: String {
        switch self {
        case .dns: "dns"
        case .connect: "connect"
        case .tls: "tls"
        case .timeout: "timeout"
        case .tooLarge: "too large"
        case .tooManyRedirects: "redirects"
        case .refusedScheme: "refused scheme"
        case .refusedAddress: "refused address"
        case .badURL: "bad url"
        case .protocolError: "protocol"
        case .shutdown: "shutdown"
        case .other: "network"
        }
    }

    public var description: String {
        switch self {
        case .dns(let m), .connect(let m), .tls(let m), .timeout(let m), .protocolError(let m),
             .refusedScheme(let m), .refusedAddress(let m), .badURL(let m):
            "\(kind): \(m)"
        case .tooLarge(let limit): "too large: body over \(limit) bytes"
        case .tooManyRedirects: "redirects: too many redirects"
        case .shutdown: "shutdown: client stopped"
        case .other(let code, let m): "network: \(m) (curl \(code))"
        }
    }
}
