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
    let allowedAttributes: Set<String>
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
        allowedAttributes = isAllowed ? SanitizePolicy.attributes(for: name) : []
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
}

/// The attributes of one element, read only when the sanitizer keeps the
/// element: most elements of real content keep none or one.
protocol HTMLAttributes {
    /// Calls `body` with each attribute whose name is in `wanted`.
    func forEach(in wanted: Set<String>, _ body: (String, String) -> Void)
}

extension Array: HTMLAttributes where Element == XMLAttribute {
    func forEach(in wanted: Set<String>, _ body: (String, String) -> Void) {
        for a in self where a.namespace.isEmpty {
            let name = a.name.lowercased()
            if wanted.contains(name) { body(name, a.value) }
        }
    }
}
