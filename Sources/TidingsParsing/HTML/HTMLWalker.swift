internal import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// Events of one walk over an HTML fragment, in document order.
protocol HTMLVisitor {
    /// Returns false to skip the element's content (and its `close`).
    mutating func open(_ tag: String, attributes: [(name: String, value: String)]) -> Bool
    mutating func close(_ tag: String)
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// Parses an HTML fragment with libxml2's HTML parser (which copes with tag
/// soup the way browsers roughly do) and walks the result. The libxml2
/// document lives only inside `walk`.
enum HTMLWalker {
    /// Deeper nesting than this is flattened to its text: a hostile fragment
    /// of 100,000 nested tags must not overflow the stack.
    static let maximumDepth = 200

    static func walk<V: HTMLVisitor>(_ fragment: String, visitor: inout V) {
        // Our own wrapper keeps leading text from being put in an implied <p>.
        let wrapped = "<div>" + fragment + "</div>"
        let options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
            | HTML_PARSE_NOIMPLIED.rawValue
        var utf8 = Array(wrapped.utf8)
        let doc: htmlDocPtr? = utf8.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { ptr in
                htmlReadMemory(ptr, Int32(buf.count), nil, "UTF-8", Int32(options))
            }
        }
        guard let doc else {
            var bytes = Array(fragment.utf8)
            bytes.withUnsafeMutableBufferPointer { visitor.text(UnsafeBufferPointer($0)) }
            return
        }
        defer { xmlFreeDoc(doc) }
        var node = doc.pointee.children
        var isFirstWrapper = true
        while let n = node {
            if isFirstWrapper, n.pointee.type == XML_ELEMENT_NODE, name(of: n) == "div" {
                // The wrapper itself is transparent.
                isFirstWrapper = false
                walkChildren(of: n, depth: 0, visitor: &visitor)
            } else {
                visit(n, depth: 0, visitor: &visitor)
            }
            node = n.pointee.next
        }
    }

    private static func walkChildren<V: HTMLVisitor>(of node: xmlNodePtr, depth: Int, visitor: inout V) {
        var child = node.pointee.children
        while let c = child {
            visit(c, depth: depth + 1, visitor: &visitor)
            child = c.pointee.next
        }
    }

    private static func visit<V: HTMLVisitor>(_ n: xmlNodePtr, depth: Int, visitor: inout V) {
        switch n.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = n.pointee.content {
                visitor.text(UnsafeBufferPointer(start: content, count: strlen(content)))
            }
        case XML_ELEMENT_NODE:
            if depth > maximumDepth {
                walkChildren(of: n, depth: depth, visitor: &visitor)
                return
            }
            let tag = name(of: n)
            if visitor.open(tag, attributes: attributes(of: n)) {
                walkChildren(of: n, depth: depth, visitor: &visitor)
                visitor.close(tag)
            }
        default:
            break  // comments, processing instructions, DTD nodes
        }
    }

    private static func name(of n: xmlNodePtr) -> String {
        guard let name = n.pointee.name else { return "" }
        return String(cString: name).lowercased()
    }

    private static func attributes(of n: xmlNodePtr) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        var attr = n.pointee.properties
        while let a = attr {
            if let name = a.pointee.name {
                var value = ""
                if let v = xmlNodeListGetString(n.pointee.doc, a.pointee.children, 1) {
                    value = String(cString: v)
                    tdx_free(v)
                }
                out.append((String(cString: name).lowercased(), value))
            }
            attr = a.pointee.next
        }
        return out
    }
}
