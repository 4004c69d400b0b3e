import Foundation
import Yams

/// The configuration file: YAML (read by Yams) with snake_case keys and
/// comments; JSON is YAML too, so a JSON file reads as well. Every key is
/// optional, with defaults from `Configuration()`. Every mistake in a file
/// is reported at once, each with its key: an unknown key (a typo is not
/// ignored), a value of the wrong type, a number out of range.
///
/// Why YAML through Yams rather than TOML through TOMLKit: TOMLKit 0.6.0
/// depends on karwa/swift-checkit, which the package mirror here does not
/// carry, so it cannot resolve (tried 2026-11-29).
extension Configuration {
    public struct FileError: Error, CustomStringConvertible {
        public let description: String
        /// Each mistake, one per line of `description` after the file name.
        public let problems: [String]

        init(_ path: String, _ problems: [String]) {
            self.problems = problems
            description = problems.count == 1 ? "\(path): \(problems[0])"
                : "\(path): \(problems.count) mistakes:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    /// Where both executables look for the configuration when none is
    /// named: `$TIDINGS_CONFIG`, else `/etc/tidings/tidings.yaml` (the
    /// unit's ConfigurationDirectory), else `/etc/tidings/tidings.json`.
    /// Nil when there is no such file.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let candidates = environment["TIDINGS_CONFIG"].map { [$0] } ?? ["/etc/tidings/tidings.yaml", "/etc/tidings/tidings.json"]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// `TIDINGS_STATE_DIR`, `TIDINGS_OUTPUT_DIR`, `TIDINGS_STATE_URL`,
    /// `TIDINGS_NODE_NAME` and `TIDINGS_USER_AGENT`
    /// over this configuration: the one place their precedence (over the
    /// file, under the flags) is written down, for both executables.
    public func applyingEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Configuration {
        var config = self
        if let directory = environment["TIDINGS_STATE_DIR"] { config.stateDirectory = directory }
        if let directory = environment["TIDINGS_OUTPUT_DIR"] { config.outputDirectory = directory }
        if let url = environment["TIDINGS_STATE_URL"], !url.isEmpty { config.stateURL = url }
        if let name = environment["TIDINGS_NODE_NAME"], !name.isEmpty { config.nodeName = name }
        if let agent = environment["TIDINGS_USER_AGENT"] { config.fetch.userAgent = agent }
        return config
    }

    /// What the CLI takes its defaults from: the default file if it reads,
    /// with the environment over it. The CLI only looks up directories
    /// here; `tidingsd --check-config` is where a broken file is reported.
    public static func forLookups() -> Configuration {
        let file = defaultPath().flatMap { try? load($0) } ?? Configuration()
        return file.applyingEnvironment()
    }

    /// The shortest poll interval an operator may set (a feed's or
    /// `poll_interval_seconds`): publishers are owed that much. Not
    /// `minimumIntervalSeconds`, the floor under what a publisher asks for.
    /// Tests pass `allowShortIntervals`.
    public static let shortestPollIntervalSeconds: Double = 60

    /// However often a publisher asks to be polled, never more than this.
    public static let publisherFloorSeconds: Double = 300

    public static func load(_ path: String, allowShortIntervals: Bool = false) throws(FileError) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path, ["cannot read the file"])
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw FileError(path, ["not valid YAML: \(error)"])
        }
        // An empty file (or one of comments only) is the defaults.
        guard let object = loaded.map({ $0 as? [String: Any] }) ?? [:] else {
            throw FileError(path, ["not a mapping of keys to values"])
        }
        var reader = Reader()
        var config = Configuration()
        reader.apply(object, to: &config)
        reader.problems += config.problems(allowShortIntervals: allowShortIntervals)
        guard reader.problems.isEmpty else { throw FileError(path, reader.problems) }
        return config
    }

    /// Values out of range, by key; empty when the configuration is usable.
    public func problems(allowShortIntervals: Bool = false) -> [String] {
        var out: [String] = []
        let floor = allowShortIntervals ? 0.001 : Self.shortestPollIntervalSeconds
        func atLeast(_ value: Double, _ minimum: Double, _ key: String) {
            if value < minimum { out.append("\(key) must be at least \(minimum.formatted), not \(value.formatted)") }
        }
        atLeast(pollIntervalSeconds, floor, "poll_interval_seconds")
        atLeast(maximumBackoffSeconds, pollIntervalSeconds, "maximum_backoff_seconds")
        atLeast(minimumIntervalSeconds, allowShortIntervals ? 0.001 : Self.publisherFloorSeconds, "minimum_interval_seconds")
        atLeast(maximumIntervalSeconds, minimumIntervalSeconds, "maximum_interval_seconds")
        atLeast(Double(maximumDocumentBytes), 1024, "maximum_document_bytes")
        atLeast(Double(moveConfirmations), 1, "move_confirmations")
        atLeast(maximumRetryAfterSeconds, 1, "maximum_retry_after_seconds")
        atLeast(storageRetrySeconds, allowShortIntervals ? 0.001 : 1, "storage_retry_seconds")
        atLeast(retentionMaximumAgeSeconds, 0, "retention_maximum_age_seconds")
        atLeast(Double(journalRetentionDays), 0, "journal_retention_days")
        atLeast(hookTimeoutSeconds, allowShortIntervals ? 0.001 : 1, "hook_timeout_seconds")
        atLeast(Double(hookConcurrency), 1, "hook_concurrency")
        atLeast(Double(hookMaximumAttempts), 1, "hook_maximum_attempts")
        atLeast(hookRetrySeconds, allowShortIntervals ? 0.001 : 1, "hook_retry_seconds")
        atLeast(backlogGapSeconds, 0, "backlog_gap_seconds")
        atLeast(outageRetrySeconds, allowShortIntervals ? 0.001 : 1, "outage_retry_seconds")
        if onArticle.first?.isEmpty == true { out.append("on_article must name a program") }
        atLeast(Double(fetch.connectTimeoutSeconds), 1, "fetch.connect_timeout_seconds")
        atLeast(Double(fetch.totalTimeoutSeconds), 1, "fetch.total_timeout_seconds")
        atLeast(Double(fetch.maximumBodyBytes), 1024, "fetch.maximum_body_bytes")
        atLeast(Double(fetch.maximumConcurrentTransfers), 1, "fetch.maximum_concurrent_transfers")
        atLeast(Double(fetch.maximumTransfersPerHost), 1, "fetch.maximum_transfers_per_host")
        if stateDirectory.isEmpty { out.append("state_directory must not be empty") }
        if outputDirectory.isEmpty { out.append("output_directory must not be empty") }
        if let stateURL, !(stateURL.hasPrefix("postgresql://") || stateURL.hasPrefix("postgres://")) {
            out.append("state_url must be a PostgreSQL connection URI (postgresql://…), not \(Self.redactingPassword(in: stateURL))")
        }
        if leaseSeconds < 2 { out.append("lease_seconds must be at least 2") }
        if let proxy = fetch.proxy, !proxy.isEmpty, !FetchPolicy.isProxyURL(proxy) {
            out.append("fetch.proxy must be a proxy URL (http://, https://, socks5://, socks5h://, socks4://, socks4a://), "
                       + "not \(Self.redactingPassword(in: proxy))")
        }
        return out
    }

    /// Reads keys into a configuration, collecting every problem instead of
    /// stopping at the first.
    private struct Reader {
        var problems: [String] = []

        mutating func apply(_ object: [String: Any], to config: inout Configuration) {
            for key in object.keys.sorted() {
                let value = object[key]!
                switch key {
                case "state_directory": string(value, key).map { config.stateDirectory = $0 }
                case "output_directory": string(value, key).map { config.outputDirectory = $0 }
                case "state_url": string(value, key).map { config.stateURL = $0 }
                case "state_password_file": string(value, key).map { config.statePasswordFile = $0 }
                case "node_name": string(value, key).map { config.nodeName = $0 }
                case "lease_seconds": number(value, key).map { config.leaseSeconds = $0 }
                case "poll_interval_seconds": number(value, key).map { config.pollIntervalSeconds = $0 }
                case "maximum_backoff_seconds": number(value, key).map { config.maximumBackoffSeconds = $0 }
                case "minimum_interval_seconds": number(value, key).map { config.minimumIntervalSeconds = $0 }
                case "maximum_interval_seconds": number(value, key).map { config.maximumIntervalSeconds = $0 }
                case "maximum_document_bytes": integer(value, key).map { config.maximumDocumentBytes = $0 }
                case "move_confirmations": integer(value, key).map { config.moveConfirmations = $0 }
                case "move_minimum_span_seconds": number(value, key).map { config.moveMinimumSpanSeconds = $0 }
                case "maximum_retry_after_seconds": number(value, key).map { config.maximumRetryAfterSeconds = $0 }
                case "storage_retry_seconds": number(value, key).map { config.storageRetrySeconds = $0 }
                case "retention_maximum_age_seconds": number(value, key).map { config.retentionMaximumAgeSeconds = $0 }
                case "retention_maximum_per_feed": integer(value, key).map { config.retentionMaximumPerFeed = $0 }
                case "merged_feed_items": integer(value, key).map { config.mergedFeedItems = $0 }
                case "journal_retention_days": integer(value, key).map { config.journalRetentionDays = $0 }
                case "on_article": command(value, key).map { config.onArticle = $0 }
                case "hook_timeout_seconds": number(value, key).map { config.hookTimeoutSeconds = $0 }
                case "hook_concurrency": integer(value, key).map { config.hookConcurrency = $0 }
                case "hook_maximum_attempts": integer(value, key).map { config.hookMaximumAttempts = $0 }
                case "hook_retry_seconds": number(value, key).map { config.hookRetrySeconds = $0 }
                case "backlog_gap_seconds": number(value, key).map { config.backlogGapSeconds = $0 }
                case "hooks_on_backlog": boolean(value, key).map { config.hooksOnBacklog = $0 }
                case "rules": rules(value).map { config.rules = $0 }
                case "outage_retry_seconds": number(value, key).map { config.outageRetrySeconds = $0 }
                case "metrics_file": string(value, key).map { config.metricsFile = $0.isEmpty ? nil : $0 }
                case "fetch":
                    guard let fetch = value as? [String: Any] else {
                        problems.append("fetch must be a mapping of keys to values")
                        continue
                    }
                    apply(fetch, to: &config.fetch)
                default:
                    problems.append("unknown key \(key)")
                }
            }
        }

        mutating func apply(_ object: [String: Any], to p: inout FetchPolicy) {
            for key in object.keys.sorted() {
                let value = object[key]!
                let name = "fetch." + key
                switch key {
                case "connect_timeout_seconds": integer(value, name).map { p.connectTimeoutSeconds = $0 }
                case "total_timeout_seconds": integer(value, name).map { p.totalTimeoutSeconds = $0 }
                case "low_speed_bytes_per_second": integer(value, name).map { p.lowSpeedBytesPerSecond = $0 }
                case "low_speed_seconds": integer(value, name).map { p.lowSpeedSeconds = $0 }
                case "maximum_body_bytes": integer(value, name).map { p.maximumBodyBytes = $0 }
                case "maximum_redirects": integer(value, name).map { p.maximumRedirects = $0 }
                case "maximum_concurrent_transfers": integer(value, name).map { p.maximumConcurrentTransfers = $0 }
                case "maximum_transfers_per_host": integer(value, name).map { p.maximumTransfersPerHost = $0 }
                case "user_agent": string(value, name).map { p.userAgent = $0 }
                case "refuse_private_addresses": boolean(value, name).map { p.refusePrivateAddresses = $0 }
                case "allow_link_local_addresses": boolean(value, name).map { p.allowLinkLocalAddresses = $0 }
                case "proxy": string(value, name).map { p.proxy = $0 }
                default: problems.append("unknown key \(name)")
                }
            }
        }

        /// `rules:` a list of mappings, each with `keep:` or `drop:` (the
        /// expression) and optional `field`, `case_sensitive`, `feeds`,
        /// `categories`. An invalid expression is refused with where it is.
        mutating func rules(_ v: Any) -> [FeedRule]? {
            guard let list = v as? [Any] else {
                problems.append("rules must be a list of rules (each with keep: or drop:)")
                return nil
            }
            var out: [FeedRule] = []
            for (i, item) in list.enumerated() {
                let name = "rules[\(i + 1)]"
                guard let object = item as? [String: Any] else {
                    problems.append("\(name) must be a mapping with keep: or drop:")
                    continue
                }
                let actions = [FeedRule.Action.keep, .drop].filter { object[$0.rawValue] != nil }
                guard actions.count == 1, let action = actions.first,
                      let pattern = string(object[action.rawValue]!, "\(name).\(action.rawValue)") else {
                    if actions.count != 1 { problems.append("\(name) needs one of keep: or drop:") }
                    continue
                }
                var rule = FeedRule(action: action, pattern: pattern)
                for key in object.keys.sorted() where key != action.rawValue {
                    let value = object[key]!
                    switch key {
                    case "field":
                        guard let text = value as? String, let field = FeedRule.Field(rawValue: text) else {
                            problems.append("\(name).field must be one of "
                                            + FeedRule.Field.allCases.map(\.rawValue).joined(separator: ", "))
                            continue
                        }
                        rule.field = field
                    case "case_sensitive": boolean(value, "\(name).case_sensitive").map { rule.caseSensitive = $0 }
                    case "feeds": strings(value, "\(name).feeds").map { rule.feeds = $0 }
                    case "categories": strings(value, "\(name).categories").map { rule.categories = $0 }
                    default: problems.append("unknown key \(name).\(key)")
                    }
                }
                if case .failure(let error) = rule.compiled() {
                    problems.append("\(name).\(action.rawValue) \"\(pattern)\" is \(error)")
                }
                out.append(rule)
            }
            return out
        }

        mutating func strings(_ v: Any, _ key: String) -> [String]? {
            if let s = v as? String { return [s] }
            if let list = v as? [Any], let strings = list as? [String] { return strings }
            problems.append("\(key) must be a string or a list of strings")
            return nil
        }

        mutating func string(_ v: Any, _ key: String) -> String? {
            if let s = v as? String { return s }
            problems.append("\(key) must be a string")
            return nil
        }

        /// A number: Yams gives whole numbers as Int, others as Double;
        /// a boolean is not a number.
        mutating func number(_ v: Any, _ key: String) -> Double? {
            if !(v is Bool) {
                if let i = v as? Int { return Double(i) }
                if let d = v as? Double, d.isFinite { return d }
            }
            problems.append("\(key) must be a number")
            return nil
        }

        /// A whole, non-negative number that fits an Int: `1e300` or `2.5`
        /// is an error, not a crash or a silent truncation.
        mutating func integer(_ v: Any, _ key: String) -> Int? {
            guard let d = number(v, key) else { return nil }
            let maximum = Double(Int32.max) * 1024
            if d >= 0, d <= maximum, d.rounded() == d { return Int(d) }
            problems.append("\(key) must be a whole number from 0 to \(Int(maximum))")
            return nil
        }

        /// A program and its first arguments: a list of strings, or one
        /// string naming the program alone (never split: no shell here).
        mutating func command(_ v: Any, _ key: String) -> [String]? {
            if let s = v as? String { return s.isEmpty ? [] : [s] }
            if let list = v as? [Any], let strings = list as? [String] { return strings }
            problems.append("\(key) must be a program path or a list of strings")
            return nil
        }

        mutating func boolean(_ v: Any, _ key: String) -> Bool? {
            if let b = v as? Bool { return b }
            problems.append("\(key) must be true or false")
            return nil
        }
    }
}

private extension Double {
    /// 60 rather than 60.0 in messages.
    var formatted: String { rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
