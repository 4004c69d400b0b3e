import Foundation
import Testing
import TidingsModel
@testable import TidingsParsing

/// One row per date form seen in feeds: the text and the UTC instant it
/// means (checked by hand, not produced by the parser), or nil when the
/// text is not a date and must not become one.
@Suite struct DateParserTests {
    static let table: [(String, String?)] = [
        // RFC 822 / 1123 and their variants
        ("Sun, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"),
        ("Sun, 6 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"),
        ("06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"),
        ("Sun, 06 Nov 94 08:49:37 GMT", "1994-11-06T08:49:37Z"),
        ("Sun, 06 Nov 1994 08:49 GMT", "1994-11-06T08:49:00Z"),
        ("Sun, 06 Nov 1994 08:49:37 +0000", "1994-11-06T08:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 +0200", "1994-11-06T06:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 -0500", "1994-11-06T13:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 -05:00", "1994-11-06T13:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 EST", "1994-11-06T13:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 EDT", "1994-11-06T12:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 CST", "1994-11-06T14:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 PDT", "1994-11-06T15:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 UT", "1994-11-06T08:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 UTC", "1994-11-06T08:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 Z", "1994-11-06T08:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 A", "1994-11-06T09:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37 N", "1994-11-06T07:49:37Z"),
        ("Sun, 06 Nov 1994 08:49:37", "1994-11-06T08:49:37Z"),
        ("Mon, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"),  // wrong weekday
        ("Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z"),   // RFC 850
        ("Sun, 06-Nov-1994 08:49:37 GMT", "1994-11-06T08:49:37Z"),
        ("sun, 06 nov 1994 08:49:37 gmt", "1994-11-06T08:49:37Z"),
        ("SUN, 06 NOV 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"),
        ("Sun, 06 November 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"),
        ("Tue, 10 Jun 2003 09:41:01 GMT+7", "2003-06-10T02:41:01Z"),
        ("Tue, 10 Jun 2003 09:41:01 GMT-07:00", "2003-06-10T16:41:01Z"),
        ("Tue, 10 Jun 2003 09:41:01 UTC+05:30", "2003-06-10T04:11:01Z"),
        ("Tue, 10 Jun 2003 09:41:01 +07", "2003-06-10T02:41:01Z"),
        ("Tue,10 Jun 2003 09:41:01 GMT", "2003-06-10T09:41:01Z"),
        ("Tue, 10 Jun 2003 9:41:01 GMT", "2003-06-10T09:41:01Z"),
        ("10 Jun 2003", "2003-06-10T00:00:00Z"),
        ("Jun 10, 2003", "2003-06-10T00:00:00Z"),
        ("June 10, 2003 9:41 pm", "2003-06-10T21:41:00Z"),
        ("June 10, 2003 12:05 am", "2003-06-10T00:05:00Z"),
        ("Tue, 10 Jun 2003 09:41:01.123 GMT", "2003-06-10T09:41:01Z"),
        ("Thu, 01 Jan 2004 00:00:00 CET", "2003-12-31T23:00:00Z"),
        ("Sat, 29 Feb 2004 12:00:00 GMT", "2004-02-29T12:00:00Z"),
        ("Sun, 06 Nov 1994 24:00:00 GMT", "1994-11-07T00:00:00Z"),
        ("Fri, 31 Dec 1999 23:59:60 GMT", "2000-01-01T00:00:00Z"),
        // asctime
        ("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z"),
        ("Sun Nov 6 08:49:37 1994", "1994-11-06T08:49:37Z"),
        ("Sun Nov  6 08:49:37 GMT 1994", "1994-11-06T08:49:37Z"),
        // ISO 8601 / RFC 3339 / W3CDTF
        ("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z"),
        ("2003-12-31T10:14:55z", "2003-12-31T10:14:55Z"),
        ("2003-12-31t10:14:55Z", "2003-12-31T10:14:55Z"),
        ("2003-12-31T10:14:55+01:00", "2003-12-31T09:14:55Z"),
        ("2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z"),
        ("2003-12-31T10:14:55+0100", "2003-12-31T09:14:55Z"),
        ("2003-12-31T10:14:55+01", "2003-12-31T09:14:55Z"),
        ("2003-12-31T10:14:55.25Z", "2003-12-31T10:14:55Z"),
        ("2003-12-31T10:14:55,5Z", "2003-12-31T10:14:55Z"),
        ("2003-12-31T10:14:55.123456789+05:30", "2003-12-31T04:44:55Z"),
        ("2003-12-31T10:14:55", "2003-12-31T10:14:55Z"),
        ("2003-12-31T10:14Z", "2003-12-31T10:14:00Z"),
        ("2003-12-31T10:14", "2003-12-31T10:14:00Z"),
        ("2003-12-31 10:14:55", "2003-12-31T10:14:55Z"),
        ("2003-12-31 10:14:55 +0200", "2003-12-31T08:14:55Z"),
        ("2003-12-31 10:14:55Z", "2003-12-31T10:14:55Z"),
        ("2003-12-31T10:14:55 EST", "2003-12-31T15:14:55Z"),
        ("2003-12-31", "2003-12-31T00:00:00Z"),
        ("2003-12", "2003-12-01T00:00:00Z"),
        ("2003", "2003-01-01T00:00:00Z"),
        ("20031231T101455Z", "2003-12-31T10:14:55Z"),
        ("20031231", "2003-12-31T00:00:00Z"),
        ("  2003-12-31T10:14:55Z\n", "2003-12-31T10:14:55Z"),
        ("2004-02-29T00:00:00Z", "2004-02-29T00:00:00Z"),
        ("2000-02-29", "2000-02-29T00:00:00Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("2038-01-19T03:14:08Z", "2038-01-19T03:14:08Z"),
        ("2099-12-31T23:59:59Z", "2099-12-31T23:59:59Z"),
        // numeric day-first and month-first forms
        ("2003/12/31 10:14:55", "2003-12-31T10:14:55Z"),
        ("2003/12/31", "2003-12-31T00:00:00Z"),
        ("31/12/2003", "2003-12-31T00:00:00Z"),
        ("12/31/2003", "2003-12-31T00:00:00Z"),
        ("31.12.2003 10:14", "2003-12-31T10:14:00Z"),
        // not dates: never "now", never a guess
        ("", nil),
        ("not a date", nil),
        ("yesterday", nil),
        ("2003-13-01", nil),
        ("2003-02-30", nil),
        ("2003-02-29", nil),
        ("2003-12-31T25:00:00Z", nil),
        ("2003-12-31T10:61:00Z", nil),
        ("Sun, 32 Nov 1994 08:49:37 GMT", nil),
        ("Sun, 06 Foo 1994 08:49:37 GMT", nil),
        ("13:00", nil),
        ("12345678901234567890", nil),
        (String(repeating: "9", count: 5000), nil),
    ]

    /// Rows built from small tables whose meaning is plain: every month
    /// name, every military and US zone letter, two-digit year pivots.
    static let generated: [(String, String?)] = {
        var rows: [(String, String?)] = []
        let full = ["January", "February", "March", "April", "May", "June", "July", "August",
                    "September", "October", "November", "December"]
        for (i, name) in full.enumerated() {
            let mm = i < 9 ? "0\(i + 1)" : "\(i + 1)"
            rows.append(("Wed, 07 \(name.prefix(3)) 2004 12:00:00 GMT", "2004-\(mm)-07T12:00:00Z"))
            rows.append(("7 \(name) 2004 12:00 +0000", "2004-\(mm)-07T12:00:00Z"))
            rows.append(("\(name.lowercased()) 7, 2004", "2004-\(mm)-07T00:00:00Z"))
        }
        // RFC 822 military zones: A-I are -1..-9 hours, K-M -10..-12, N-Y +1..+12.
        let military: [(String, Int)] = [("B", -2), ("C", -3), ("D", -4), ("E", -5), ("F", -6), ("G", -7), ("H", -8),
                                         ("I", -9), ("K", -10), ("L", -11), ("M", -12), ("O", 2), ("P", 3), ("Q", 4),
                                         ("R", 5), ("S", 6), ("T", 7), ("U", 8), ("V", 9), ("W", 10), ("X", 11), ("Y", 12)]
        for (letter, hours) in military {
            let utc = 12 - hours
            let day = utc >= 24 ? 2 : 1
            let hh = (utc + 24) % 24
            rows.append(("Thu, 01 Jan 2004 12:00:00 \(letter)", "2004-01-0\(day)T\(hh < 10 ? "0" : "")\(hh):00:00Z"))
        }
        let us: [(String, Int)] = [("EST", 5), ("EDT", 4), ("CST", 6), ("CDT", 5), ("MST", 7), ("MDT", 6), ("PST", 8), ("PDT", 7)]
        for (zone, behind) in us {
            rows.append(("Thu, 01 Jan 2004 10:00:00 \(zone)", "2004-01-01T\(10 + behind < 10 ? "0" : "")\(10 + behind):00:00Z"))
        }
        for (yy, yyyy) in [("00", "2000"), ("04", "2004"), ("49", "2049"), ("50", "1950"), ("69", "1969"), ("99", "1999")] {
            rows.append(("Thu, 01 Jan \(yy) 10:00:00 GMT", "\(yyyy)-01-01T10:00:00Z"))
        }
        for (offset, utc) in [("+0530", "04:30"), ("-0930", "19:30"), ("+1400", "20:00"), ("-1200", "22:00"), ("+0000", "10:00")] {
            let day = utc == "20:00" ? "2003-12-31" : (utc == "19:30" || utc == "22:00" ? "2004-01-01" : "2004-01-01")
            rows.append(("2004-01-01T10:00:00\(offset)", "\(day)T\(utc):00Z"))
        }
        return rows
    }()

    @Test func tableCoversAtLeast150Forms() {
        #expect(Self.table.count + Self.generated.count >= 150)
    }

    @Test(arguments: generated)
    func generatedRow(text: String, expected: String?) {
        #expect(DateParser.parse(text).map(Timestamp.format) == expected, "\(text.debugDescription)")
    }

    @Test(arguments: table)
    func row(text: String, expected: String?) {
        let parsed = DateParser.parse(text).map(Timestamp.format)
        #expect(parsed == expected, "\(text.debugDescription)")
    }
}
