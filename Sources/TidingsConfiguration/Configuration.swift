import Foundation

/// Everything the daemon can be told, as one value with its defaults here.
public struct Configuration: Sendable, Codable, Hashable {
    public var stateDirectory = "./state"
    public var outputDirectory = "./out"
    /// A PostgreSQL connection URI: the state lives there, shared by every
    /// node that names it (`docs/cluster.md`); nil: SQLite in the state
    /// directory. May hold a password: print `redacted()`, never this.
    public var stateURL: String?
    /// A file holding the PostgreSQL password (a systemd credential).
    public var statePasswordFile: String?
    /// This node's name among those sharing a state: the host name unless set.
    public var nodeName: String?
    /// How long a node holds the feeds it claimed; it renews them while it
    /// polls, and another node takes them over when it stops renewing.
    public var leaseSeconds: Double = 300
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
    /// A feed's first document, and the first after a gap since its last
    /// poll longer than this, is its backlog: journaled as such, and given
    /// to hooks only when `hooksOnBacklog`.
    public var backlogGapSeconds: Double = 7 * 24 * 3600
    public var hooksOnBacklog = false
    /// During a network outage, the feeds are tried again this often (and
    /// at once when a default route comes back).
    public var outageRetrySeconds: Double = 30
    /// Prometheus text exposition written here after each round (for
    /// node_exporter's textfile collector); nil: none.
    public var metricsFile: String?
    /// Keep and drop rules on items (`FeedRule`), in order.
    public var rules: [FeedRule] = []
    public var fetch = FetchPolicy()

    public init() {}

    /// This configuration as it may be shown (`--print-config`, logs): a
    /// password in `state_url` replaced by `***`.
    public func redacted() -> Configuration {
        var copy = self
        copy.stateURL = stateURL.map(Self.redactingPassword)
        copy.fetch.proxy = fetch.proxy.map(Self.redactingPassword)
        return copy
    }

    /// `postgresql://user:secret@host/db` → `postgresql://user:***@host/db`;
    /// a `password=` keyword or query parameter likewise.
    public static func redactingPassword(in url: String) -> String {
        var text = url
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
           let colon = text[scheme.upperBound..<at].firstIndex(of: ":") {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
        var out = ""
        var rest = Substring(text)
        while let r = rest.range(of: "password=", options: .caseInsensitive) {
            out += rest[..<r.upperBound] + "***"
            rest = rest[r.upperBound...]
            let end = rest.firstIndex { $0 == "&" || $0 == " " } ?? rest.endIndex
            rest = rest[end...]
        }
        return out + rest
    }

    /// What the state's engine connects with: `state_url` with the
    /// password of `state_password_file` (a file's first line) added as a
    /// URI parameter; nil for SQLite. Holds the secret: never printed.
    public func stateConnection() throws(PasswordFileError) -> String? {
        guard let stateURL else { return nil }
        guard let file = statePasswordFile else { return stateURL }
        guard let data = FileManager.default.contents(atPath: file) else { throw PasswordFileError(path: file) }
        let password = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = password.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return stateURL + (stateURL.contains("?") ? "&" : "?") + "password=" + encoded
    }

    public struct PasswordFileError: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "cannot read state_password_file \(path)" }
    }

    /// The host name, or what `node_name` says.
    public var effectiveNodeName: String {
        if let nodeName, !nodeName.isEmpty { return nodeName }
        return ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "tidings"
    }
}
