extension XMLElement {
    /// Feeds this element's children to an HTML visitor directly: XHTML
    /// content is already a tree, so writing it out as markup only for the
    /// HTML parser to read it back would do the work twice.
    func visitChildren<V: HTMLVisitor>(with visitor: inout V, depth: Int = 0) {
        for child in children {
            switch child {
            case .text(var t):
                t.withUTF8 { visitor.text($0) }
            case .element(let e):
                guard depth < HTMLWalker.maximumDepth else {
                    e.visitChildren(with: &visitor, depth: depth + 1)
                    continue
                }
                let attributes = e.attributes.filter { $0.namespace.isEmpty }.map { (name: $0.name.lowercased(), value: $0.value) }
                if visitor.open(e.name, attributes: attributes) {
                    e.visitChildren(with: &visitor, depth: depth + 1)
                    visitor.close(e.name)
                }
            }
        }
    }
}
