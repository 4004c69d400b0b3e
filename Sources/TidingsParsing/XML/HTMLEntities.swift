internal import CLibXML2
import Foundation
import Synchronization

/// HTML5 named character references for documents that use them without
/// declaring them (`&eacute;` in an RSS title). libxml2 asks the SAX
/// `getEntity` callback first; we answer with an entity of the predefined
/// kind, whose content libxml2 emits as plain characters (no expansion, no
/// recursion). The entities are created once per name and live for the
/// process: at most the 2,124 names of the table.
enum HTMLEntities {
    /// name -> replacement text, from the WHATWG list.
    static let table: [String: String] = {
        var t: [String: String] = [:]
        t.reserveCapacity(2200)
        // Split on bytes: " " followed by U+200D is one Character in Swift,
        // which would hide the separator of `zwj` and `zwnj`.
        for line in HTMLEntityTable.source.utf8.split(separator: UInt8(ascii: "\n")) {
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { continue }
            t[String(decoding: line[..<space], as: UTF8.self)] = String(decoding: line[line.index(after: space)...], as: UTF8.self)
        }
        // HTML 4 meanings, which feeds written for HTML 4 (and feedparser) expect.
        t["lang"] = "\u{2329}"
        t["rang"] = "\u{232A}"
        return t
    }()

    private static let cache = Mutex<[String: UInt]>([:])

    /// The XML predefined five are left to libxml2 itself.
    static func predefinedEntity(named name: String, text: String? = nil) -> xmlEntityPtr? {
        switch name {
        case "amp", "lt", "gt", "quot", "apos": return xmlGetPredefinedEntity(name)
        default: break
        }
        // An unknown name stays in the text as written, rather than vanishing.
        let value = text ?? table[name] ?? "&\(name);"
        // Declared entities are keyed by their text too; the cache is capped so
        // that a stream of hostile documents cannot grow it without bound.
        let key = text == nil ? name : name + "\u{0}" + value
        let address = cache.withLock { cache -> UInt in
            if let existing = cache[key] { return existing }
            guard cache.count < 8192 else { return 0 }
            guard let entity = xmlNewEntity(nil, name, Int32(XML_INTERNAL_PREDEFINED_ENTITY.rawValue),
                                            nil, nil, value) else { return 0 }
            let bits = UInt(bitPattern: entity)
            cache[key] = bits
            return bits
        }
        return xmlEntityPtr(bitPattern: address)
    }

    /// Decodes `&name;`, `&#NN;` and `&#xNN;` in text that is known to be
    /// HTML-escaped (double-escaped titles). Unknown references stay as they are.
    static func decode(_ text: String) -> String {
        guard text.containsByte(UInt8(ascii: "&")) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            guard c == "&", let semi = text[i...].prefix(40).firstIndex(of: ";") else {
                out.append(c)
                i = text.index(after: i)
                continue
            }
            let body = text[text.index(after: i)..<semi]
            if let replacement = decodeReference(body) {
                out += replacement
                i = text.index(after: semi)
            } else {
                out.append(c)
                i = text.index(after: i)
            }
        }
        return out
    }

    private static func decodeReference(_ body: Substring) -> String? {
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let v = value, v != 0, let scalar = Unicode.Scalar(v) else { return nil }
            return String(Character(scalar))
        }
        switch body {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default: return table[String(body)]
        }
    }
}
