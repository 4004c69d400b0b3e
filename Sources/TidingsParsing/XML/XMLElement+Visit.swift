extension XMLElement {
    /// Feeds this element's children to an HTML visitor directly: XHTML
    /// content is already a tree, so writing it out as markup only for the
    /// HTML parser to read it back would do the work twice.
    func visitChildren<V: HTMLVisitor>(with visitor: inout V, depth: Int = 0) {
        forEachChild { child in
            switch child {
            case .text(let bytes):
                visitor.text(bytes)
            case .element(let e):
                guard depth < HTMLWalker.maximumDepth else {
                    e.visitChildren(with: &visitor, depth: depth + 1)
                    return
                }
                let tag = HTMLTag.named(e.name)
                if visitor.open(tag, attributes: e.attributes) {
                    e.visitChildren(with: &visitor, depth: depth + 1)
                    visitor.close(tag)
                }
            }
        }
    }
}
