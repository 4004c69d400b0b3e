import Foundation

/// Reads the dates feeds actually contain. Two recognisers share one set of
/// tables: a strict scanner for ISO 8601 / RFC 3339 / W3CDTF, and a token
/// reader for RFC 822 / 1123 / 850, asctime and their wild variants (no
/// weekday or a wrong one, two-digit years, no seconds, named US and
/// military zones, `GMT+7`). What neither understands is nil: never "now",
/// and a bad date never costs the item.
public enum DateParser {
    public static func parse(_ raw: String) -> Date? {
        let s = raw.trimmed
        guard !s.isEmpty, s.utf8.count < 100 else { return nil }
        if let d = RFC822FastPath.parse(s) { return d }
        if let d = ISODateScanner.parse(s) { return d }
        return TokenDateReader.parse(s)
    }

    /// Seconds since 1970 for a civil UTC date and time, validated. `offset`
    /// is the zone's distance east of UTC in seconds.
    static func make(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0,
                     second: Int = 0, fraction: Double = 0, offset: Int = 0) -> Date? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              (0...24).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              hour < 24 || (minute == 0 && second == 0),
              (1...9999).contains(year) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's days_from_civil: proleptic Gregorian, no calendar object.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Two-digit years as RFC 2822 reads them: 00-49 are 20xx, 50-99 are 19xx.
    static func expandYear(_ y: Int, digits: Int) -> Int {
        guard digits <= 2 else { return y }
        return y < 50 ? 2000 + y : 1900 + y
    }
}
