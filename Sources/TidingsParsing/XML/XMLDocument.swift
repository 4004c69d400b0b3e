/// A parsed XML document kept in four flat arrays: nodes linked by index,
/// every attribute, every byte of character data, and the strings that
/// names, namespaces, bases and languages share. A feed of a thousand
/// elements costs a handful of allocations rather than an object, a child
/// array and a String for each, and text stays UTF-8 bytes until a reader
/// asks for it (content is handed to the HTML parser without ever being a
/// String). Readers see it through `XMLElement` handles.
final class XMLDocument {
    struct Node {
        /// Index in `strings`, or `XMLDocument.textNode` for character data.
        var name: Int32
        var namespace: Int32
        var firstChild: Int32 = XMLDocument.nothing
        var lastChild: Int32 = XMLDocument.nothing
        var nextSibling: Int32 = XMLDocument.nothing
        /// A range of `attributes` (elements) or of `text` (text nodes).
        var start: Int32
        var count: Int32
        /// Indexes in `strings`: the effective `xml:base` and `xml:lang`.
        var base: Int32
        var language: Int32

        var isText: Bool { name == XMLDocument.textNode }
    }

    static let nothing: Int32 = -1
    static let textNode: Int32 = -2

    // One parse builds and reads a document, on one thread; every read goes
    // through these arrays, so the run-time exclusivity checks (which cost
    // more than the reads) are off. The compiler still checks statically.
    @exclusivity(unchecked) private(set) var nodes: [Node] = []
    @exclusivity(unchecked) private(set) var attributes: [XMLAttribute] = []
    @exclusivity(unchecked) private(set) var text: [UInt8] = []
    @exclusivity(unchecked) private(set) var strings: [String] = []

    init(capacity: Int) {
        text.reserveCapacity(capacity)
        nodes.reserveCapacity(capacity / 64)
    }

    var root: XMLElement? { nodes.isEmpty ? nil : XMLElement(document: self, index: 0) }

    func string(_ index: Int32) -> String? {
        index < 0 ? nil : strings[Int(index)]
    }

    // MARK: - Building (XMLTreeBuilder only)

    /// Stores a string once; the builder keeps its own maps so that each
    /// distinct name is added once per document.
    func add(_ string: String) -> Int32 {
        strings.append(string)
        return Int32(strings.count - 1)
    }

    /// Attributes are stored before the element they belong to is added.
    func appendAttribute(_ attribute: XMLAttribute) {
        attributes.append(attribute)
    }

    /// Adds an element as the last child of `parent` (`nothing` for the root),
    /// owning the attributes stored since `attributesFrom`.
    func appendElement(name: Int32, namespace: Int32, attributesFrom start: Int,
                       base: Int32, language: Int32, parent: Int32) -> Int32 {
        append(Node(name: name, namespace: namespace, start: Int32(start), count: Int32(attributes.count - start),
                    base: base, language: language), to: parent)
    }

    /// Character data is stored as it arrives, then closed into a text node.
    func appendTextBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        text.append(contentsOf: bytes)
    }

    /// Replaces the text stored since `start` (a repair of what arrived).
    func replaceText(from start: Int, with bytes: UnsafeBufferPointer<UInt8>) {
        text.replaceSubrange(start..., with: bytes)
    }

    /// Makes the text stored since `start` a text node, the last child of `parent`.
    func closeText(from start: Int, parent: Int32) {
        let owner = nodes[Int(parent)]
        _ = append(Node(name: Self.textNode, namespace: Self.nothing, start: Int32(start), count: Int32(text.count - start),
                        base: owner.base, language: owner.language), to: parent)
    }

    private func append(_ node: Node, to parent: Int32) -> Int32 {
        let index = Int32(nodes.count)
        nodes.append(node)
        guard parent >= 0 else { return index }
        let last = nodes[Int(parent)].lastChild
        if last >= 0 { nodes[Int(last)].nextSibling = index } else { nodes[Int(parent)].firstChild = index }
        nodes[Int(parent)].lastChild = index
        return index
    }

    // MARK: - Whole-document rewrites (FeedParser)

    /// Re-labels every element in namespace `from` as `to`: a `<feed>` or
    /// `<rss>` in a made-up default namespace is read as the format it plainly is.
    func adopt(namespace from: String, as to: String) {
        let target = add(to)
        for i in nodes.indices where !nodes[i].isText && strings[Int(nodes[i].namespace)] == from {
            nodes[i].namespace = target
        }
    }

    /// Gives the document a new base (a file read from disk takes its
    /// site's address) and works every element's effective base out again
    /// from its `xml:base`, so that a relative `xml:base` on an item
    /// resolves against the new base too. Iterative, like every walk.
    func rebase(to site: String) {
        guard !nodes.isEmpty else { return }
        let siteIndex = add(site)
        var open: [Int32] = [], bases: [Int32] = []
        var cursor: Int32 = 0
        while true {
            while cursor < 0 {
                guard let parent = open.popLast() else { return }
                bases.removeLast()
                cursor = nodes[Int(parent)].nextSibling
            }
            let node = nodes[Int(cursor)]
            var base = bases.last ?? siteIndex
            if !node.isText {
                for a in attributes[Int(node.start)..<Int(node.start + node.count)]
                where a.namespace == Namespace.xml && a.name == "base" {
                    base = add(URLResolver.resolve(a.value, against: string(base)) ?? a.value)
                }
            }
            nodes[Int(cursor)].base = base
            if node.isText {
                cursor = node.nextSibling
            } else {
                open.append(cursor)
                bases.append(base)
                cursor = node.firstChild
            }
        }
    }
}
