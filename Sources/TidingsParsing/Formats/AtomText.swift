import Foundation

/// Atom text constructs in their 1.0 form (`type="text|html|xhtml"`) and 0.3
/// form (`type` a MIME type, `mode="xml|escaped|base64"`).
enum AtomText {
    enum Kind { case text, html, xhtml }

    static func kind(_ e: XMLElement) -> Kind {
        let type = (e.attribute("type") ?? "").lowercased().trimmedOfASCIISpace
        let mode = (e.attribute("mode") ?? "").lowercased()
        switch type {
        case "html", "text/html": return .html
        case "xhtml", "application/xhtml+xml": return .xhtml
        case "text", "text/plain":
            return mode == "escaped" && type == "" ? .html : .text
        default:
            if mode == "escaped" || isBinaryType(type) { return .html }
            if e.hasElementChildren { return .xhtml }
            return type.isEmpty || type.hasPrefix("text/") ? .text : .html
        }
    }

    /// The construct as HTML source, ready for the renderer.
    static func html(_ e: XMLElement) -> String {
        let raw = rawValue(e)
        switch kind(e) {
        case .text: return HTMLRenderer.escape(raw, quotes: false)
        case .html: return raw
        case .xhtml:
            if let div = e.elements.first(where: { $0.name == "div" }), e.elements.count(where: { _ in true }) == 1 {
                return div.innerXML
            }
            return e.innerXML
        }
    }

    /// The construct rendered as sanitized HTML. Escaped HTML, by far the
    /// most common kind, goes to the renderer straight from the document's
    /// bytes; the other kinds are worked out as `html(_:)` says.
    static func render(_ e: XMLElement, base: String?) -> HTMLContent.Rendering {
        let kind = kind(e)
        if kind == .xhtml, isMarkup(e) { return HTMLContent.render(childrenOf: xhtmlRoot(e), base: base) }
        if kind == .html, !e.hasElementChildren, !isBase64(e) { return HTMLContent.render(textOf: e, base: base) }
        return HTMLContent.render(html(e), base: base)
    }

    private static func isBase64(_ e: XMLElement) -> Bool {
        e.attribute("mode")?.lowercased() == "base64" || isBinaryType(e.attribute("type"))
    }

    /// The element whose children are the XHTML content: the wrapping
    /// `<div>` when there is exactly one, else the construct itself.
    static func xhtmlRoot(_ e: XMLElement) -> XMLElement {
        var only: XMLElement?
        for child in e.elements {
            if only != nil { return e }
            only = child
        }
        if let only, only.name == "div" { return only }
        return e
    }

    /// The construct as one line of plain text (titles).
    static func line(_ e: XMLElement) -> String {
        kind(e) == .text ? TextFolder.fold(rawValue(e)) : HTMLContent.line(html(e))
    }

    /// The construct as plain text with paragraphs (subtitles, summaries).
    static func block(_ e: XMLElement) -> String {
        kind(e) == .text ? TextFolder.fold(rawValue(e)) : HTMLContent.text(html(e))
    }

    /// XHTML held as elements (not base64 or escaped text).
    static func isMarkup(_ e: XMLElement) -> Bool {
        e.attribute("mode")?.lowercased() != "base64" && e.attribute("mode")?.lowercased() != "escaped" && e.hasElementChildren
    }

    /// RFC 4287 3.1.1.3 / 4.1.3.3: a type that is not text and not XML is base64.
    private static func isBinaryType(_ type: String?) -> Bool {
        guard let t = type?.lowercased(), t.containsByte(UInt8(ascii: "/")) else { return false }
        return !(t.hasPrefix("text/") || t.hasSuffix("+xml") || t.hasSuffix("/xml"))
    }

    private static func rawValue(_ e: XMLElement) -> String {
        if isBase64(e) {
            let cleaned = e.text.filter { !$0.isWhitespace }
            if let data = Data(base64Encoded: cleaned, options: .ignoreUnknownCharacters) {
                return String(decoding: data, as: UTF8.self)
            }
        }
        guard e.hasElementChildren, kind(e) != .text else { return e.text }
        // type="html" wrapped in an XHTML div by mistake: the div's text is the HTML.
        if kind(e) == .html, let only = e.elements.first(where: { _ in true }), e.elements.count(where: { _ in true }) == 1,
           only.namespace == Namespace.xhtml, only.name == "div", !only.hasElementChildren {
            return only.text
        }
        return e.innerXML
    }
}
