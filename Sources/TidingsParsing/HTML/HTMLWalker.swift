internal import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// Events of one walk over an HTML fragment, in document order.
protocol HTMLVisitor {
    /// Returns false to skip the element's content (and its `close`).
    mutating func open<A: HTMLAttributes>(_ tag: HTMLTag, attributes: A) -> Bool
    mutating func close(_ tag: HTMLTag)
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// Streams an HTML fragment through libxml2's HTML parser in SAX mode (it
/// copes with tag soup the way browsers roughly do) straight into the renderer:
/// no DOM is built, because content is parsed once per article and a tree
/// would only be walked once and freed.
enum HTMLWalker {
    /// Deeper nesting than this is flattened to its text.
    static let maximumDepth = 200

    static func walk(_ fragment: String, into renderer: inout HTMLRenderer) {
        var fragment = fragment
        fragment.withUTF8 { walk($0, into: &renderer) }
    }

    static func walk(_ fragment: UnsafeBufferPointer<UInt8>, into renderer: inout HTMLRenderer) {
        _ = LibXML2Setup.ready
        // Our own wrapper keeps leading text from being put in an implied <p>.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fragment.count + 11)
        bytes.append(contentsOf: "<div>".utf8)
        bytes.append(contentsOf: fragment)
        bytes.append(contentsOf: "</div>".utf8)
        let session = Session(renderer: renderer)
        bytes.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { chars in
                guard let ctxt = htmlCreateMemoryParserCtxt(chars, Int32(buf.count)) else { return }
                defer {
                    ctxt.pointee.userData = nil
                    htmlFreeParserCtxt(ctxt)
                }
                guard let sax = ctxt.pointee.sax else { return }
                sax.pointee = Session.handler
                ctxt.pointee.userData = Unmanaged.passUnretained(session).toOpaque()
                let options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
                    | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue
                htmlCtxtUseOptions(ctxt, Int32(options))
                _ = xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
                _ = htmlParseDocument(ctxt)
                if let doc = ctxt.pointee.myDoc {
                    xmlFreeDoc(doc)
                    ctxt.pointee.myDoc = nil
                }
            }
        }
        renderer = session.renderer
    }

    /// SAX1 attributes: a NULL-terminated array of name, value pairs, read
    /// only if the element is kept and only for the names it may keep.
    private struct SAXAttributes: HTMLAttributes {
        let pairs: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

        func forEach(in wanted: [HTMLTag.AttributeName], _ body: (HTMLTag.AttributeName, String) -> Void) {
            guard var p = pairs else { return }
            while let key = p.pointee {
                // A valueless attribute (`<video controls>`) has a NULL value, not a NULL pair.
                let value = (p + 1).pointee
                if let match = wanted.first(where: { $0.matches(key) }) {
                    body(match, value.map { String(cString: $0) } ?? "")
                }
                p += 2
            }
        }
    }

    /// The SAX callbacks' state: depth, the element being skipped, the wrapper.
    /// Only libxml2's callbacks touch it, one at a time, so the run-time
    /// exclusivity checks on its fields are switched off: they cost more than
    /// the work they guard.
    private final class Session {
        @exclusivity(unchecked) var renderer: HTMLRenderer
        @exclusivity(unchecked) var depth = 0
        /// Depth at which a skipped element (script, style...) started, or 0.
        @exclusivity(unchecked) var skipFrom = 0
        @exclusivity(unchecked) var sawWrapper = false
        @exclusivity(unchecked) var wrapperOpen = false
        init(renderer: HTMLRenderer) { self.renderer = renderer }

        /// libxml2 hands every callback `ctxt->userData`, which we set to the
        /// session. The walk holds the session for the whole parse, so the
        /// callbacks borrow it without a retain and release each.
        @inline(__always)
        static func with(_ ctx: UnsafeMutableRawPointer?, _ body: (Session) -> Void) {
            guard let ctx else { return }
            Unmanaged<Session>.fromOpaque(ctx)._withUnsafeGuaranteedRef(body)
        }

        /// Called for elements within the depth bound only (see `handler`).
        func start(_ tag: HTMLTag, _ attributes: SAXAttributes) {
            depth += 1
            if !sawWrapper, depth == 1, tag.isWrapper {
                sawWrapper = true
                wrapperOpen = true
                return
            }
            guard skipFrom == 0 else { return }
            if !renderer.open(tag, attributes: attributes) { skipFrom = depth }
        }

        func end(_ tag: HTMLTag) {
            defer { depth -= 1 }
            if wrapperOpen, depth == 1 {
                wrapperOpen = false
                return
            }
            if skipFrom > 0 {
                if depth == skipFrom { skipFrom = 0 }
                return
            }
            renderer.close(tag)
        }

        func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
            if skipFrom == 0 { renderer.text(bytes) }
        }

        static var handler: htmlSAXHandler {
            var h = htmlSAXHandler()
            h.initialized = 0  // SAX1-style callbacks, as the HTML parser uses
            // Past the depth bound an element costs a counter and nothing
            // else: a hostile fragment nests a million levels.
            h.startElement = { ctx, name, atts in
                guard let name else { return }
                Session.with(ctx) { s in
                    guard s.depth < HTMLWalker.maximumDepth else { return s.depth += 1 }
                    s.start(HTMLTag.named(cString: name), SAXAttributes(pairs: atts))
                }
            }
            h.endElement = { ctx, name in
                guard let name else { return }
                Session.with(ctx) { s in
                    guard s.depth <= HTMLWalker.maximumDepth else { return s.depth -= 1 }
                    s.end(HTMLTag.named(cString: name))
                }
            }
            let text: charactersSAXFunc = { ctx, ch, len in
                guard let ch, len > 0 else { return }
                Session.with(ctx) { $0.characters(UnsafeBufferPointer(start: ch, count: Int(len))) }
            }
            h.characters = text
            h.ignorableWhitespace = text
            h.cdataBlock = text
            return h
        }
    }
}
