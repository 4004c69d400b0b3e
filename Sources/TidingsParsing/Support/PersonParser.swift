import TidingsModel

/// Splits the ways feeds write a person into name and e-mail:
/// `me@example.com (Example Author)`, `Example Author <me@example.com>`,
/// `mailto:me@example.com`, or just a name.
enum PersonParser {
    static func parse(_ raw: String) -> Author? {
        let text = raw.trimmed
        guard !text.isEmpty else { return nil }
        var email: String?
        var rest = text
        if let at = text.firstIndex(of: "@") {
            let stops: Set<Character> = [" ", "(", ")", "<", ">", "\t", "\n", ",", ";", "[", "]", "\""]
            var start = at
            while start > text.startIndex, !stops.contains(text[text.index(before: start)]) {
                start = text.index(before: start)
            }
            var end = at
            while end < text.endIndex, !stops.contains(text[end]) { end = text.index(after: end) }
            var candidate = String(text[start..<end])
            if candidate.lowercased().hasPrefix("mailto:") { candidate = String(candidate.dropFirst(7)) }
            if candidate.contains("."), candidate.first != "@" {
                email = candidate
                rest = String(text[..<start]) + String(text[end...])
            }
        }
        var name = rest
        for ch in ["()", "<>", "[]"] {
            let pair = Array(ch)
            name = name.replacingOccurrences(of: String(pair[0]) + String(pair[1]), with: "")
        }
        name = name.trimmed
        if name.hasPrefix("("), name.hasSuffix(")") { name = String(name.dropFirst().dropLast()) }
        name = name.trimming { FastText.isSpace($0) || Array("()<>[],;\"".utf8).contains($0) }
        let author = Author(name: name.isEmpty ? nil : name, email: email)
        return author.isEmpty ? nil : author
    }
}

import Foundation
