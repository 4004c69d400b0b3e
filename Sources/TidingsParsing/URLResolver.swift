internal import CLibXML2

/// RFC 3986 reference resolution through libxml2's `xmlBuildURI`, which keeps
/// IRIs (non-ASCII) intact where Foundation's URL gives up on them.
enum URLResolver {
    static func resolve(_ reference: String, against base: String?) -> String? {
        let ref = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let base, !base.isEmpty else { return ref.isEmpty ? nil : ref }
        if ref.isEmpty { return base }
        if hasScheme(ref) { return ref }
        guard let built = xmlBuildURI(ref, base) else { return ref }
        defer { tdx_free(built) }
        return String(cString: built)
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
