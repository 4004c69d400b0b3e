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
        XMLElement(document: document, index: element).walkDescendants(
            enter: { _, _ in true }, text: { out.append(contentsOf: $0) }, leave: { _, _ in })
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

extension XMLElement {
    /// Every descendant in document order, without recursion: `enter` is
    /// called with an element and its depth below this one (0 for a child)
    /// and returns whether to walk into it; `leave` follows the last
    /// descendant of an element walked into. The tree builder bounds depth,
    /// but no walk should rely on that to stay off the call stack. The text
    /// buffers are valid only inside the callback.
    func walkDescendants(enter: (XMLElement, Int) -> Bool, text: (UnsafeBufferPointer<UInt8>) -> Void,
                         leave: (XMLElement, Int) -> Void) {
        document.text.withUnsafeBufferPointer { buffer in
            var open: [Int32] = []
            var cursor = node.firstChild
            while true {
                while cursor < 0 {
                    guard let parent = open.popLast() else { return }
                    leave(XMLElement(document: document, index: parent), open.count)
                    cursor = document.nodes[Int(parent)].nextSibling
                }
                let child = document.nodes[Int(cursor)]
                if child.isText {
                    text(UnsafeBufferPointer(rebasing: buffer[Int(child.start)..<Int(child.start + child.count)]))
                    cursor = child.nextSibling
                } else if enter(XMLElement(document: document, index: cursor), open.count) {
                    open.append(cursor)
                    cursor = child.firstChild
                } else {
                    cursor = child.nextSibling
                }
            }
        }
    }
}

struct XMLAttribute {
    let name: String
    let namespace: String
    let value: String
}
