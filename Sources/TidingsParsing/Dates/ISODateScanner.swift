import Foundation

/// ISO 8601 / RFC 3339 / W3CDTF: `2003-12-31`, `2003-12-31T10:14:55Z`,
/// `2003-12-31T10:14:55.25-05:00`, `20031231T101455Z`, `2003-12`, `2003`,
/// `2003-12-31 10:14`. A missing zone means UTC.
enum ISODateScanner {
    static func parse(_ s: String) -> Date? {
        var c = Cursor(Array(s.utf8))
        guard let year = c.digits(exactly: 4) else { return nil }
        var month = 1, day = 1
        let dashed = c.take(UInt8(ascii: "-"))
        if dashed || c.peekDigit {
            guard let m = c.digits(exactly: 2) else { return nil }
            month = m
            if (dashed && c.take(UInt8(ascii: "-"))) || (!dashed && c.peekDigit) {
                guard let d = c.digits(exactly: 2) else { return nil }
                day = d
            }
        }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offset = 0
        if c.take(UInt8(ascii: "T")) || c.take(UInt8(ascii: "t")) || c.take(UInt8(ascii: " ")) {
            guard let h = c.digits(exactly: 2) else { return nil }
            hour = h
            let colon = c.take(UInt8(ascii: ":"))
            guard let mi = c.digits(exactly: 2) else { return nil }
            minute = mi
            if (colon && c.take(UInt8(ascii: ":"))) || (!colon && c.peekDigit) {
                guard let sec = c.digits(exactly: 2) else { return nil }
                second = sec
                if c.take(UInt8(ascii: ".")) || c.take(UInt8(ascii: ",")) {
                    let start = c.position
                    while c.peekDigit { c.position += 1 }
                    let digits = String(decoding: c.bytes[start..<c.position], as: UTF8.self)
                    fraction = Double("0." + digits) ?? 0
                }
            }
            _ = c.take(UInt8(ascii: " "))
            if c.take(UInt8(ascii: "Z")) || c.take(UInt8(ascii: "z")) {
                offset = 0
            } else if let sign = c.sign() {
                guard let oh = c.digits(exactly: 2) else { return nil }
                _ = c.take(UInt8(ascii: ":"))
                let om = c.digits(exactly: 2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            } else if !c.atEnd {
                // A named zone after an ISO time ("2004-01-01T10:00:00 EST").
                let rest = String(decoding: c.bytes[c.position...], as: UTF8.self)
                guard let named = ZoneTable.offset(of: rest) else { return nil }
                offset = named
                c.position = c.bytes.count
            }
        }
        guard c.atEnd else { return nil }
        return DateParser.make(year: year, month: month, day: day, hour: hour, minute: minute,
                               second: second, fraction: fraction, offset: offset)
    }

    struct Cursor {
        let bytes: [UInt8]
        var position = 0
        init(_ b: [UInt8]) { bytes = b }
        var atEnd: Bool { position >= bytes.count }
        var peekDigit: Bool { !atEnd && (48...57).contains(bytes[position]) }

        mutating func take(_ b: UInt8) -> Bool {
            guard !atEnd, bytes[position] == b else { return false }
            position += 1
            return true
        }

        mutating func sign() -> Int? {
            if take(UInt8(ascii: "+")) { return 1 }
            if take(UInt8(ascii: "-")) { return -1 }
            return nil
        }

        mutating func digits(exactly n: Int) -> Int? {
            guard position + n <= bytes.count else { return nil }
            var v = 0
            for i in 0..<n {
                let b = bytes[position + i]
                guard (48...57).contains(b) else { return nil }
                v = v * 10 + Int(b - 48)
            }
            position += n
            return v
        }
    }
}
