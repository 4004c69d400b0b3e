extension XMLElement {
    /// The element's children written back as markup: for XHTML content and
    /// for HTML that a feed put unescaped inside an RSS description.
    var innerXML: String {
        var out: [UInt8] = []
        Self.writeChildren(of: self, to: &out)
        return String(utf8: out)
    }

    /// What to hand the HTML renderer for this element's content.
    var htmlSource: String { hasElementChildren ? innerXML : text }

    private static func writeChildren(of element: XMLElement, to out: inout [UInt8]) {
        element.walkDescendants(enter: { e, _ in
            out.append(UInt8(ascii: "<"))
            out.append(contentsOf: e.name.utf8)
            for a in e.attributes where a.namespace.isEmpty {
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: a.name.utf8)
                out.append(contentsOf: "=\"".utf8)
                HTMLRenderer.escape(a.value.utf8, quotes: true, into: &out)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: ">"))
            return true
        }, text: { HTMLRenderer.escape($0, quotes: false, into: &out) }, leave: { e, _ in
            out.append(contentsOf: "</".utf8)
            out.append(contentsOf: e.name.utf8)
            out.append(UInt8(ascii: ">"))
        })
    }

    /// Trimmed text, nil when empty.
    var trimmedText: String? {
        let t = text.trimmedOfASCIISpace
        return t.isEmpty ? nil : t
    }

    /// A link-valued element or attribute resolved against this element's base.
    func resolve(_ reference: String?) -> String? {
        guard let reference else { return nil }
        return LinkPolicy.resolve(reference, against: base, allowing: LinkPolicy.articleSchemes)
    }
}
