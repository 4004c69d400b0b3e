/// Named time zones feeds write after a time: RFC 822's UT/GMT, the US
/// zones, military letters, and the abbreviations common in the wild.
/// Also `GMT+7`, `UTC-05:30`, `+0700`, `-07:00`, `+07`.
enum ZoneTable {
    private static let named: [String: Int] = [
        "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "IST": 1, "CET": 1, "MET": 1,
        "WEST": 1, "CEST": 2, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "MSD": 4,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "AST": -4, "ADT": -3, "NST": -3, "AKST": -9, "AKDT": -8, "HST": -10,
        "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AWST": 8, "ACST": 9, "AEST": 10, "AEDT": 11,
        "NZST": 12, "NZDT": 13,
    ]

    /// Offset east of UTC in seconds, or nil when the token is not a zone.
    static func offset(of token: String) -> Int? {
        let t = token.uppercased().trimmedOfASCIISpace
        if t.isEmpty { return nil }
        if let h = named[t] { return h * 3600 }
        if t.count == 1, let c = t.unicodeScalars.first, military(c) != nil { return military(c)! * 3600 }
        if let first = t.first, first == "+" || first == "-" { return numeric(Substring(t)) }
        for prefix in ["GMT", "UTC", "UT"] where t.hasPrefix(prefix) {
            let rest = t.dropFirst(prefix.count)
            if let first = rest.first, first == "+" || first == "-" { return numeric(rest) }
        }
        return nil
    }

    /// `+0700`, `-07:00`, `+07`, `+7`, `-0530`.
    private static func numeric(_ t: Substring) -> Int? {
        let sign = t.first == "-" ? -1 : 1
        let digits = t.dropFirst().filter { $0 != ":" }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isNumber), let v = Int(digits) else { return nil }
        let (h, m) = digits.count <= 2 ? (v, 0) : (v / 100, v % 100)
        guard h <= 14, m < 60 else { return nil }
        return sign * (h * 3600 + m * 60)
    }

    /// RFC 822 military zones. RFC 1123 notes their signs were given backwards
    /// in 822; like feedparser we read them as 822 wrote them, except `Z`.
    private static func military(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "Z": 0
        case "A"..."I": -Int(c.value - 64)
        case "K"..."M": -Int(c.value - 65)
        case "N"..."Y": Int(c.value - 77)
        default: nil
        }
    }
}
