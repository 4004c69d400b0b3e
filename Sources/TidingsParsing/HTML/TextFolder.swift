/// Builds readable text: paragraphs separated by blank lines, each run of
/// white space inside them folded to one space, kept line breaks (`<br>`,
/// newlines in `<pre>`) as newlines. It folds as the text arrives, a piece
/// at a time, so each byte is looked at once and copied in runs: this sees
/// every byte of every article.
///
/// Multi-byte UTF-8 never contains an ASCII byte, so working on bytes is exact.
struct TextFolder {
    private var bytes: [UInt8] = []
    private var paragraphOpen = false
    /// Where the open paragraph's separator and its text start.
    private var separatorStart = 0
    private var paragraphStart = 0
    /// White space seen since the last byte written: one space, if more text follows.
    private var pendingSpace = false

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append(_ s: UnsafeBufferPointer<UInt8>, keepingNewlines: Bool = false) {
        if keepingNewlines {
            appendKeepingNewlines(s)
            return
        }
        var i = 0
        while i < s.count {
            if FastText.isSpace(s[i]) {
                pendingSpace = true
                i += 1
                continue
            }
            // Text up to the next white space that needs folding is copied as is.
            let end = Self.foldPoint(in: s, from: i)
            openParagraph()
            if pendingSpace, bytes.count > paragraphStart, bytes.last != 0x0A { bytes.append(0x20) }
            pendingSpace = false
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s[i..<end]))
            i = end
        }
    }

    /// The first white space at or after `from` that folding changes: any
    /// white space but a single space between two other bytes. Real text is
    /// mostly words and single spaces, so it is read eight bytes at a time.
    private static func foldPoint(in s: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let raw = UnsafeRawBufferPointer(s)
        var p = from
        while p < s.count {
            var candidate = p
            if p + 8 <= s.count {
                let word = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                // A byte below 0x21 (the lowest flag found is exact).
                let low = (word &- 0x2121_2121_2121_2121) & ~word & 0x8080_8080_8080_8080
                if low == 0 {
                    p += 8
                    continue
                }
                candidate = p + (UInt64(littleEndian: low).trailingZeroBitCount >> 3)
            } else if s[p] > 0x20 {
                p += 1
                continue
            }
            let b = s[candidate]
            if b > 0x20 {
                p = candidate + 1
            } else if b == 0x20, candidate + 1 < s.count, !FastText.isSpace(s[candidate + 1]) {
                p = candidate + 2  // a single space inside the text stays
            } else if FastText.isSpace(b) {
                return candidate
            } else {
                p = candidate + 1  // another control byte is text to us
            }
        }
        return s.count
    }

    /// Inside `<pre>`: newlines are line breaks, other white space folds.
    private mutating func appendKeepingNewlines(_ s: UnsafeBufferPointer<UInt8>) {
        var from = 0
        while let offset = FastText.find(0x0A, in: UnsafeBufferPointer(rebasing: s[from...])) {
            append(UnsafeBufferPointer(rebasing: s[from..<(from + offset)]))
            lineBreak()
            from += offset + 1
        }
        append(UnsafeBufferPointer(rebasing: s[from...]))
    }

    mutating func lineBreak() {
        openParagraph()
        bytes.append(0x0A)
        pendingSpace = false
    }

    mutating func endParagraph() {
        pendingSpace = false
        guard paragraphOpen else { return }
        paragraphOpen = false
        while bytes.count > paragraphStart, bytes.last == 0x0A { bytes.removeLast() }
        if bytes.count == paragraphStart { bytes.removeSubrange(separatorStart...) }
    }

    /// The text, with the open paragraph closed.
    mutating func finish() -> String {
        endParagraph()
        return String(utf8: bytes)
    }

    private mutating func openParagraph() {
        guard !paragraphOpen else { return }
        paragraphOpen = true
        separatorStart = bytes.count
        if !bytes.isEmpty { bytes.append(contentsOf: [0x0A, 0x0A]) }
        paragraphStart = bytes.count
    }

    /// One paragraph of `s`, folded.
    static func fold(_ s: String) -> String {
        var copy = s
        return copy.withUTF8 { bytes in
            // Most titles and names are already folded: keep the String.
            if bytes.isEmpty || (!FastText.isSpace(bytes[0]) && !FastText.isSpace(bytes[bytes.count - 1])
                                 && foldPoint(in: bytes, from: 0) == bytes.count) {
                return s
            }
            var folder = TextFolder(capacity: bytes.count)
            folder.append(bytes)
            return folder.finish()
        }
    }
}
