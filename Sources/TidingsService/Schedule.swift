import Foundation
import TidingsModel
import TidingsParsing
import TidingsConfiguration

/// When a healthy feed is polled next: the interval comes from the first
/// of these that says something, in this order:
///
/// 1. the operator's interval for this feed (`tidings set --interval`);
/// 2. `Cache-Control: max-age` (or `s-maxage`), else `Expires`, of the
///    last response;
/// 3. the feed's own hint: RSS `ttl`, else `sy:updatePeriod` /
///    `sy:updateFrequency`;
/// 4. how often the feed publishes: half the median gap between its ten
///    newest dated items (at least three dated items);
/// 5. the configured `poll_interval_seconds`.
///
/// What a publisher says (2 to 4) is clamped to `minimum_interval_seconds`
/// and `maximum_interval_seconds` (15 minutes and a day by default; the
/// minimum is never below 5 minutes): an hourly `ttl` is honoured, a
/// `max-age=5` is not. The operator's own values (1 and 5) are taken as
/// they are. `Retry-After` on a 429 or 503 is the poller's (back-off).
/// Every interval is then jittered by ±10%, so that feeds added together
/// drift apart instead of being polled in bursts.
public struct Schedule: Sendable {
    public enum Source: String, Sendable {
        case operatorSetting = "operator"
        case cacheControl = "cache-control"
        case expires
        case ttl
        case syndication = "sy:updatePeriod"
        case cadence = "publishing cadence"
        case configured = "poll_interval_seconds"
    }

    public struct Decision: Sendable, Hashable {
        public var seconds: Double
        public var source: Source
    }

    public var configuredInterval: Double
    public var bounds: ClosedRange<Double>

    public init(configuration: Configuration) {
        configuredInterval = configuration.pollIntervalSeconds
        let low = configuration.minimumIntervalSeconds
        bounds = low...max(low, configuration.maximumIntervalSeconds)
    }

    public init(configuredInterval: Double, bounds: ClosedRange<Double>) {
        self.configuredInterval = configuredInterval
        self.bounds = bounds
    }

    /// The interval before jitter, and where it came from.
    public func interval(operatorSetting: Double?, cacheControl: String?, expires: String?,
                         hint: FeedDocument.UpdateHint?, publishedDates: [Date], now: Date) -> Decision {
        if let seconds = operatorSetting { return Decision(seconds: seconds, source: .operatorSetting) }
        if let age = Self.maxAge(cacheControl) { return clamped(age, .cacheControl) }
        if let expires, let date = DateParser.parse(expires) {
            return clamped(date.timeIntervalSince(now), .expires)
        }
        if let hint { return clamped(hint.seconds, hint.source == "ttl" ? .ttl : .syndication) }
        if let gap = Self.halfMedianGap(publishedDates) { return clamped(gap, .cadence) }
        return Decision(seconds: configuredInterval, source: .configured)
    }

    /// The delay until the next poll: the interval, ±10% at random.
    public static func jittered(_ seconds: Double, using random: inout some RandomNumberGenerator) -> Double {
        seconds * Double.random(in: 0.9...1.1, using: &random)
    }

    private func clamped(_ seconds: Double, _ source: Source) -> Decision {
        Decision(seconds: min(max(seconds, bounds.lowerBound), bounds.upperBound), source: source)
    }

    /// `max-age` or `s-maxage` in seconds; nil for none, or when the
    /// response forbids caching (`no-cache`, `no-store`), which says
    /// nothing about how often it changes.
    static func maxAge(_ header: String?) -> Double? {
        guard let header = header?.lowercased() else { return nil }
        var age: Double?
        for directive in header.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            switch parts[0] {
            case "no-cache", "no-store": return nil
            case "max-age", "s-maxage":
                if parts.count == 2, let n = Double(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))),
                   n.isFinite, n >= 0 { age = max(age ?? 0, n) }
            default: continue
            }
        }
        return age
    }

    /// Half the median gap between the ten newest dates.
    static func halfMedianGap(_ dates: [Date]) -> Double? {
        let newest = dates.sorted(by: >).prefix(10)
        guard newest.count >= 3 else { return nil }
        let gaps = zip(newest, newest.dropFirst()).map { $0.timeIntervalSince($1) }.sorted()
        let middle = gaps.count / 2
        let median = gaps.count % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2
        return median > 0 ? median / 2 : nil
    }
}
