/// Keeps every valid UTF-8 sequence and reads each stray byte as
/// Windows-1252, the encoding such bytes almost always come from.
enum UTF8Repair {
    static func repair(_ bytes: [UInt8]) -> [UInt8] {
        if isValid(bytes) { return bytes }
        return bytes.withUnsafeBufferPointer { b in
            var out: [UInt8] = []
            out.reserveCapacity(b.count + b.count / 8)
            var i = 0
            while i < b.count {
                let n = sequenceLength(b, at: i)
                if n > 0 {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<(i + n)]))
                    i += n
                } else {
                    out.append(contentsOf: Array(String(Windows1252.scalar(for: b[i])).utf8))
                    i += 1
                }
            }
            return out
        }
    }

    static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValid($0) }
    }

    /// Whether `buf` is all valid UTF-8 (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF). Runs of ASCII, nearly all of a
    /// feed, are checked 32 and then eight bytes at a time; nothing is copied.
    static func isValid(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(buf)
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i < buf.count {
            if i + 32 <= buf.count,
               (raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)) & high == 0 {
                i += 32
            } else if i + 8 <= buf.count, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & high == 0 {
                i += 8
            } else if buf[i] < 0x80 {
                i += 1
            } else {
                let n = sequenceLength(buf, at: i)
                if n == 0 { return false }
                i += n
            }
        }
        return true
    }

    /// Length of the valid UTF-8 sequence starting at `i`, or 0.
    private static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return 1 }
        let n: Int
        let minimum: UInt32
        switch c {
        case 0xC2...0xDF: n = 2; minimum = 0x80
        case 0xE0...0xEF: n = 3; minimum = 0x800
        case 0xF0...0xF4: n = 4; minimum = 0x10000
        default: return 0
        }
        guard i + n <= b.count else { return 0 }
        var value = UInt32(c) & (0xFF >> UInt32(n + 1))
        for k in 1..<n {
            let cont = b[i + k]
            guard cont & 0xC0 == 0x80 else { return 0 }
            value = value << 6 | UInt32(cont & 0x3F)
        }
        if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return 0 }
        return n
    }
}

enum Windows1252 {
    private static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func scalar(for byte: UInt8) -> Character {
        let v: UInt32 = (0x80...0x9F).contains(byte) ? high[Int(byte - 0x80)] : UInt32(byte)
        return Character(Unicode.Scalar(v) ?? "\u{FFFD}")
    }
}
