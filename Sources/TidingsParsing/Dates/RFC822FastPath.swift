/// The exact RFC 822 form most feeds write (`Sun, 06 Nov 1994 08:49:37 GMT`,
/// `6 Nov 1994 08:49:37 +0200`), read straight from bytes. Anything else
/// returns nil and goes to the tolerant `TokenDateReader`.
enum RFC822FastPath {
    private static let monthKeys: [UInt32: Int] = {
        let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        var t: [UInt32: Int] = [:]
        for (i, n) in names.enumerated() {
            let b = Array(n.utf8)
            t[UInt32(b[0]) << 16 | UInt32(b[1]) << 8 | UInt32(b[2])] = i + 1
        }
        return t
    }()

    static func parse(_ s: String) -> Date? {
        var copy = s
        return copy.withUTF8 { b -> Date? in
            var i = 0
            func digits(_ min: Int, _ max: Int) -> Int? {
                var v = 0, n = 0
                while i < b.count, n < max, (48...57).contains(b[i]) { v = v * 10 + Int(b[i] - 48); i += 1; n += 1 }
                return n >= min ? v : nil
            }
            func take(_ c: UInt8) -> Bool {
                guard i < b.count, b[i] == c else { return false }
                i += 1
                return true
            }
            func letter(_ k: Int) -> UInt8? { k < b.count && (b[k] | 0x20) >= 97 && (b[k] | 0x20) <= 122 ? b[k] | 0x20 : nil }
            if letter(0) != nil {  // weekday: three letters and a comma
                guard letter(1) != nil, letter(2) != nil, b.count > 4, b[3] == UInt8(ascii: ","), b[4] == 0x20 else { return nil }
                i = 5
            }
            guard let day = digits(1, 2), take(0x20),
                  let m0 = letter(i), let m1 = letter(i + 1), let m2 = letter(i + 2),
                  let month = monthKeys[UInt32(m0) << 16 | UInt32(m1) << 8 | UInt32(m2)] else { return nil }
            i += 3
            guard take(0x20), let year = digits(4, 4), take(0x20),
                  let hour = digits(2, 2), take(UInt8(ascii: ":")), let minute = digits(2, 2),
                  take(UInt8(ascii: ":")), let second = digits(2, 2), take(0x20) else { return nil }
            var offset = 0
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let hhmm = digits(4, 4) else { return nil }
                offset = sign * ((hhmm / 100) * 3600 + (hhmm % 100) * 60)
            } else {
                let rest = String(decoding: b[i...], as: UTF8.self)
                guard rest == "GMT" || rest == "UT" || rest == "UTC" || rest == "Z" else { return nil }
                i = b.count
            }
            guard i == b.count else { return nil }
            return DateParser.make(year: year, month: month, day: day, hour: hour, minute: minute,
                                   second: second, offset: offset)
        }
    }
}

import Foundation
