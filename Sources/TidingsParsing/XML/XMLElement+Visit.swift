extension XMLElement {
    /// Feeds this element's children to an HTML visitor directly: XHTML
    /// content is already a tree, so writing it out as markup only for the
    /// HTML parser to read it back would do the work twice. Elements deeper
    /// than the HTML walker's bound are flattened to their text, as there.
    func visitChildren<V: HTMLVisitor>(with visitor: inout V) {
        walkDescendants(enter: { e, depth in
            guard depth < HTMLWalker.maximumDepth else { return true }
            return visitor.open(HTMLTag.named(e.name), attributes: e.attributes)
        }, text: { visitor.text($0) }, leave: { e, depth in
            if depth < HTMLWalker.maximumDepth { visitor.close(HTMLTag.named(e.name)) }
        })
    }
}
