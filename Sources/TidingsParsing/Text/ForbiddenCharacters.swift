/// Removes from decoded UTF-8 the characters XML 1.0 forbids anywhere in a
/// document: the C0 controls other than tab, line feed and carriage return
/// (NUL included), and U+FFFE and U+FFFF. libxml2 meets one of them as a
/// fatal error, and in recovery mode the damage does not stay in the item
/// that held it: a vertical tab in one description cost every later item
/// its markup, and a NUL dropped every later item. Removed before parsing,
/// one item's bytes cannot change another's.
///
/// Vertical tab and form feed become a space (they separate words where a
/// word processor put them); the others are dropped. Character references
/// (`&#11;`) are left to libxml2, which refuses them without harm.
enum ForbiddenCharacters {
    static func remove(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = firstForbidden(bytes) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        out.append(contentsOf: bytes[..<first])
        var i = first
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x20 {
                out.append(contentsOf: replacement(for: UInt32(b)) ?? [b])
                i += 1
            } else if isNonCharacter(bytes, at: i) {
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    /// What stands in the text for a code point: nil when XML allows it
    /// (it stays as it is), a space for vertical tab and form feed, nothing
    /// for the other forbidden ones. Raw bytes and numeric references
    /// (`AmpersandRepair`) go through this one rule.
    static func replacement(for codePoint: UInt32) -> [UInt8]? {
        let forbidden = (codePoint < 0x20 && codePoint != 0x09 && codePoint != 0x0A && codePoint != 0x0D)
            || (0xD800...0xDFFF).contains(codePoint) || codePoint == 0xFFFE || codePoint == 0xFFFF || codePoint > 0x10FFFF
        guard forbidden else { return nil }
        return codePoint == 0x0B || codePoint == 0x0C ? [0x20] : []
    }

    /// The offset of the first forbidden character, if any. Text is read
    /// eight bytes at a time while no byte is below 0x20 or is 0xEF (the
    /// lead byte of U+FFFE and U+FFFF): nearly every feed has none.
    static func firstForbidden(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buf -> Int? in
            let raw = UnsafeRawBufferPointer(buf)
            var i = 0
            while i < buf.count {
                if i + 8 <= buf.count {
                    let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if !mayHoldForbidden(word) {
                        i += 8
                        continue
                    }
                }
                let b = buf[i]
                if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || isNonCharacter(buf, at: i) { return i }
                i += 1
            }
            return nil
        }
    }

    /// Whether any of eight bytes is below 0x20 or is 0xEF, without a branch per byte.
    @inline(__always)
    private static func mayHoldForbidden(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        // A byte below 0x20: subtracting 0x20 borrows into its top bit (for bytes below 0x80).
        let below = (word &- ones &* 0x20) & ~word & high
        let v = word ^ (ones &* 0xEF)
        let ef = (v &- ones) & ~v & high
        return (below | ef) != 0
    }

    /// U+FFFE or U+FFFF: `EF BF BE` or `EF BF BF`.
    @inline(__always)
    private static func isNonCharacter<C: RandomAccessCollection<UInt8>>(_ b: C, at i: C.Index) -> Bool where C.Index == Int {
        b[i] == 0xEF && i + 2 < b.endIndex && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF)
    }
}
