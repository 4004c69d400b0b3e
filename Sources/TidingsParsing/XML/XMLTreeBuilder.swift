internal import CLibXML2

/// Builds an `XMLDocument` with libxml2's SAX2 push parser.
///
/// Only libxml2's callbacks touch a builder, one at a time, so the hot fields
/// skip the run-time exclusivity checks, which cost more than their work.
///
/// Why SAX2 push and not xmlReader: in libxml2 2.9 the reader stops at the
/// first well-formedness error while the push parser recovers and keeps the
/// items after it. Why a tree: formats need look-ahead (an RSS item's link
/// may follow its enclosure), and feeds are small next to the network cost.
///
/// Safety: `XML_PARSE_NONET`, recovery on, no entity substitution, no DTD
/// loading. Entity declarations in the internal subset are not stored, so
/// nothing can expand (billion laughs has nothing to multiply) and no
/// external entity is ever read. Undeclared HTML named entities (`&eacute;`),
/// which real feeds use all the time, are answered from the HTML5 table.
final class XMLTreeBuilder {
    /// Elements nested deeper than this are not kept as elements: their
    /// text goes to the element at this depth. Real feeds nest a few dozen
    /// levels; the bound keeps every later walk over the tree shallow, so a
    /// hostile document (a million nested `<div>`) cannot exhaust a stack.
    static let maximumDepth = 256

    fileprivate let document: XMLDocument
    /// Our open elements, innermost last; never deeper than `maximumDepth`.
    @exclusivity(unchecked) private var stack: [Int32] = []
    /// libxml2's open elements, innermost last: the node each one became,
    /// or `nothing` for one we did not keep (too deep, a second root).
    /// Ours can close earlier than libxml2's (an unclosed `<item>` ended by
    /// the next one, a mismatched end tag): an end for an element that is
    /// no longer open on our side is ignored.
    @exclusivity(unchecked) private var parserElements: [Int32] = []
    /// Names of elements that never contain themselves (`item`, `entry`):
    /// opening one closes an open one of the same name and namespace.
    @exclusivity(unchecked) private var selfClosingNames: [Int32] = []
    /// Where the text node being received starts in the document's text, if one is.
    @exclusivity(unchecked) private var textStart: Int?
    private let documentBase: Int32
    private(set) var firstError: ParseError?
    private var context: xmlParserCtxtPtr?

    init(documentBase: String?, capacity: Int) {
        document = XMLDocument(capacity: capacity)
        self.documentBase = documentBase.map(document.add) ?? XMLDocument.nothing
        noNamespace = document.add(Namespace.none)
    }

    /// Parses UTF-8 bytes (the caller has already transcoded) into a document
    /// and returns its root element.
    static func parse(utf8 bytes: [UInt8], base: String?) throws(ParseError) -> XMLElement {
        _ = LibXML2Setup.ready
        let builder = XMLTreeBuilder(documentBase: base, capacity: bytes.count)
        try builder.run(bytes)
        guard let root = builder.document.root else {
            throw builder.firstError ?? ParseError.notXML("no root element")
        }
        return root
    }

    private func run(_ bytes: [UInt8]) throws(ParseError) {
        var handler = Self.makeHandler()
        let me = Unmanaged.passUnretained(self).toOpaque()
        guard let ctxt = xmlCreatePushParserCtxt(&handler, me, nil, 0, nil) else {
            throw ParseError.internalFailure("libxml2 could not create a parser")
        }
        context = ctxt
        defer {
            context = nil
            // An entity declaration makes libxml2 build a "SAX compatibility"
            // document behind our back; it is ours to free.
            if let doc = ctxt.pointee.myDoc {
                xmlFreeDoc(doc)
                ctxt.pointee.myDoc = nil
            }
            xmlFreeParserCtxt(ctxt)
        }
        let options = XML_PARSE_NONET.rawValue | XML_PARSE_RECOVER.rawValue
            | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOERROR.rawValue
        xmlCtxtUseOptions(ctxt, Int32(options))
        xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
        // A single xmlParseChunk over 10 MB fails ("Huge input lookup"): feed 1 MiB at a time.
        let chunk = 1 << 20
        var offset = 0
        bytes.withUnsafeBufferPointer { buf in
            guard let basePtr = buf.baseAddress else { return }
            basePtr.withMemoryRebound(to: CChar.self, capacity: buf.count) { chars in
                while offset < buf.count {
                    let n = min(chunk, buf.count - offset)
                    xmlParseChunk(ctxt, chars + offset, Int32(n), 0)
                    offset += n
                    if ctxt.pointee.disableSAX != 0 { break }
                }
                xmlParseChunk(ctxt, nil, 0, 1)
            }
        }
        while !stack.isEmpty { closeElement() }
    }

    /// Internal general entities the document declared, if simple: plain
    /// text with no references inside, so no expansion can ever nest.
    private(set) var declaredEntities: [String: String] = [:]

    fileprivate func declare(entity name: String, text: String) {
        guard declaredEntities.count < 64, text.utf8.count <= 1024,
              !text.contains("&"), !text.contains("<"), !text.contains("%") else { return }
        declaredEntities[name] = text
    }

    // MARK: - Events

    /// False for a second root element and past the depth bound: the
    /// element is not kept (its text still is, below the bound).
    fileprivate var acceptsElement: Bool {
        (!stack.isEmpty || document.nodes.isEmpty) && stack.count < Self.maximumDepth
    }

    /// libxml2 opened an element that we do not keep.
    fileprivate func skipElement() {
        parserElements.append(XMLDocument.nothing)
    }

    /// Starts an element whose attributes were stored since `attributesFrom`.
    fileprivate func startElement(name: Int32, namespace: Int32, attributesFrom start: Int) {
        keepReferences()
        flushText()
        if selfClosingNames.contains(name),
           let open = stack.lastIndex(where: { document.nodes[Int($0)].name == name && document.nodes[Int($0)].namespace == namespace }) {
            // `<item>` inside an unclosed `<item>`: the author forgot an end
            // tag, and each item is a sibling, as a browser would read `<p><p>`.
            while stack.count > open { closeElement() }
        }
        let parent = stack.last ?? XMLDocument.nothing
        var base = parent >= 0 ? document.nodes[Int(parent)].base : documentBase
        var language = parent >= 0 ? document.nodes[Int(parent)].language : XMLDocument.nothing
        for a in document.attributes[start...] where a.namespace == Namespace.xml {
            if a.name == "base" {
                base = document.add(URLResolver.resolve(a.value, against: document.string(base)) ?? a.value)
            }
            if a.name == "lang" {
                language = document.add(a.value.replacing(byte: UInt8(ascii: "_"), with: UInt8(ascii: "-")))
            }
        }
        let node = document.appendElement(name: name, namespace: namespace, attributesFrom: start,
                                          base: base, language: language, parent: parent)
        stack.append(node)
        parserElements.append(node)
    }

    /// libxml2 reports a mismatched end tag (`<b>` closed by `</title>`) as the
    /// end of the element *it* has open (`b`), and then keeps `title` open,
    /// which would swallow every following item. The error it raises just
    /// before carries the end tag's real name; we close up to that element,
    /// as a browser would, so later items stay where the author put them.
    @exclusivity(unchecked) private var mismatchedEndName: String?

    fileprivate func endElement() {
        keepReferences()
        let ended = parserElements.popLast() ?? XMLDocument.nothing
        if let name = mismatchedEndName {
            mismatchedEndName = nil
            if let depth = stack.lastIndex(where: { document.string(document.nodes[Int($0)].name) == name }) {
                while stack.count > depth { closeElement() }
                return
            }
        }
        guard ended >= 0, let depth = stack.lastIndex(of: ended) else { return }
        while stack.count > depth { closeElement() }
    }

    private func closeElement() {
        flushText()
        stack.removeLast()
    }

    fileprivate func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        keepReferences()
        guard !stack.isEmpty else { return }
        if textStart == nil { textStart = document.text.count }
        document.appendTextBytes(bytes)
    }

    /// C1 control characters (U+0080-U+009F) in feed text are Windows-1252
    /// bytes that were decoded as Latin-1 (`don\u{92}t`); HTML5 reads them as
    /// cp1252 too. Checked on the raw bytes so clean text costs one scan.
    fileprivate static func repairingC1Controls(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if (0x80...0x9F).contains(scalar.value) {
                out.append(contentsOf: String(Windows1252.scalar(for: UInt8(scalar.value))).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether the UTF-8 holds U+0080-U+009F (`C2 80` to `C2 9F`): memchr
    /// finds each `C2`, so text without one costs a single scan.
    fileprivate static func hasC1Control(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var from = 0
        while let offset = FastText.find(0xC2, in: UnsafeBufferPointer(rebasing: bytes[from...])) {
            let i = from + offset
            if i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) { return true }
            from = i + 1
        }
        return false
    }

    private func flushText() {
        guard let start = textStart, let top = stack.last else { return }
        textStart = nil
        let repaired: String? = document.text.withUnsafeBufferPointer { text in
            let bytes = UnsafeBufferPointer(rebasing: text[start...])
            return Self.hasC1Control(bytes) ? Self.repairingC1Controls(bytes) : nil
        }
        if var repaired { repaired.withUTF8 { document.replaceText(from: start, with: $0) } }
        document.closeText(from: start, parent: top)
    }

    /// Recovery mode keeps parsing after an error, but libxml2 2.9.14 then
    /// drops every entity reference (`xmlParseReference` returns early once
    /// the document is not well-formed), so one bad tag in one item cost
    /// every later item its escaped markup. libxml2 clears the flag after
    /// our error handler returns, so it is set again at the next event.
    /// We never act on it.
    @inline(__always)
    private func keepReferences() {
        context?.pointee.wellFormed = 1
    }

    fileprivate func recordError(message: String, line: Int, column: Int, level: xmlErrorLevel,
                                 code: Int32, endTagName: String?) {
        if code == Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue), let endTagName {
            mismatchedEndName = endTagName.split(separator: ":").last.map { $0.lowercased() }
        }
        if firstError == nil, level == XML_ERR_FATAL {
            firstError = .notXML("\(message) at line \(line), column \(column)")
        }
        keepReferences()
    }

    // MARK: - Name interning

    /// libxml2 interns element names and namespace URIs in its dictionary, so
    /// within one parse the same pointer always means the same name: convert
    /// each once instead of once per element.
    @exclusivity(unchecked) private var names = InternTable<Int32>()
    @exclusivity(unchecked) private var namespaces = InternTable<Int32>()
    @exclusivity(unchecked) private var undeclaredPrefixes = InternTable<Int32>()
    private let noNamespace: Int32

    fileprivate func name(_ p: UnsafePointer<xmlChar>) -> Int32 {
        names.value(for: UnsafeRawPointer(p)) {
            let name = String(cString: p).lowercased()
            let index = document.add(name)
            if name == "item" || name == "entry" { selfClosingNames.append(index) }
            return index
        }
    }

    /// Attribute names keep their case (`isPermaLink`); interned like element names.
    @exclusivity(unchecked) private var attributeNames = InternTable<String>()

    fileprivate func attributeName(_ p: UnsafePointer<xmlChar>) -> String {
        attributeNames.value(for: UnsafeRawPointer(p)) { String(cString: p) }
    }

    /// An element's namespace, as an index in the document's strings.
    fileprivate func namespace(uri: UnsafePointer<xmlChar>?, prefix: UnsafePointer<xmlChar>?) -> Int32 {
        if let uri {
            return namespaces.value(for: UnsafeRawPointer(uri)) {
                document.add(Namespace.canonical(uri: String(cString: uri)))
            }
        }
        if let prefix {
            return undeclaredPrefixes.value(for: UnsafeRawPointer(prefix)) {
                document.add(Namespace.canonical(undeclaredPrefix: String(cString: prefix)))
            }
        }
        return noNamespace
    }

    /// An attribute's namespace: attributes keep theirs as a String.
    fileprivate func attributeNamespace(uri: UnsafePointer<xmlChar>?, prefix: UnsafePointer<xmlChar>?) -> String {
        let index = namespace(uri: uri, prefix: prefix)
        return document.strings[Int(index)]
    }

    // MARK: - C callbacks

    private static func builder(_ ctx: UnsafeMutableRawPointer?) -> XMLTreeBuilder? {
        guard let ctx else { return nil }
        return Unmanaged<XMLTreeBuilder>.fromOpaque(ctx).takeUnretainedValue()
    }

    /// The builder for the hot callbacks, borrowed without a retain and
    /// release each: `run` holds it for the whole parse.
    @inline(__always)
    private static func with(_ ctx: UnsafeMutableRawPointer?, _ body: (XMLTreeBuilder) -> Void) {
        guard let ctx else { return }
        Unmanaged<XMLTreeBuilder>.fromOpaque(ctx)._withUnsafeGuaranteedRef(body)
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    private static func makeHandler() -> xmlSAXHandler {
        var h = xmlSAXHandler()
        h.initialized = UInt32(XML_SAX2_MAGIC)
        h.startElementNs = { ctx, localname, prefix, uri, _, _, nbAttributes, _, attributes in
            // Element names are matched case-insensitively, as feedparser does (`<TiTlE>`).
            guard let localname else { return }
            XMLTreeBuilder.with(ctx) { b in
                guard b.acceptsElement else { return b.skipElement() }
                let name = b.name(localname)
                let ns = b.namespace(uri: uri, prefix: prefix)
                let start = b.document.attributes.count
                if let attributes, nbAttributes > 0 {
                    for i in 0..<Int(nbAttributes) {
                        let base = i * 5
                        guard let localPointer = attributes[base], case let local = b.attributeName(localPointer),
                              let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
                        // Without entity substitution libxml2 leaves `&amp;` in attributes as `&#38;`.
                        var value = String(utf8: UnsafeBufferPointer(start: start, count: end - start))
                        if value.containsByte(UInt8(ascii: "&")) { value = HTMLEntities.decode(value) }
                        let attrNS = b.attributeNamespace(uri: attributes[base + 2], prefix: attributes[base + 1])
                        b.document.appendAttribute(XMLAttribute(name: local, namespace: attrNS, value: value))
                    }
                }
                b.startElement(name: name, namespace: ns, attributesFrom: start)
            }
        }
        h.endElementNs = { ctx, _, _, _ in XMLTreeBuilder.with(ctx) { $0.endElement() } }
        let text: charactersSAXFunc = { ctx, ch, len in
            guard let ch, len > 0 else { return }
            XMLTreeBuilder.with(ctx) { $0.characters(UnsafeBufferPointer(start: ch, count: Int(len))) }
        }
        h.characters = text
        h.ignorableWhitespace = text
        h.cdataBlock = text
        h.getEntity = { ctx, name in
            guard let name else { return nil }
            let key = String(cString: name)
            if let b = XMLTreeBuilder.builder(ctx), let text = b.declaredEntities[key] {
                return HTMLEntities.predefinedEntity(named: key, text: text)
            }
            return HTMLEntities.predefinedEntity(named: key)
        }
        h.entityDecl = { ctx, name, type, _, _, content in
            guard let b = XMLTreeBuilder.builder(ctx), let name, let content,
                  type == Int32(XML_INTERNAL_GENERAL_ENTITY.rawValue) else { return }
            b.declare(entity: String(cString: name), text: String(cString: content))
        }
        h.serror = { ctx, error in
            guard let b = XMLTreeBuilder.builder(ctx), let error else { return }
            let message = (XMLTreeBuilder.string(error.pointee.message.map { UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self) }) ?? "xml error")
                .trimmedOfASCIISpace
            b.recordError(message: message, line: Int(error.pointee.line),
                          column: Int(error.pointee.int2), level: error.pointee.level,
                          code: error.pointee.code, endTagName: error.pointee.str2.map { String(cString: $0) })
        }
        return h
    }
}
