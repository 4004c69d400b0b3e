extension XMLElement {
    /// The element's children written back as markup: for XHTML content and
    /// for HTML that a feed put unescaped inside an RSS description.
    var innerXML: String {
        var out = ""
        for child in children { Self.write(child, to: &out) }
        return out
    }

    /// What to hand the HTML renderer for this element's content.
    var htmlSource: String { hasElementChildren ? innerXML : text }

    private static func write(_ child: XMLChild, to out: inout String) {
        switch child {
        case .text(let t):
            out += HTMLRenderer.escape(t, quotes: false)
        case .element(let e):
            out += "<" + e.name
            for a in e.attributes where a.namespace.isEmpty {
                out += " " + a.name + "=\"" + HTMLRenderer.escape(a.value, quotes: true) + "\""
            }
            out += ">"
            for c in e.children { write(c, to: &out) }
            out += "</" + e.name + ">"
        }
    }

    /// Trimmed text, nil when empty.
    var trimmedText: String? {
        let t = text.trimmed
        return t.isEmpty ? nil : t
    }

    /// A link-valued element or attribute resolved against this element's base.
    func resolve(_ reference: String?) -> String? {
        guard let reference else { return nil }
        // An empty reference is the base itself (RFC 3986 5.2), when there is one.
        if reference.trimmed.isEmpty { return base }
        guard URLResolver.isSafe(reference) else { return nil }
        return URLResolver.resolve(reference, against: base)
    }
}
