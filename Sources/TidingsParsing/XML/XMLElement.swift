/// One element of an `XMLDocument`, as format readers see it. It carries no
/// libxml2 pointer. Namespaces are canonical tokens (see `Namespace`) so
/// readers match by URI, never by the prefix a feed chose.
struct XMLElement: Equatable {
    let document: XMLDocument
    let index: Int32

    static func == (a: XMLElement, b: XMLElement) -> Bool { a.document === b.document && a.index == b.index }

    private var node: XMLDocument.Node { document.nodes[Int(index)] }

    var name: String { document.strings[Int(node.name)] }
    var namespace: String { document.strings[Int(node.namespace)] }
    /// The effective `xml:base` (inherited, resolved) for this element's content.
    var base: String? { document.string(node.base) }
    /// The effective `xml:lang`, inherited from ancestors.
    var language: String? { document.string(node.language) }

    var attributes: ArraySlice<XMLAttribute> {
        let n = node
        return document.attributes[Int(n.start)..<Int(n.start + n.count)]
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

    var elements: ChildElements { ChildElements(document: document, cursor: node.firstChild) }

    func first(_ name: String, in namespaces: [String]) -> XMLElement? {
        elements.first { $0.isNamed(name) && namespaces.contains($0.namespace) }
    }

    func first(_ name: String, in namespace: String) -> XMLElement? {
        elements.first { $0.isNamed(name) && $0.namespace == namespace }
    }

    func all(_ name: String, in namespace: String) -> [XMLElement] {
        elements.filter { $0.isNamed(name) && $0.namespace == namespace }
    }

    /// Whether any child element is in `namespace`: most items carry no
    /// Media RSS or iTunes elements, and one pass says so.
    func hasChild(in namespace: String) -> Bool {
        elements.contains { $0.namespace == namespace }
    }

    /// Name equality with the cheap test first: readers ask for a few dozen
    /// names per item, and most names differ from the one asked for in length.
    @inline(__always)
    func isNamed(_ wanted: String) -> Bool {
        let name = self.name
        return name.utf8.count == wanted.utf8.count && name == wanted
    }

    /// All character data below this element, in document order.
    var text: String { withText { String(utf8: $0) } }

    /// The character data below this element as UTF-8, without making a String.
    func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let only = onlyTextChild {
            return document.text.withUnsafeBufferPointer {
                body(UnsafeBufferPointer(rebasing: $0[Int(only.start)..<Int(only.start + only.count)]))
            }
        }
        var bytes: [UInt8] = []
        appendText(of: index, to: &bytes)
        return bytes.withUnsafeBufferPointer(body)
    }

    var hasText: Bool { withText { !$0.isEmpty } }

    /// True when the element holds child elements (e.g. unescaped HTML in an RSS description).
    var hasElementChildren: Bool {
        var cursor = node.firstChild
        while cursor >= 0 {
            let child = document.nodes[Int(cursor)]
            if !child.isText { return true }
            cursor = child.nextSibling
        }
        return false
    }

    /// The common case, a single text node: readable without a copy.
    private var onlyTextChild: XMLDocument.Node? {
        let n = node
        guard n.firstChild >= 0, n.firstChild == n.lastChild else { return nil }
        let child = document.nodes[Int(n.firstChild)]
        return child.isText ? child : nil
    }

    private func appendText(of element: Int32, to out: inout [UInt8]) {
        var cursor = document.nodes[Int(element)].firstChild
        while cursor >= 0 {
            let child = document.nodes[Int(cursor)]
            if child.isText {
                out.append(contentsOf: document.text[Int(child.start)..<Int(child.start + child.count)])
            } else {
                appendText(of: cursor, to: &out)
            }
            cursor = child.nextSibling
        }
    }
}

/// An element's child elements, in document order.
struct ChildElements: Sequence, IteratorProtocol {
    let document: XMLDocument
    var cursor: Int32

    mutating func next() -> XMLElement? {
        while cursor >= 0 {
            let index = cursor
            let node = document.nodes[Int(index)]
            cursor = node.nextSibling
            if !node.isText { return XMLElement(document: document, index: index) }
        }
        return nil
    }
}

/// A child of an element: the unit that markup is written back from.
enum XMLChild {
    case element(XMLElement)
    case text(UnsafeBufferPointer<UInt8>)
}

extension XMLElement {
    /// Every child, text and element, in document order. The text buffers are
    /// valid only inside `body`.
    func forEachChild(_ body: (XMLChild) -> Void) {
        document.text.withUnsafeBufferPointer { text in
            var cursor = node.firstChild
            while cursor >= 0 {
                let child = document.nodes[Int(cursor)]
                if child.isText {
                    body(.text(UnsafeBufferPointer(rebasing: text[Int(child.start)..<Int(child.start + child.count)])))
                } else {
                    body(.element(XMLElement(document: document, index: cursor)))
                }
                cursor = child.nextSibling
            }
        }
    }
}

struct XMLAttribute {
    let name: String
    let namespace: String
    let value: String
}
