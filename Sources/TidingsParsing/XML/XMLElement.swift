/// A lightweight element tree built from SAX2 events. Format readers walk it;
/// it carries no libxml2 pointer. Namespaces are canonical tokens (see
/// `Namespace`) so readers match by URI, never by the prefix a feed chose.
final class XMLElement {
    let name: String
    /// `var` so that a feed whose root uses an unknown default namespace can be adopted (see `adopt`).
    var namespace: String
    let attributes: [XMLAttribute]
    var children: [XMLChild] = []
    /// The effective `xml:base` (inherited, resolved) for this element's content.
    private(set) var base: String?
    /// The effective `xml:lang`, inherited from ancestors.
    let language: String?

    init(name: String, namespace: String, attributes: [XMLAttribute], base: String?, language: String?) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.base = base
        self.language = language
    }

    func attribute(_ name: String, namespace: String = "") -> String? {
        for a in attributes where a.name == name && a.namespace == namespace { return a.value }
        return nil
    }

    /// Case-insensitive attribute lookup for the loose attribute names feeds use (`isPermaLink`).
    func attribute(caseInsensitive name: String) -> String? {
        let wanted = name.lowercased()
        for a in attributes where a.namespace.isEmpty && a.name.lowercased() == wanted { return a.value }
        return nil
    }

    var elements: some Sequence<XMLElement> {
        children.lazy.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    func first(_ name: String, in namespaces: [String]) -> XMLElement? {
        elements.first { $0.name == name && namespaces.contains($0.namespace) }
    }

    func first(_ name: String, in namespace: String) -> XMLElement? {
        elements.first { $0.name == name && $0.namespace == namespace }
    }

    func all(_ name: String, in namespace: String) -> [XMLElement] {
        elements.filter { $0.name == name && $0.namespace == namespace }
    }

    /// Re-labels every element in `from` as `to`: a `<feed>` or `<rss>` in a
    /// made-up default namespace is read as the format it plainly is.
    func adopt(namespace from: String, as to: String) {
        if namespace == from { namespace = to }
        for case .element(let e) in children { e.adopt(namespace: from, as: to) }
    }

    /// Replaces the document's own base where no `xml:base` overrode it.
    func rebase(from old: String?, to new: String) {
        if base == old { base = new }
        for case .element(let e) in children { e.rebase(from: old, to: new) }
    }

    /// All character data below this element, in document order.
    var text: String {
        // The usual case, one text node, needs no copy.
        if children.count == 1, case .text(let only) = children[0] { return only }
        var out = ""
        appendText(to: &out)
        return out
    }

    private func appendText(to out: inout String) {
        for child in children {
            switch child {
            case .text(let t): out += t
            case .element(let e): e.appendText(to: &out)
            }
        }
    }

    /// True when the element holds child elements (e.g. unescaped HTML in an RSS description).
    var hasElementChildren: Bool {
        children.contains { if case .element = $0 { true } else { false } }
    }
}

struct XMLAttribute {
    let name: String
    let namespace: String
    let value: String
}

enum XMLChild {
    case element(XMLElement)
    case text(String)
}
