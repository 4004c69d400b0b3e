internal import CLibXML2

/// libxml2's own share of parsing a corpus: the two passes that any parser
/// sanitizing with libxml2's HTML parser has to make, run with empty SAX
/// handlers so that nothing but libxml2's tokenizers is timed. The first is
/// what `xmllint --sax --noout` does; the second tokenizes, as HTML, every
/// fragment of markup that the feeds carry as text (`content:encoded`,
/// escaped descriptions, Atom `type="html"`). Together they are the floor
/// under our time: no Swift code runs in either.
enum LibXMLFloor {
    /// The text of every element whose text holds markup: what a sanitizer is given.
    static func fragments(of documents: [[UInt8]]) -> [[UInt8]] {
        let collector = Collector()
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { ctx, _, _, _, _, _, _, _, _ in Collector.from(ctx).text.removeAll(keepingCapacity: true) }
        handler.endElementNs = { ctx, _, _, _ in Collector.from(ctx).endElement() }
        handler.characters = { ctx, ch, len in Collector.from(ctx).append(ch, len) }
        handler.cdataBlock = handler.characters
        let me = Unmanaged.passUnretained(collector).toOpaque()
        for document in documents { parseXML(document, handler: &handler, userData: me) }
        return collector.fragments
    }

    /// Every document through libxml2's XML tokenizer, reporting nothing,
    /// driven as our parser drives it: the push parser, fed 1 MiB at a time,
    /// with our options. (xmllint uses the pull parser, which reads CDATA a
    /// character at a time; the push parser hands it over in one piece.)
    static func xmlPass(_ documents: [[UInt8]]) -> Measurement {
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        return Measurement.of {
            for document in documents { pushXML(document, handler: &handler) }
        }
    }

    private static func pushXML(_ document: [UInt8], handler: inout xmlSAXHandler) {
        guard let ctxt = xmlCreatePushParserCtxt(&handler, nil, nil, 0, nil) else { return }
        defer { xmlFreeParserCtxt(ctxt) }
        let options = XML_PARSE_NONET.rawValue | XML_PARSE_RECOVER.rawValue | XML_PARSE_IGNORE_ENC.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue
        xmlCtxtUseOptions(ctxt, Int32(options))
        xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
        document.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { chars in
                var offset = 0
                while offset < buf.count {
                    let n = min(1 << 20, buf.count - offset)
                    xmlParseChunk(ctxt, chars + offset, Int32(n), 0)
                    offset += n
                }
                xmlParseChunk(ctxt, nil, 0, 1)
            }
        }
    }

    /// Every fragment through libxml2's HTML tokenizer, with the options
    /// our sanitizer uses, reporting nothing.
    static func htmlPass(_ fragments: [[UInt8]]) -> Measurement {
        Measurement.of {
            for fragment in fragments {
                fragment.withUnsafeBufferPointer { buf in
                    buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { chars in
                        guard let ctxt = htmlCreateMemoryParserCtxt(chars, Int32(buf.count)) else { return }
                        defer { htmlFreeParserCtxt(ctxt) }
                        ctxt.pointee.sax.pointee = htmlSAXHandler()
                        let options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
                            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue
                        htmlCtxtUseOptions(ctxt, Int32(options))
                        // Declared UTF-8, as ours is: left to guess, libxml2's HTML parser is slower.
                        _ = xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
                        _ = htmlParseDocument(ctxt)
                    }
                }
            }
        }
    }

    private static func parseXML(_ document: [UInt8], handler: inout xmlSAXHandler, userData: UnsafeMutableRawPointer?) {
        document.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { chars in
                _ = xmlSAXUserParseMemory(&handler, userData, chars, Int32(buf.count))
            }
        }
    }

    private final class Collector {
        var text: [UInt8] = []
        var fragments: [[UInt8]] = []

        static func from(_ ctx: UnsafeMutableRawPointer?) -> Collector {
            Unmanaged<Collector>.fromOpaque(ctx!).takeUnretainedValue()
        }

        func append(_ ch: UnsafePointer<xmlChar>?, _ len: Int32) {
            guard let ch, len > 0 else { return }
            text.append(contentsOf: UnsafeBufferPointer(start: ch, count: Int(len)))
        }

        func endElement() {
            if text.contains(UInt8(ascii: "<")) { fragments.append(text) }
            text.removeAll(keepingCapacity: true)
        }
    }
}
