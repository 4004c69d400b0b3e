/// What the readers ask of HTML: a safe rendering, or plain text.
enum HTMLContent {
    struct Rendering {
        var html: String
        var text: String
        var firstImage: String?
    }

    static func render(_ fragment: String, base: String?) -> Rendering {
        if !needsParsing(fragment) {
            let text = TextFolder.fold(fragment)
            return Rendering(html: fragment.trimmed, text: text, firstImage: nil)
        }
        var renderer = HTMLRenderer(base: base, capacity: fragment.utf8.count)
        HTMLWalker.walk(fragment, into: &renderer)
        return renderer.finish()
    }

    /// Renders markup that is already an element tree (XHTML content, HTML
    /// written unescaped inside an RSS description).
    static func render(childrenOf element: XMLElement, base: String?) -> Rendering {
        var renderer = HTMLRenderer(base: base)
        element.visitChildren(with: &renderer)
        return renderer.finish()
    }

    /// Plain text of HTML with paragraphs kept as blank-line-separated blocks.
    static func text(_ fragment: String) -> String {
        if !needsParsing(fragment) { return TextFolder.fold(fragment) }
        var renderer = HTMLRenderer(base: nil, capacity: fragment.utf8.count)
        HTMLWalker.walk(fragment, into: &renderer)
        return renderer.finish().text
    }

    /// One line of text: for titles.
    static func line(_ fragment: String) -> String {
        TextFolder.fold(text(fragment).replacing(byte: 0x0A, with: 0x20))
    }

    private static func needsParsing(_ s: String) -> Bool {
        s.containsByte(UInt8(ascii: "<")) || s.containsByte(UInt8(ascii: "&"))
    }
}
