#if canImport(Glibc)
import Glibc
#endif

/// Byte-level string helpers for the parser's hot paths. Foundation's
/// `trimmingCharacters` and `replacingOccurrences` bridge through NSString on
/// Linux and cost more than parsing the XML did; these work on UTF-8 bytes.
/// They treat only ASCII white space as white space, which is what XML and
/// HTML mean by it.
extension String {
    /// Without leading and trailing ASCII white space.
    var trimmedOfASCIISpace: String { trimming { FastText.isSpace($0) } }

    /// Without leading and trailing bytes that `drop` selects (ASCII only).
    func trimming(_ drop: (UInt8) -> Bool) -> String {
        let u = utf8
        guard let first = u.firstIndex(where: { !drop($0) }) else { return "" }
        let last = u.lastIndex(where: { !drop($0) })!
        if first == u.startIndex, u.index(after: last) == u.endIndex { return self }
        return String(self[first...last])
    }

    /// Whether the UTF-8 holds `byte`, found with memchr: parsed text is
    /// native and contiguous, and the generic `contains` goes a byte at a time.
    func containsByte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { FastText.find(byte, in: $0) != nil } ?? utf8.contains(byte)
    }

    /// Whether the UTF-8 holds `needle`'s bytes: Foundation's `contains`
    /// goes through NSString on Linux, which costs more than the search.
    func containsBytes(_ needle: String) -> Bool {
        var haystack = self, needle = needle
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                guard let first = n.first else { return true }
                var from = 0
                while h.count - from >= n.count, let offset = FastText.find(first, in: UnsafeBufferPointer(rebasing: h[from...])) {
                    let at = from + offset
                    if h.count - at < n.count { return false }
                    if memcmp(h.baseAddress! + at, n.baseAddress!, n.count) == 0 { return true }
                    from = at + 1
                }
                return false
            }
        }
    }

    /// Every occurrence of one ASCII byte replaced by another.
    func replacing(byte: UInt8, with replacement: UInt8) -> String {
        guard containsByte(byte) else { return self }
        return String(decoding: utf8.map { $0 == byte ? replacement : $0 }, as: UTF8.self)
    }
}

enum FastText {
    /// The index of the first `byte` in `bytes`, by memchr.
    @inline(__always)
    static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, let hit = memchr(base, Int32(byte), bytes.count) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b &- 0x09 < 5 }  // space, or \t \n \v \f \r
}
