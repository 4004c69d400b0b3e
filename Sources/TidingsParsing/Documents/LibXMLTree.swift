internal import CLibXML2

/// A document libxml2 parsed into its own tree, owned: freed in deinit.
/// For the small documents read whole (OPML lists, HTML pages searched
/// for feed links); feeds themselves stream through SAX (`XMLTreeBuilder`).
/// Parsed without network access, without entity substitution and
/// without loading any DTD, as feeds are.
final class LibXMLTree {
    private let doc: xmlDocPtr

    /// One element: its name and attributes, copied out of the tree.
    struct Element {
        var name: String
        var attributes: [String: String]
        /// Nesting below the root, 0 for the root itself.
        var depth: Int
    }

    enum Failure: Error {
        /// libxml2's message, with its line.
        case malformed(String)
    }

    /// Strict XML: the first error fails the document (an OPML file that
    /// is not well-formed is refused, not guessed at).
    init(xml bytes: [UInt8]) throws(Failure) {
        _ = LibXML2Setup.ready
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                            | XML_PARSE_NOCDATA.rawValue)
        xmlResetLastError()
        let parsed = bytes.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                xmlReadMemory($0, Int32(b.count), nil, nil, options)
            }
        }
        guard let parsed else {
            if let error = xmlGetLastError() {
                let message = error.pointee.message.map { String(cString: $0) }?.trimmedOfASCIISpace ?? "not XML"
                throw .malformed("line \(error.pointee.line): \(message)")
            }
            throw .malformed("not XML")
        }
        doc = parsed
    }

    /// Tag soup, as browsers read it: HTML never fails.
    init?(html bytes: [UInt8], url: String) {
        _ = LibXML2Setup.ready
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                            | HTML_PARSE_NONET.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(b.count, 1)) {
                htmlReadMemory($0, Int32(b.count), url, nil, options)
            }
        }
        guard let parsed else { return nil }
        doc = parsed
    }

    deinit { xmlFreeDoc(doc) }

    /// Every element in document order, to `maximumDepth` (deeper ones are
    /// not visited). An explicit stack, not recursion: a hostile document
    /// cannot exhaust the thread's stack.
    func elements(maximumDepth: Int = 64) -> [Element] {
        var out: [Element] = []
        var stack: [(xmlNodePtr, Int)] = []
        if let root = xmlDocGetRootElement(doc) { stack.append((root, 0)) }
        while let (node, depth) = stack.popLast() {
            guard node.pointee.type == XML_ELEMENT_NODE else { continue }
            out.append(Element(name: node.pointee.name.map { String(cString: $0) } ?? "",
                               attributes: Self.attributes(of: node), depth: depth))
            guard depth < maximumDepth else { continue }
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let c = child {
                children.append(c)
                child = c.pointee.next
            }
            for c in children.reversed() { stack.append((c, depth + 1)) }
        }
        return out
    }

    private static func attributes(of node: xmlNodePtr) -> [String: String] {
        var out: [String: String] = [:]
        var attribute = node.pointee.properties
        while let a = attribute {
            if let name = a.pointee.name.map({ String(cString: $0) }), let value = xmlNodeGetContent(UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self)) {
                out[name] = String(cString: value)
                tdx_free(value)
            }
            attribute = a.pointee.next
        }
        return out
    }
}

