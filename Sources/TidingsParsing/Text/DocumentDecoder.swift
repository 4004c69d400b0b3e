import Foundation

/// Turns a feed's bytes into UTF-8 before libxml2 sees them, so that one
/// place decides the encoding and repairs what is broken.
///
/// Precedence (RFC 7303 section 3): a byte order mark, then the charset the
/// caller got from HTTP, then the XML declaration, then the byte pattern of
/// `<?xml` (UTF-16/32 without a BOM, EBCDIC), then UTF-8. A document taken as
/// UTF-8 that holds bytes which are not UTF-8 (the classic Windows-1252
/// "smart quotes" in a feed declared UTF-8) is repaired byte by byte instead
/// of being cut short: valid sequences stay, stray bytes are read as cp1252.
///
/// Two mistakes of real servers are forgiven: white space before the XML
/// declaration (PHP templates print a blank line first), which libxml2
/// refuses and which hid the declared encoding; and a Latin-1 declaration
/// on a document whose every non-ASCII byte belongs to a valid multi-byte
/// UTF-8 sequence, which is UTF-8 saved by a tool that never updated the
/// declaration (Latin-1 text almost never forms such sequences by chance).
enum DocumentDecoder {
    /// The document as UTF-8 bytes, starting at its first `<` when only
    /// white space came before it.
    static func decode(_ bytes: [UInt8], httpCharset: String? = nil) -> [UInt8] {
        if let (name, bomLength) = byteOrderMark(bytes) {
            return droppingLeadingSpace(convert(Array(bytes[bomLength...]), from: name))
        }
        let bytes = droppingLeadingSpace(bytes)
        if let charset = httpCharset?.trimmedOfASCIISpace, !charset.isEmpty {
            return convert(bytes, from: charset)
        }
        if let sniffed = sniffUnmarked(bytes) {
            if sniffed == "EBCDIC" {
                let declared = declaredEncoding(Transcoder.convert(Array(bytes.prefix(200)), from: "IBM037") ?? [])
                return convert(bytes, from: declared ?? "IBM037")
            }
            return convert(bytes, from: sniffed)
        }
        if let declared = declaredEncoding(bytes) {
            return convert(bytes, from: declared)
        }
        return convert(bytes, from: "UTF-8")
    }

    /// White space before the first `<`, dropped; the bytes as they are
    /// when anything else comes first (a UTF-16 document starts with NUL
    /// or `<` and keeps its pattern for sniffing).
    static func droppingLeadingSpace(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = bytes.first, FastText.isSpace(first),
              let start = bytes.firstIndex(where: { !FastText.isSpace($0) }),
              bytes[start] == UInt8(ascii: "<") else { return bytes }
        return Array(bytes[start...])
    }

    /// Latin-1 and its Windows superset, by the names documents use.
    private static let latin1Names: Set<String> = [
        "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252",
    ]

    private static func convert(_ bytes: [UInt8], from encoding: String) -> [UInt8] {
        if latin1Names.contains(encoding.lowercased()), bytes.contains(where: { $0 >= 0x80 }), UTF8Repair.isValid(bytes) {
            return bytes
        }
        switch encoding.lowercased() {
        case "utf-8", "utf8", "us-ascii", "ascii":
            return UTF8Repair.repair(bytes)
        case "utf-16", "utf16", "utf-32", "utf32", "unicode":
            // A width without a byte order: the byte pattern decides. A document
            // declaring UTF-16 without the pattern is a lie we survive as UTF-8.
            guard let sniffed = sniffUnmarked(bytes), let out = Transcoder.convert(bytes, from: sniffed) else {
                return UTF8Repair.repair(bytes)
            }
            return stripBOM(out)
        default:
            guard let out = Transcoder.convert(bytes, from: encoding) else { return UTF8Repair.repair(bytes) }
            return stripBOM(out)
        }
    }

    private static func stripBOM(_ b: [UInt8]) -> [UInt8] {
        b.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(b.dropFirst(3)) : b
    }

    private static func byteOrderMark(_ b: [UInt8]) -> (String, Int)? {
        if b.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return ("UTF-32BE", 4) }
        if b.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return ("UTF-32LE", 4) }
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return ("UTF-8", 3) }
        if b.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        if b.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        return nil
    }

    /// The `<?xml` byte patterns of XML 1.0 appendix F, for documents without a BOM.
    private static func sniffUnmarked(_ b: [UInt8]) -> String? {
        guard b.count >= 4 else { return nil }
        switch (b[0], b[1], b[2], b[3]) {
        case (0x00, 0x00, 0x00, 0x3C): return "UTF-32BE"
        case (0x3C, 0x00, 0x00, 0x00): return "UTF-32LE"
        case (0x00, 0x3C, 0x00, _): return "UTF-16BE"
        case (0x3C, 0x00, _, 0x00): return "UTF-16LE"
        case (0x4C, 0x6F, 0xA7, 0x94): return "EBCDIC"
        default: return nil
        }
    }

    /// The `encoding="..."` of an XML declaration at the very start.
    static func declaredEncoding(_ b: [UInt8]) -> String? {
        let head = b.prefix(512)
        guard head.starts(with: Array("<?xml".utf8)) else { return nil }
        guard let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let decl = String(decoding: head[..<end], as: UTF8.self)
        guard let r = decl.range(of: "encoding") else { return nil }
        var rest = decl[r.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        rest = rest.dropFirst()
        guard let close = rest.firstIndex(of: quote) else { return nil }
        let name = String(rest[..<close]).trimmedOfASCIISpace
        return name.isEmpty ? nil : name
    }
}
