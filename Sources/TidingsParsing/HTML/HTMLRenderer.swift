/// One walk over an HTML fragment that produces the sanitized HTML, its
/// readable text and the first image: `content_html`, `content_text` and the
/// fallback for `image`.
struct HTMLRenderer: HTMLVisitor {
    private(set) var html = ""
    private(set) var firstImage: String?
    private var paragraphs: [String] = []
    private var line = ""
    private var preDepth = 0
    let base: String?

    init(base: String?) { self.base = base }

    /// Paragraphs separated by blank lines, white space folded inside them.
    var text: String {
        var all = paragraphs
        let last = Self.fold(line)
        if !last.isEmpty { all.append(last) }
        return all.joined(separator: "\n\n")
    }

    mutating func open(_ tag: String, attributes: [(name: String, value: String)]) -> Bool {
        if SanitizePolicy.dropped.contains(tag) { return false }
        if SanitizePolicy.blocks.contains(tag) { endParagraph() }
        if tag == "pre" { preDepth += 1 }
        if tag == "br" { line += "\u{0}" }
        guard SanitizePolicy.allowed.contains(tag) else { return true }
        html += "<" + tag
        for (name, value) in attributes where SanitizePolicy.allows(attribute: name, on: tag) {
            var v = value
            if SanitizePolicy.urlAttributes.contains(name) {
                guard URLResolver.isSafe(value), let resolved = URLResolver.resolve(value, against: base) else { continue }
                v = resolved
                if tag == "img", name == "src", firstImage == nil { firstImage = resolved }
            }
            html += " " + name + "=\"" + Self.escape(v, quotes: true) + "\""
        }
        html += SanitizePolicy.void.contains(tag) ? " />" : ">"
        return true
    }

    mutating func close(_ tag: String) {
        if tag == "pre" { preDepth -= 1 }
        if SanitizePolicy.blocks.contains(tag) { endParagraph() }
        if SanitizePolicy.allowed.contains(tag), !SanitizePolicy.void.contains(tag) {
            html += "</" + tag + ">"
        }
    }

    mutating func text(_ text: String) {
        html += Self.escape(text, quotes: false)
        if preDepth > 0 {
            line += text.replacingOccurrences(of: "\n", with: "\u{0}")
        } else {
            line += text
        }
    }

    private mutating func endParagraph() {
        let folded = Self.fold(line)
        if !folded.isEmpty { paragraphs.append(folded) }
        line = ""
    }

    /// Folds white space runs to one space; `\0` marks a kept line break.
    static func fold(_ s: String) -> String {
        // By scalar, not Character: a space followed by U+200D is one
        // Character that Swift calls white space, and the joiner would be lost.
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for ch in s.unicodeScalars {
            switch ch {
            case "\u{0}":
                while out.last == " " { out.removeLast() }
                out.append("\n")
                pendingSpace = false
            case " ", "\t", "\n", "\r", "\u{C}", "\u{B}":
                pendingSpace = true
            default:
                if pendingSpace, !out.isEmpty, out.last != "\n" { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            }
        }
        while out.last == "\n" { out.removeLast() }
        return String(out)
    }

    static func escape(_ s: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
