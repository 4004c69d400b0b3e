import TidingsModel

/// Splits the ways feeds write a person into name and e-mail:
/// `me@example.com (Example Author)`, `Example Author <me@example.com>`,
/// `mailto:me@example.com`, or just a name. Works on bytes: every item of
/// many feeds has an author.
enum PersonParser {
    private static let stops: Set<UInt8> = Set(" ()<>\t\n,;[]\"".utf8)
    private static let edges: Set<UInt8> = Set(" \t\n\r()<>[],;\"".utf8)

    static func parse(_ raw: String) -> Author? {
        if isPlainName(raw) { return Author(name: raw, email: nil) }
        let bytes = Array(raw.utf8)
        var email: String?
        var rest = bytes
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            var start = at
            while start > 0, !stops.contains(bytes[start - 1]) { start -= 1 }
            var end = at
            while end < bytes.count, !stops.contains(bytes[end]) { end += 1 }
            var candidate = Array(bytes[start..<end])
            if candidate.count > 7, String(decoding: candidate.prefix(7), as: UTF8.self).lowercased() == "mailto:" {
                candidate.removeFirst(7)
            }
            if candidate.contains(UInt8(ascii: ".")), candidate.first != UInt8(ascii: "@") {
                email = String(decoding: candidate, as: UTF8.self)
                rest = Array(bytes[..<start]) + Array(bytes[end...])
            }
        }
        let name = clean(rest)
        let author = Author(name: name.isEmpty ? nil : name, email: email)
        return author.isEmpty ? nil : author
    }

    /// Just a name, as most authors are: no `@`, no brackets, nothing to
    /// trim, so the String is the name as it stands.
    private static func isPlainName(_ raw: String) -> Bool {
        var raw = raw
        return raw.withUTF8 { b in
            guard let first = b.first, let last = b.last, !edges.contains(first), !edges.contains(last) else { return false }
            return !b.contains { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "[") }
        }
    }

    /// The name left once the e-mail is gone: empty `()`, `<>`, `[]` removed,
    /// brackets and separators trimmed from both ends.
    private static func clean(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + 1 < bytes.count {
                let pair = (bytes[i], bytes[i + 1])
                if pair == (0x28, 0x29) || pair == (0x3C, 0x3E) || pair == (0x5B, 0x5D) {
                    i += 2
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        guard let first = out.firstIndex(where: { !edges.contains($0) }),
              let last = out.lastIndex(where: { !edges.contains($0) }) else { return "" }
        return String(decoding: out[first...last], as: UTF8.self)
    }
}
