/// The canonical form of a link, under which two feeds' links to one story
/// compare equal. Defined once, here, and documented in
/// docs/article-format.md ("Identity"):
///
/// - only absolute `http` and `https` URLs have one; `http` and `https` of
///   the same host and path are the same (the form has no scheme);
/// - the host is lower-cased, a default port (80, 443) dropped, user
///   information dropped;
/// - the fragment is dropped;
/// - tracking parameters (`trackingParameters`, and every `utm_*`) are
///   removed; the remaining query parameters keep their order and spelling;
/// - an empty path is `/`.
///
/// Percent-encoding and the path's case are kept as they are: servers may
/// tell them apart, and a false merge loses a story where a missed merge
/// only shows it twice.
public enum CanonicalURL {
    /// Query parameters that track the reader, not the story. The one list.
    public static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "mc_cid", "mc_eid", "igshid", "_hsenc", "_hsmi", "yclid", "ref_src",
    ]

    public static func isTracking(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("utm_") || trackingParameters.contains(lower)
    }

    /// `//host[:port]/path[?query]`, or nil when `raw` is not an absolute
    /// http(s) URL with a host.
    public static func of(_ raw: String) -> String? {
        var s = Substring(raw.trimmedOfUnicodeSpace)
        guard let colon = s.firstIndex(of: ":") else { return nil }
        let scheme = s[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        s = s[s.index(after: colon)...]
        guard s.hasPrefix("//") else { return nil }
        s = s.dropFirst(2)
        if let hash = s.firstIndex(of: "#") { s = s[..<hash] }
        let authorityEnd = s.firstIndex { $0 == "/" || $0 == "?" } ?? s.endIndex
        guard let authority = hostAndPort(s[..<authorityEnd]) else { return nil }
        let rest = s[authorityEnd...]
        let queryStart = rest.firstIndex(of: "?")
        var path = String(rest[..<(queryStart ?? rest.endIndex)])
        if path.isEmpty { path = "/" }
        var out = "//" + authority + path
        if let queryStart {
            let kept = rest[rest.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: true)
                .filter { pair in !isTracking(String(pair.prefix { $0 != "=" })) }
            if !kept.isEmpty { out += "?" + kept.joined(separator: "&") }
        }
        return out
    }

    /// Lower-cased host with a non-default port; user information dropped.
    private static func hostAndPort(_ authority: Substring) -> String? {
        var a = authority
        if let at = a.lastIndex(of: "@") { a = a[a.index(after: at)...] }
        var host = a
        var port: Substring = ""
        if a.hasPrefix("[") {  // IPv6 literal
            guard let close = a.firstIndex(of: "]") else { return nil }
            host = a[...close]
            let after = a[a.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() }
        } else if let colon = a.lastIndex(of: ":") {
            host = a[..<colon]
            port = a[a.index(after: colon)...]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty else { return nil }
        let lowered = host.lowercased()
        if port.isEmpty || port == "80" || port == "443" { return lowered }
        guard port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber) else { return nil }
        return lowered + ":" + String(Int(port) ?? 0)
    }
}
