internal import CLibXML2
import Foundation

/// RFC 3986 reference resolution through libxml2's `xmlBuildURI`, which keeps
/// IRIs (non-ASCII) intact where Foundation's URL gives up on them.
enum URLResolver {
    static func resolve(_ reference: String, against base: String?) -> String? {
        let ref = reference.trimmed
        guard let base, !base.isEmpty else { return ref.isEmpty ? nil : ref }
        if ref.isEmpty { return base }
        if hasScheme(ref) { return ref }
        if let built = build(ref, base) { return built }
        // libxml2 refuses non-ASCII (IRIs): resolve the percent-encoded form,
        // then turn the escapes we added back into the characters they were.
        guard let built = build(escapeNonASCII(ref), escapeNonASCII(base)) else { return ref }
        return built.removingPercentEncoding.map { decoded in
            decoded.unicodeScalars.contains { $0.value < 0x20 } ? built : decoded
        } ?? built
    }

    private static func build(_ ref: String, _ base: String) -> String? {
        guard let built = xmlBuildURI(ref, base) else { return nil }
        defer { tdx_free(built) }
        return String(cString: built)
    }

    private static func escapeNonASCII(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 >= 0x80 }) else { return s }
        var out = ""
        for byte in s.utf8 {
            if byte >= 0x80 {
                out += "%" + String(byte, radix: 16, uppercase: true)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    /// A link is kept only if it resolves and is not script.
    static func isSafe(_ url: String) -> Bool {
        let lower = url.drop { $0 == " " || $0 == "\t" || $0 == "\n" }.lowercased()
        return !(lower.hasPrefix("javascript:") || lower.hasPrefix("vbscript:") || lower.hasPrefix("data:"))
    }

    private static func hasScheme(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else { return false }
        let scheme = s[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }
}
