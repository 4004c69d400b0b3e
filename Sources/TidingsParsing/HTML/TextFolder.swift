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
        // Leading white space only decides whether a space goes before the text.
        var i = 0
        while i < s.count, FastText.isSpace(s[i]) { i += 1 }
        if i > 0 { pendingSpace = true }
        guard i < s.count else { return }
        openParagraph()
        if pendingSpace, bytes.count > paragraphStart, bytes.last != 0x0A { bytes.append(0x20) }
        pendingSpace = false
        // Copy the rest in one piece, then fold its white space in place with
        // no branch per byte: text is a space every few letters, and a branch
        // on each one was mispredicted often enough to cost more than the work.
        let start = bytes.count
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s[i...]))
        var end = start
        bytes.withUnsafeMutableBufferPointer { p in
            var previousSpace = 0
            for r in start..<p.count {
                let b = p[r]
                let space = (b == 0x20 ? 1 : 0) | (b &- 0x09 < 5 ? 1 : 0)
                p[end] = space == 1 ? 0x20 : b
                end += 1 &- (space & previousSpace)
                previousSpace = space
            }
        }
        // Trailing white space becomes one space only if more text follows.
        if bytes[end - 1] == 0x20 {
            end -= 1
            pendingSpace = true
        }
        bytes.removeSubrange(end...)
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
        var folder = TextFolder(capacity: s.utf8.count)
        var copy = s
        copy.withUTF8 { folder.append($0) }
        return folder.finish()
    }
}
