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
        let n = s.count
        var i = 0
        while i < n {
            let b = s[i]
            if keepingNewlines && b == 0x0A {
                lineBreak()
                i += 1
                continue
            }
            if FastText.isSpace(b) {
                pendingSpace = true
                i += 1
                continue
            }
            openParagraph()
            if pendingSpace, bytes.count > paragraphStart, bytes.last != 0x0A { bytes.append(0x20) }
            pendingSpace = false
            // A run of text with single spaces inside goes in one copy.
            var j = i + 1
            while j < n {
                let c = s[j]
                if c > 0x20 {
                    j += 1
                } else if c == 0x20, j + 1 < n, s[j + 1] > 0x20 {
                    j += 2
                } else if FastText.isSpace(c) {
                    break
                } else {
                    j += 1
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s[i..<j]))
            i = j
        }
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
