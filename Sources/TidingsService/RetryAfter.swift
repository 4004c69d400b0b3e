import Foundation
import TidingsParsing

/// `Retry-After` (RFC 9110 10.2.3): delay-seconds or an HTTP-date.
enum RetryAfter {
    static func delay(_ header: String?, now: Date) -> TimeInterval? {
        guard let value = header?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value), seconds >= 0 { return TimeInterval(seconds) }
        guard let date = DateParser.parse(value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
