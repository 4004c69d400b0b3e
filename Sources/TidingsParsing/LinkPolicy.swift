/// Which links the parser lets through, read the way a browser reads them.
///
/// A browser removes every ASCII tab and newline from a URL, and strips C0
/// controls and spaces from its ends, before it looks at the scheme (WHATWG
/// URL standard, basic URL parser). So `jav&#x0A;ascript:` is `javascript:`
/// to a reader of `content_html`, and a check on the URL as written misses
/// it. Links are cleaned that way first, then kept only when their scheme
/// is on an allowlist, after relative references are resolved against the
/// base (an `xml:base` can itself be a script URL). What is kept is the
/// cleaned form, so what the checks saw is what a consumer gets.
enum LinkPolicy {
    /// What `content_html` may link to or load.
    static let contentSchemes: Set<String> = ["http", "https", "mailto"]

    /// The article's own links (`url`, attachments, images): the content's
    /// schemes, and `ftp` and `magnet` for file and torrent enclosures.
    static let articleSchemes: Set<String> = contentSchemes.union(["ftp", "magnet"])

    /// The reference cleaned and made absolute against `base`, or nil when
    /// its scheme is not in `schemes`. An empty reference is the base itself
    /// (RFC 3986 5.2). A relative reference with no base to resolve it
    /// against stays relative: it cannot carry a scheme.
    static func resolve(_ reference: String, against base: String?, allowing schemes: Set<String>) -> String? {
        let cleaned = browserForm(reference)
        let resolved: String
        if cleaned.isEmpty {
            guard let base else { return nil }
            resolved = base
        } else if scheme(of: cleaned) != nil {
            resolved = cleaned
        } else {
            guard let r = URLResolver.resolve(cleaned, against: base) else { return nil }
            resolved = r
        }
        if let scheme = scheme(of: resolved), !schemes.contains(scheme) { return nil }
        return resolved
    }

    /// The URL as a browser reads it before parsing: without leading and
    /// trailing C0 controls and spaces, and without any tab, line feed or
    /// carriage return.
    static func browserForm(_ url: String) -> String {
        guard url.utf8.contains(where: { $0 <= 0x20 }) else { return url }
        var bytes = Array(url.utf8)
        while let last = bytes.last, last <= 0x20 { bytes.removeLast() }
        let start = bytes.firstIndex { $0 > 0x20 } ?? bytes.endIndex
        bytes = bytes[start...].filter { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The scheme, lower-cased, when the URL starts with one (RFC 3986: a
    /// letter, then letters, digits, `+`, `-` or `.`, then `:`); nil for a
    /// relative reference.
    static func scheme(of url: String) -> String? {
        var length = 0
        for b in url.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                length += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                guard length > 0 else { return nil }
                length += 1
            case UInt8(ascii: ":"):
                guard length > 0 else { return nil }
                return String(decoding: url.utf8.prefix(length), as: UTF8.self).lowercased()
            default:
                return nil
            }
        }
        return nil
    }
}
