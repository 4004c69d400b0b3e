import Foundation

/// Which proxy, if any, a request goes through: a feed's own (`--proxy`,
/// `--no-proxy`), else the configuration's `fetch.proxy`, else the
/// environment as curl and most tools read it (`http_proxy`, `https_proxy`,
/// `all_proxy`, `no_proxy`). Decided here rather than left to libcurl so
/// that the client knows whether a connection goes to a proxy: the
/// address guard then judges the target, not the proxy (`AddressGuard`).
public enum ProxyChoice: Sendable, Hashable {
    /// The configuration's proxy, else the environment's.
    case inherited
    /// This proxy URL, whatever the rest says.
    case url(String)
    /// A direct connection, whatever the rest says.
    case direct

    /// The proxy URL for `target`, or nil for a direct connection.
    public func proxy(for target: String, configured: String?,
                      environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        switch self {
        case .direct: return nil
        case .url(let url): return url.isEmpty ? nil : url
        case .inherited:
            if let configured, !configured.isEmpty { return configured }
            return Self.fromEnvironment(for: target, environment: environment)
        }
    }

    /// curl's reading: `http_proxy` (lower case only: a CGI program gets
    /// `HTTP_PROXY` from a request header), `https_proxy`/`HTTPS_PROXY`,
    /// then `all_proxy`/`ALL_PROXY`; none when `no_proxy` names the host.
    static func fromEnvironment(for target: String, environment: [String: String]) -> String? {
        guard let url = URLComponents(string: target), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https" else { return nil }
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        let specific = scheme == "http" ? value("http_proxy") : value("https_proxy", "HTTPS_PROXY")
        guard let proxy = specific ?? value("all_proxy", "ALL_PROXY") else { return nil }
        if let exceptions = value("no_proxy", "NO_PROXY"), let host = url.host,
           Self.excepted(host: host, by: exceptions) { return nil }
        return proxy
    }

    /// `no_proxy`: `*`, or a comma-separated list of host names (each
    /// matching itself and its subdomains; a leading dot is ignored) and
    /// addresses, as curl reads it.
    static func excepted(host: String, by list: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        for raw in list.split(separator: ",") {
            var name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "*" { return true }
            if name.hasPrefix(".") { name.removeFirst() }
            name = name.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if name.isEmpty { continue }
            if host == name || host.hasSuffix("." + name) { return true }
        }
        return false
    }

    /// Whether a proxy resolves the target's name itself (`socks5h`,
    /// `socks4a`, and HTTP proxies, which are handed the URL): then no
    /// DNS query for the target leaves this machine.
    public static func resolvesNames(_ proxy: String) -> Bool {
        let scheme = proxy.lowercased().split(separator: ":").first.map(String.init) ?? "http"
        return !(scheme == "socks5" || scheme == "socks4")
    }
}
