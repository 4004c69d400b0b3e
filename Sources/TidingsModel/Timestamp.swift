import Foundation

/// RFC 3339 timestamps in UTC with whole seconds, the only date form the
/// article files use. Formatting by hand keeps it locale-proof and fast.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
            return "\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
        }
        // The usual case, written digit by digit: this runs for every date of every item.
        return String(unsafeUninitializedCapacity: 20) { out in
            var i = 0
            func put(_ value: Int, digits: Int) {
                var v = value
                for k in stride(from: digits - 1, through: 0, by: -1) {
                    out[i + k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                i += digits
            }
            func put(_ c: Unicode.Scalar) {
                out[i] = UInt8(ascii: c)
                i += 1
            }
            put(year, digits: 4); put("-"); put(Int(parts.tm_mon) + 1, digits: 2); put("-"); put(Int(parts.tm_mday), digits: 2)
            put("T"); put(Int(parts.tm_hour), digits: 2); put(":"); put(Int(parts.tm_min), digits: 2); put(":")
            put(Int(parts.tm_sec), digits: 2); put("Z")
            return i
        }
    }

    /// Reads back what `format` writes (and any `Z` RFC 3339 time with fractions).
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        if isUTCShaped(bytes) { return parseUTC(bytes) }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (already known to have that shape;
    /// an impossible day is nil, not the next month), counted on the proleptic Gregorian
    /// calendar as `gmtime` counts when `format` writes it. (Foundation's
    /// calendar switches to Julian before 1582, so a year-100 date written
    /// here would read back two days off.)
    private static func parseUTC(_ b: [UInt8]) -> Date? {
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                let digit = b[i] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                v = v * 10 + Int(digit)
            }
            return v
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if b.count > 20 {
            guard b[19] == UInt8(ascii: "."), b.count > 21, let digits = number(20..<(b.count - 1)) else { return nil }
            fraction = Double(digits) / pow(10, Double(b.count - 21))
        }
        let seconds = CivilCalendar.daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func isUTCShaped(_ b: [UInt8]) -> Bool {
        b.count >= 20 && b.last == UInt8(ascii: "Z") && b[4] == UInt8(ascii: "-") && b[7] == UInt8(ascii: "-")
            && (b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t")) && b[13] == UInt8(ascii: ":") && b[16] == UInt8(ascii: ":")
    }
}
