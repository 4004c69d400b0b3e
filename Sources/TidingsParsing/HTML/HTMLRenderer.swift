/// One walk over an HTML fragment that produces the sanitized HTML, its
/// readable text and the first image: `content_html`, `content_text` and the
/// fallback for `image`. Works on UTF-8 bytes: this is the parser's hottest
/// code, and String appends of single characters cost several times more.
struct HTMLRenderer: HTMLVisitor {
    private var out: [UInt8] = []
    private(set) var firstImage: String?
    private var paragraphs: [UInt8] = []
    private var line: [UInt8] = []
    private var preDepth = 0
    let base: String?

    /// Marks a line break that folding must keep (`<br>`, newlines in `<pre>`).
    static let keptBreak: UInt8 = 0

    init(base: String?) {
        self.base = base
        out.reserveCapacity(4096)
        line.reserveCapacity(1024)
    }

    var html: String { String(decoding: out, as: UTF8.self) }

    /// Paragraphs separated by blank lines, white space folded inside them.
    var text: String {
        var all = paragraphs
        Self.appendParagraph(line, to: &all)
        return String(decoding: all, as: UTF8.self)
    }

    mutating func open<A: HTMLAttributes>(_ tag: HTMLTag, attributes: A) -> Bool {
        if tag.isDropped { return false }
        if tag.isBlock { endParagraph() }
        if tag.name == "pre" { preDepth += 1 }
        if tag.name == "br" { line.append(Self.keptBreak) }
        guard tag.isAllowed else { return true }
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: tag.name.utf8)
        if !tag.allowedAttributes.isEmpty {
            attributes.forEach(in: tag.allowedAttributes) { name, value in
                var v = value
                if SanitizePolicy.urlAttributes.contains(name) {
                    guard URLResolver.isSafe(value), let resolved = URLResolver.resolve(value, against: base) else { return }
                    v = resolved
                    if tag.name == "img", name == "src", firstImage == nil { firstImage = resolved }
                }
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: name.utf8)
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
        if tag.name == "pre" { preDepth -= 1 }
        if tag.isBlock { endParagraph() }
        if tag.isAllowed, !tag.isVoid {
            out.append(contentsOf: [UInt8(ascii: "<"), UInt8(ascii: "/")])
            out.append(contentsOf: tag.name.utf8)
            out.append(UInt8(ascii: ">"))
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        Self.escape(bytes, quotes: false, into: &out)
        if preDepth > 0 {
            for b in bytes { line.append(b == 0x0A ? Self.keptBreak : b) }
        } else {
            line.append(contentsOf: bytes)
        }
    }

    private mutating func endParagraph() {
        Self.appendParagraph(line, to: &paragraphs)
        line.removeAll(keepingCapacity: true)
    }

    private static func appendParagraph(_ raw: [UInt8], to all: inout [UInt8]) {
        let before = all.count
        if !all.isEmpty { all.append(contentsOf: [0x0A, 0x0A]) }
        let start = all.count
        raw.withUnsafeBufferPointer { fold($0, into: &all) }
        if all.count == start { all.removeSubrange(before...) }
    }

    /// Folds runs of ASCII white space to one space and trims the ends;
    /// `keptBreak` becomes a newline. Multi-byte UTF-8 never contains these
    /// bytes, so working on bytes is exact. Appends to `out`, writing through
    /// a pointer: this loop sees every byte of every article.
    static func fold(_ s: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: s.count))
        let written = out.withUnsafeMutableBufferPointer { dst -> Int in
            var n = start
            var pendingSpace = false
            for b in s {
                if b == keptBreak {
                    while n > start, dst[n - 1] == 0x20 { n -= 1 }
                    dst[n] = 0x0A
                    n += 1
                    pendingSpace = false
                } else if FastText.isSpace(b) {
                    pendingSpace = true
                } else {
                    if pendingSpace, n > start, dst[n - 1] != 0x0A {
                        dst[n] = 0x20
                        n += 1
                    }
                    pendingSpace = false
                    dst[n] = b
                    n += 1
                }
            }
            while n > start, dst[n - 1] == 0x0A { n -= 1 }
            return n
        }
        out.removeSubrange(written...)
    }

    static func fold(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var copy = s
        copy.withUTF8 { fold($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    private static let amp = Array("&amp;".utf8), lt = Array("&lt;".utf8), gt = Array("&gt;".utf8)
    private static let quot = Array("&quot;".utf8)

    /// Escapes `& < >` (and `"` in attributes). Runs without a special byte,
    /// nearly all of real text, are copied in one piece.
    static func escape(_ s: UnsafeBufferPointer<UInt8>, quotes: Bool, into out: inout [UInt8]) {
        var runStart = 0
        for (i, b) in s.enumerated() {
            let replacement: [UInt8]
            switch b {
            case UInt8(ascii: "&"): replacement = Self.amp
            case UInt8(ascii: "<"): replacement = Self.lt
            case UInt8(ascii: ">"): replacement = Self.gt
            case UInt8(ascii: "\"") where quotes: replacement = Self.quot
            default: continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<i]))
            out.append(contentsOf: replacement)
            runStart = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart...]))
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
        return String(decoding: out, as: UTF8.self)
    }
}
