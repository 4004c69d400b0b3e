/// What the readers ask of HTML: a safe rendering, or plain text.
enum HTMLContent {
    struct Rendering {
        var html: String
        var text: String
        var firstImage: String?
    }

    static func render(_ fragment: String, base: String?) -> Rendering {
        var fragment = fragment
        return fragment.withUTF8 { render(utf8: $0, base: base) }
    }

    /// Renders an element's character data (escaped HTML, CDATA) straight
    /// from the document's bytes.
    static func render(textOf element: XMLElement, base: String?) -> Rendering {
        element.withText { render(utf8: $0, base: base) }
    }

    private static func render(utf8 fragment: UnsafeBufferPointer<UInt8>, base: String?) -> Rendering {
        if !needsParsing(fragment) {
            let source = String(utf8: fragment)
            return Rendering(html: source.trimmedOfASCIISpace, text: TextFolder.fold(source), firstImage: nil)
        }
        var renderer = HTMLRenderer(base: base, capacity: fragment.count)
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
        var s = s
        return s.withUTF8 { needsParsing($0) }
    }

    private static func needsParsing(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        FastText.find(UInt8(ascii: "<"), in: bytes) != nil || FastText.find(UInt8(ascii: "&"), in: bytes) != nil
    }
}
