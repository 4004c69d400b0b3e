import Foundation

/// RFC 822 and everything feeds write that looks like it:
/// `Sun, 06 Nov 1994 08:49:37 GMT`, `6 Nov 94 08:49 EST`, `Sunday, 06-Nov-94
/// 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`, `nov 6 1994 8:49pm +0200`,
/// `Tue, 10 Jun 2003 09:41:01 GMT+7`, `2003/12/31 10:14:55`, `31.12.2003`.
/// Splits into tokens, classifies each by what it can only be, and then
/// checks that the pieces make one date.
enum TokenDateReader {
    private static let months: [String: Int] = {
        let names = [
            ["jan", "january", "janv", "jän", "jänner"], ["feb", "february", "febr", "fév", "févr"],
            ["mar", "march", "mär", "märz", "mars"], ["apr", "april", "avr"], ["may", "mai", "mei"],
            ["jun", "june", "juin"], ["jul", "july", "juil"], ["aug", "august", "août"],
            ["sep", "sept", "september"], ["oct", "october", "okt"], ["nov", "november"],
            ["dec", "december", "dez", "déc"],
        ]
        var t: [String: Int] = [:]
        for (i, list) in names.enumerated() { for n in list { t[n] = i + 1 } }
        return t
    }()

    private static let weekdays: Set<String> = [
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday",
    ]

    static func parse(_ s: String) -> Date? {
        var month: Int?
        var numbers: [(value: Int, digits: Int)] = []
        var time: (h: Int, m: Int, s: Int)?
        var offset: Int?
        var pm: Bool?
        var slashDate: (Int, Int, Int, Int)?  // a, b, c, digits of c

        for raw in tokens(s) {
            let token = raw.lowercased()
            if token.isEmpty { continue }
            if let m = months[token] ?? months[String(token.prefix(3))], month == nil,
               token.first?.isLetter == true, !weekdays.contains(token) {
                month = m
            } else if weekdays.contains(token) {
                continue
            } else if token == "am" || token == "a.m." { pm = false
            } else if token == "pm" || token == "p.m." { pm = true
            } else if time == nil, token.contains(":"), let t = parseTime(token) {
                time = (t.h, t.m, t.s)
                if let p = t.pm { pm = p }
                if let z = t.zone { offset = z }
            } else if slashDate == nil, token.contains("/") || token.filter({ $0 == "." }).count == 2,
                      let d = parseNumericDate(token) {
                slashDate = d
            } else if token.allSatisfy(\.isNumber), token.count <= 4, let v = Int(token) {
                numbers.append((v, token.count))
            } else if offset == nil, time != nil || numbers.count >= 2, let z = ZoneTable.offset(of: raw) {
                offset = z
            } else if offset == nil, (raw.first == "+" || raw.first == "-"), let z = ZoneTable.offset(of: raw) {
                offset = z
            } else if token == "at" || token == "of" || token == "the" || token == "," {
                continue
            } else {
                return nil  // a word we do not understand: refuse rather than guess
            }
        }

        var year: Int?, day: Int?
        if let (a, b, c, cDigits) = slashDate {
            if a > 31 { (year, month, day) = (a, b, c) }               // 2003/12/31
            else if a > 12 { (day, month, year) = (a, b, DateParser.expandYear(c, digits: cDigits)) } // 31/12/2003
            else { (month, day, year) = (a, b, DateParser.expandYear(c, digits: cDigits)) }      // 12/31/2003 (US)
        } else {
            guard month != nil else { return nil }
            if let i = numbers.firstIndex(where: { $0.digits == 4 }) {
                year = numbers[i].value
                numbers.remove(at: i)
                day = numbers.first?.value
            } else if numbers.count >= 2 {
                day = numbers[0].value
                year = DateParser.expandYear(numbers[1].value, digits: numbers[1].digits)
            } else {
                return nil
            }
        }
        guard let y = year, let mo = month, let d = day else { return nil }
        var (h, mi, sec) = time ?? (0, 0, 0)
        if let pm {
            guard (1...12).contains(h) else { return nil }
            if pm && h < 12 { h += 12 }
            if !pm && h == 12 { h = 0 }
        }
        return DateParser.make(year: y, month: mo, day: d, hour: h, minute: mi, second: sec,
                               offset: offset ?? 0)
    }

    /// Splits on spaces and commas, and between a day and a month glued with `-`
    /// (`06-Nov-94`), keeping `+0700` and `GMT+7` whole.
    private static func tokens(_ s: String) -> [String] {
        var out: [String] = []
        for piece in s.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }) {
            var p = String(piece)
            if p.hasSuffix(".") && p.count > 1 && !p.hasSuffix("m.") { p.removeLast() }  // "Nov." "6."
            let parts = p.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 3, parts.contains(where: { $0.first?.isLetter == true }),
               parts.allSatisfy({ !$0.isEmpty }) {
                out += parts.map(String.init)
            } else {
                out.append(p)
            }
        }
        return out
    }

    /// `08:49`, `08:49:37`, `8:49pm`, `08:49:37.5`, `08:49:37+0200`, `08:49:37Z`.
    private static func parseTime(_ token: String) -> (h: Int, m: Int, s: Int, pm: Bool?, zone: Int?)? {
        var t = Substring(token)
        var pm: Bool?
        if t.hasSuffix("pm") { pm = true; t = t.dropLast(2) } else if t.hasSuffix("am") { pm = false; t = t.dropLast(2) }
        var zone: Int?
        if let signIndex = t.firstIndex(where: { $0 == "+" || $0 == "-" }) {
            zone = ZoneTable.offset(of: String(t[signIndex...]))
            guard zone != nil else { return nil }
            t = t[..<signIndex]
        } else if t.hasSuffix("z") {
            zone = 0
            t = t.dropLast()
        }
        let parts = t.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        guard let h = Int(parts[0]), let m = Int(parts[1]), parts[0].count <= 2, parts[1].count == 2 else { return nil }
        var s = 0
        if parts.count == 3 {
            let secText = parts[2].split(separator: ".").first ?? ""
            guard let v = Int(secText), secText.count <= 2 else { return nil }
            s = v
        }
        return (h, m, s, pm, zone)
    }

    /// `2003/12/31`, `12/31/2003`, `31.12.2003`, `12/31/03`.
    private static func parseNumericDate(_ token: String) -> (Int, Int, Int, Int)? {
        let parts = token.split(whereSeparator: { $0 == "/" || $0 == "." })
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isNumber) && !$0.isEmpty && $0.count <= 4 }),
              let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) else { return nil }
        return (a, b, c, parts[2].count)
    }
}
