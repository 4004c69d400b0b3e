/// The exact RFC 822 form most feeds write (`Sun, 06 Nov 1994 08:49:37 GMT`,
/// `6 Nov 1994 08:49:37 +0200`), read straight from bytes. Anything else
/// returns nil and goes to the tolerant `TokenDateReader`.
enum RFC822FastPath {
    /// The month for three lower-case letters packed in a word, or nil.
    private static func month(_ key: UInt32) -> Int? {
        // "jan" is 0x6A616E: the twelve keys, in order.
        let keys: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
            (0x6A616E, 0x666562, 0x6D6172, 0x617072, 0x6D6179, 0x6A756E, 0x6A756C, 0x617567, 0x736570, 0x6F6374, 0x6E6F76, 0x646563)
        return withUnsafeBytes(of: keys) { raw in
            for m in 0..<12 where raw.load(fromByteOffset: m * 4, as: UInt32.self) == key { return m + 1 }
            return nil
        }
    }

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
                  let month = month(UInt32(m0) << 16 | UInt32(m1) << 8 | UInt32(m2)) else { return nil }
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
                let rest = b[i...]
                guard rest.elementsEqual("GMT".utf8) || rest.elementsEqual("UT".utf8) || rest.elementsEqual("UTC".utf8)
                        || rest.elementsEqual("Z".utf8) else { return nil }
                i = b.count
            }
            guard i == b.count else { return nil }
            return DateParser.make(year: year, month: month, day: day, hour: hour, minute: minute,
                                   second: second, offset: offset)
        }
    }
}

import Foundation
