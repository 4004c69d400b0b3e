/// One walk over an HTML fragment that produces the sanitized HTML, its
/// readable text and the first image: `content_html`, `content_text` and the
/// fallback for `image`. Works on UTF-8 bytes: this is the parser's hottest
/// code, and String appends of single characters cost several times more.
struct HTMLRenderer: HTMLVisitor {
    private var out: [UInt8] = []
    private(set) var firstImage: String?
    private var text = TextFolder()
    private var preDepth = 0
    let base: String?

    init(base: String?, capacity: Int = 4096) {
        self.base = base
        out.reserveCapacity(capacity)
        text = TextFolder(capacity: capacity)
    }

    /// The sanitized HTML and its readable text; the renderer is spent.
    mutating func finish() -> HTMLContent.Rendering {
        // Trimmed as bytes, so the String is made once, at its final size.
        let html = out.withUnsafeBufferPointer { all in
            var start = 0, end = all.count
            while start < end, FastText.isSpace(all[start]) { start += 1 }
            while end > start, FastText.isSpace(all[end - 1]) { end -= 1 }
            return String(utf8: UnsafeBufferPointer(rebasing: all[start..<end]))
        }
        return HTMLContent.Rendering(html: html, text: text.finish(), firstImage: firstImage)
    }

    mutating func open<A: HTMLAttributes>(_ tag: HTMLTag, attributes: A) -> Bool {
        if tag.isDropped { return false }
        if tag.isBlock { text.endParagraph() }
        if tag.isPre { preDepth += 1 }
        if tag.isBreak { text.lineBreak() }
        guard tag.isAllowed else { return true }
        out.append(contentsOf: tag.openMarkup)
        if !tag.allowedAttributes.isEmpty {
            attributes.forEach(in: tag.allowedAttributes) { name, value in
                var v = value
                if name.isURL {
                    guard let resolved = LinkPolicy.resolve(value, against: base, allowing: LinkPolicy.contentSchemes) else { return }
                    v = resolved
                    if tag.isImage, name.isSource, firstImage == nil { firstImage = resolved }
                }
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: name.bytes)
                out.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
                Self.escape(v.utf8, quotes: true, into: &out)
                out.append(UInt8(ascii: "\""))
            }
        }
        if tag.isVoid {
            out.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: "/"), UInt8(ascii: ">")])
        } else {
            out.append(UInt8(ascii: ">"))
        }
        return true
    }

    mutating func close(_ tag: HTMLTag) {
        if tag.isPre { preDepth -= 1 }
        if tag.isBlock { text.endParagraph() }
        if tag.isAllowed, !tag.isVoid { out.append(contentsOf: tag.closeMarkup) }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        Self.escape(bytes, quotes: false, into: &out)
        text.append(bytes, keepingNewlines: preDepth > 0)
    }

    private static let amp = Array("&amp;".utf8), lt = Array("&lt;".utf8), gt = Array("&gt;".utf8)
    private static let quot = Array("&quot;".utf8)

    /// Escapes `& < >` (and `"` in attributes). Text is read eight bytes at
    /// a time while none of them needs escaping, nearly all of real text, and
    /// runs between escapes are copied in one piece.
    static func escape(_ s: UnsafeBufferPointer<UInt8>, quotes: Bool, into out: inout [UInt8]) {
        let raw = UnsafeRawBufferPointer(s)
        var runStart = 0
        var i = 0
        while i < s.count {
            if i + 8 <= s.count, !mayNeedEscaping(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), quotes: quotes) {
                i += 8
                continue
            }
            let replacement: [UInt8]
            switch s[i] {
            case UInt8(ascii: "&"): replacement = Self.amp
            case UInt8(ascii: "<"): replacement = Self.lt
            case UInt8(ascii: ">"): replacement = Self.gt
            case UInt8(ascii: "\"") where quotes: replacement = Self.quot
            default:
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<i]))
            out.append(contentsOf: replacement)
            i += 1
            runStart = i
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart...]))
    }

    /// Whether any of eight bytes is `& < >` (or `"`), without a branch per byte.
    @inline(__always)
    private static func mayNeedEscaping(_ word: UInt64, quotes: Bool) -> Bool {
        let found = hasByte(word, UInt8(ascii: "&")) | hasByte(word, UInt8(ascii: "<")) | hasByte(word, UInt8(ascii: ">"))
            | (quotes ? hasByte(word, UInt8(ascii: "\"")) : 0)
        return found != 0
    }

    /// Non-zero when some byte of `word` equals `byte` (the classic zero-byte test on `word ^ byte...`).
    @inline(__always)
    private static func hasByte(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let v = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    static func escape<C: Collection<UInt8>>(_ s: C, quotes: Bool, into out: inout [UInt8]) {
        if let done: Void = s.withContiguousStorageIfAvailable({ escape($0, quotes: quotes, into: &out) }) { return done }
        Array(s).withUnsafeBufferPointer { escape($0, quotes: quotes, into: &out) }
    }

    static func escape(_ s: String, quotes: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        var copy = s
        copy.withUTF8 { escape($0, quotes: quotes, into: &out) }
        return String(utf8: out)
    }
}
