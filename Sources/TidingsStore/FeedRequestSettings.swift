import Foundation

/// What the operator set for a feed's requests (`tidings add --user-agent
/// …`, `tidings set`), stored as JSON in the feed's row. Secrets are not
/// here: only where they are read from at each poll, a file (mode 0600)
/// or a systemd credential (`credential:NAME`, read from
/// `$CREDENTIALS_DIRECTORY`), so that the state, a backup of it and
/// `tidings status --json` hold no password.
public struct FeedRequestSettings: Sendable, Hashable, Codable {
    public var userAgent: String?
    /// `Name: value`, in order.
    public var headers: [String]?
    public var cookie: String?
    /// `1.1` or `2` (`RequestOptions.HTTPVersion`).
    public var httpVersion: String?
    /// `4` or `6`.
    public var ipVersion: String?
    public var caFile: String?
    public var insecureTLS: Bool?
    public var username: String?
    public var passwordFile: String?
    public var bearerTokenFile: String?
    /// A proxy URL for this feed alone; `proxyDisabled` for none at all.
    public var proxy: String?
    public var proxyDisabled: Bool?

    public init() {}

    public var isEmpty: Bool { self == FeedRequestSettings() }

    /// The settings in `other` over these: a field `other` sets wins.
    public func merging(_ other: FeedRequestSettings) -> FeedRequestSettings {
        var out = self
        out.userAgent = other.userAgent ?? userAgent
        out.headers = other.headers ?? headers
        out.cookie = other.cookie ?? cookie
        out.httpVersion = other.httpVersion ?? httpVersion
        out.ipVersion = other.ipVersion ?? ipVersion
        out.caFile = other.caFile ?? caFile
        out.insecureTLS = other.insecureTLS ?? insecureTLS
        out.username = other.username ?? username
        if other.passwordFile != nil || other.bearerTokenFile != nil {
            out.passwordFile = other.passwordFile
            out.bearerTokenFile = other.bearerTokenFile
            if other.bearerTokenFile != nil { out.username = nil }
        }
        if other.proxy != nil || other.proxyDisabled != nil {
            out.proxy = other.proxy
            out.proxyDisabled = other.proxyDisabled
        }
        return out.normalized
    }

    /// Empty lists and false flags as nil: one stored form per meaning.
    var normalized: FeedRequestSettings {
        var out = self
        if out.headers?.isEmpty == true { out.headers = nil }
        if out.insecureTLS == false { out.insecureTLS = nil }
        if out.proxyDisabled == false { out.proxyDisabled = nil }
        for keyPath in [\FeedRequestSettings.userAgent, \.cookie, \.httpVersion, \.ipVersion, \.caFile, \.username,
                        \.passwordFile, \.bearerTokenFile, \.proxy] where out[keyPath: keyPath]?.isEmpty == true {
            out[keyPath: keyPath] = nil
        }
        return out
    }

    /// Headers whose value is a secret in all but name: shown as `***`.
    static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"]

    /// These settings as they may be shown (`tidings status`, `--json`,
    /// `export`): secret-bearing header values, the cookie's values and a
    /// proxy's password replaced by `***`; file paths are not secrets.
    public var redacted: FeedRequestSettings {
        var out = self
        out.headers = headers?.map { header in
            guard let colon = header.firstIndex(of: ":") else { return header }
            let name = header[..<colon].trimmingCharacters(in: .whitespaces)
            return Self.secretHeaders.contains(name.lowercased()) ? "\(name): ***" : header
        }
        out.cookie = cookie.map { text in
            text.split(separator: ";").map { pair in
                let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return name.trimmingCharacters(in: .whitespaces) + "=***"
            }.joined(separator: "; ")
        }
        out.proxy = proxy.map(Self.redactingUserInfo)
        return out
    }

    /// `scheme://user:secret@host` → `scheme://user:***@host`.
    public static func redactingUserInfo(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@"),
              let colon = rest[..<at].firstIndex(of: ":") else { return url }
        var out = url
        out.replaceSubrange(rest.index(after: colon)..<at, with: "***")
        return out
    }

    public var json: String? {
        guard !isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) }
    }

    public init?(json: String?) {
        guard let json, let value = try? JSONDecoder().decode(FeedRequestSettings.self, from: Data(json.utf8)) else { return nil }
        self = value
    }
}
