import Foundation
import TidingsModel

/// Reads the dates feeds actually contain. Two recognisers share one set of
/// tables: a strict scanner for ISO 8601 / RFC 3339 / W3CDTF, and a token
/// reader for RFC 822 / 1123 / 850, asctime and their wild variants (no
/// weekday or a wrong one, two-digit years, no seconds, named US and
/// military zones, `GMT+7`). What neither understands is nil: never "now",
/// and a bad date never costs the item.
public enum DateParser {
    public static func parse(_ raw: String) -> Date? {
        let s = raw.trimmedOfASCIISpace
        guard !s.isEmpty, s.utf8.count < 100 else { return nil }
        if let d = RFC822FastPath.parse(s) { return d }
        if let d = ISODateScanner.parse(s) { return d }
        return TokenDateReader.parse(s)
    }

    /// Seconds since 1970 for a civil UTC date and time, validated. `offset`
    /// is the zone's distance east of UTC in seconds.
    static func make(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0,
                     second: Int = 0, fraction: Double = 0, offset: Int = 0) -> Date? {
        guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year),
              (0...24).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              hour < 24 || (minute == 0 && second == 0),
              (1...9999).contains(year) else { return nil }
        let days = CivilCalendar.daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }

    /// Two-digit years as RFC 2822 reads them: 00-49 are 20xx, 50-99 are 19xx.
    static func expandYear(_ y: Int, digits: Int) -> Int {
        guard digits <= 2 else { return y }
        return y < 50 ? 2000 + y : 1900 + y
    }
}
