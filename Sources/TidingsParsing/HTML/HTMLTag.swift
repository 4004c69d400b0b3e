#if canImport(Glibc)
import Glibc
#endif

/// An HTML element name with what the sanitizer thinks of it worked out
/// once, so that the walk does flag tests instead of set lookups and string
/// comparisons per tag. A class: the walk passes tags around constantly, and
/// a reference is one retain where a struct of strings and sets is several.
final class HTMLTag: Sendable {
    let name: String
    let isDropped: Bool
    let isAllowed: Bool
    let isBlock: Bool
    let isVoid: Bool
    let isPre: Bool
    let isBreak: Bool
    let isImage: Bool
    let isWrapper: Bool
    let allowedAttributes: [AttributeName]
    /// The name's bytes, for finding the tag from libxml2's C string.
    private let nameBytes: [UInt8]
    /// `<name` and `</name>`, ready to copy into the output.
    let openMarkup: [UInt8]
    let closeMarkup: [UInt8]

    init(_ name: String) {
        self.name = name
        isDropped = SanitizePolicy.dropped.contains(name)
        isAllowed = SanitizePolicy.allowed.contains(name)
        isBlock = SanitizePolicy.blocks.contains(name)
        isVoid = SanitizePolicy.void.contains(name)
        isPre = name == "pre"
        isBreak = name == "br"
        isImage = name == "img"
        isWrapper = name == "div"
        allowedAttributes = isAllowed ? SanitizePolicy.attributes(for: name).sorted().map(AttributeName.init) : []
        nameBytes = Array(name.utf8)
        openMarkup = Array("<\(name)".utf8)
        closeMarkup = Array("</\(name)>".utf8)
    }

    /// Every tag the policy names, made once; other names are made on demand.
    private static let known: [String: HTMLTag] = {
        var t: [String: HTMLTag] = [:]
        for name in SanitizePolicy.allowed.union(SanitizePolicy.dropped).union(SanitizePolicy.blocks) { t[name] = HTMLTag(name) }
        return t
    }()

    static func named(_ name: String) -> HTMLTag { known[name] ?? HTMLTag(name) }

    /// The tag for a NUL-terminated name from libxml2, without making a
    /// String for the tags the policy knows: a small hash table on the
    /// name's length and end bytes, then a byte comparison.
    static func named(cString p: UnsafePointer<UInt8>) -> HTMLTag {
        let length = strlen(p)
        if length > 0 {
            let name = UnsafeBufferPointer(start: p, count: length)
            for tag in buckets[bucket(name)] where tag.nameBytes.count == length {
                if tag.nameBytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, length) == 0 }) { return tag }
            }
        }
        return named(String(cString: p).lowercased())
    }

    private static func bucket<C: Collection<UInt8>>(_ name: C) -> Int {
        (Int(name.first!) &* 31 &+ Int(name[name.index(name.startIndex, offsetBy: name.count - 1)]) &* 7 &+ name.count) & 63
    }

    private static let buckets: [[HTMLTag]] = {
        var b = [[HTMLTag]](repeating: [], count: 64)
        for tag in known.values { b[bucket(tag.nameBytes)].append(tag) }
        return b
    }()

    /// An attribute the policy lets an element keep, with its bytes for
    /// comparing against libxml2's C strings.
    struct AttributeName: Sendable {
        let name: String
        let bytes: [UInt8]
        /// A link (`href`, `src`...): resolved against the base, dropped if script.
        let isURL: Bool
        let isSource: Bool

        init(_ name: String) {
            self.name = name
            bytes = Array(name.utf8)
            isURL = SanitizePolicy.urlAttributes.contains(name)
            isSource = name == "src"
        }

        /// Whether a NUL-terminated attribute name is this one, ASCII case aside.
        func matches(_ p: UnsafePointer<UInt8>) -> Bool {
            for (i, b) in bytes.enumerated() {
                let c = p[i]
                guard c == b || (c &- 0x41 < 26 && c | 0x20 == b) else { return false }
            }
            return p[bytes.count] == 0
        }
    }
}

/// The attributes of one element, read only when the sanitizer keeps the
/// element: most elements of real content keep none or one.
protocol HTMLAttributes {
    /// Calls `body` with each attribute whose name is in `wanted`.
    func forEach(in wanted: [HTMLTag.AttributeName], _ body: (HTMLTag.AttributeName, String) -> Void)
}

extension ArraySlice: HTMLAttributes where Element == XMLAttribute {
    func forEach(in wanted: [HTMLTag.AttributeName], _ body: (HTMLTag.AttributeName, String) -> Void) {
        for a in self where a.namespace.isEmpty {
            let name = a.name.lowercased()
            if let match = wanted.first(where: { $0.name == name }) { body(match, a.value) }
        }
    }
}
