internal import CLibXML2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// RFC 3986 reference resolution through libxml2's `xmlBuildURI`, which keeps
/// IRIs (non-ASCII) intact where Foundation's URL gives up on them.
enum URLResolver {
    static func resolve(_ reference: String, against base: String?) -> String? {
        let ref = reference.trimmedOfASCIISpace
        guard let base, !base.isEmpty else { return ref.isEmpty ? nil : ref }
        if ref.isEmpty { return base }
        if LinkPolicy.scheme(of: ref) != nil { return ref }
        if let simple = simpleResolve(ref, base) { return simple }
        if let built = build(ref, base) { return built }
        // libxml2 refuses non-ASCII (IRIs): resolve the percent-encoded form,
        // then turn the escapes we added back into the characters they were.
        guard let built = build(escape(ref, nonASCIIOnly: true), escape(base, nonASCIIOnly: true)) else {
            // Characters no URI may hold (a space, a quote, a backtick):
            // escaped, and left escaped. What still will not resolve is
            // dropped rather than passed on relative.
            return build(escape(ref, nonASCIIOnly: false), escape(base, nonASCIIOnly: false))
        }
        return built.removingPercentEncoding.map { decoded in
            decoded.unicodeScalars.contains { $0.value < 0x20 } ? built : decoded
        } ?? built
    }

    /// The two references content is full of, a path (`/img/1.jpg`) or a
    /// name (`2.html`) against an http(s) base, joined without parsing both
    /// URIs in libxml2. Only plain ASCII without dot segments, escapes or a
    /// scheme qualifies; anything else returns nil and takes the full road.
    /// A test holds it to `xmlBuildURI`'s answers.
    static func simpleResolve(_ ref: String, _ base: String) -> String? {
        var ref = ref, base = base
        return ref.withUTF8 { r in base.withUTF8 { b in simpleResolve(r, b) } }
    }

    private static func simpleResolve(_ r: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> String? {
        let slash = UInt8(ascii: "/"), query = UInt8(ascii: "?"), fragment = UInt8(ascii: "#")
        guard let first = r.first, first != query, first != fragment, !(r.count > 1 && first == slash && r[1] == slash),
              allPlain(r), allPlain(b, orColon: true), !hasDotSegment(r) else { return nil }
        let prefix: Int
        if starts(b, with: "https://") {
            prefix = 8
        } else if starts(b, with: "http://") {
            prefix = 7
        } else {
            return nil
        }
        var authorityEnd = prefix
        while authorityEnd < b.count, b[authorityEnd] != slash, b[authorityEnd] != query, b[authorityEnd] != fragment {
            authorityEnd += 1
        }
        guard authorityEnd > prefix else { return nil }
        var pathEnd = authorityEnd
        while pathEnd < b.count, b[pathEnd] != query, b[pathEnd] != fragment { pathEnd += 1 }
        guard !hasDotSegment(UnsafeBufferPointer(rebasing: b[authorityEnd..<pathEnd])) else { return nil }
        // How much of the base to keep, and whether a `/` must join them.
        var keep = authorityEnd
        var join = false
        if first != slash {
            if let lastSlash = (authorityEnd..<pathEnd).last(where: { b[$0] == slash }) {
                keep = lastSlash + 1
            } else {
                join = true
            }
        }
        let count = keep + (join ? 1 : 0) + r.count
        return String(unsafeUninitializedCapacity: count) { out in
            _ = out.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: b[..<keep]))
            if join { out[keep] = slash }
            _ = UnsafeMutableBufferPointer(rebasing: out[(count - r.count)...]).initialize(fromContentsOf: r)
            return count
        }
    }

    private static func starts(_ b: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
        guard b.count >= prefix.utf8CodeUnitCount else { return false }
        return memcmp(b.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// Printable ASCII that no URI serializer escapes, and no `%` or `:`
    /// (the base may hold `:`, after its scheme and before a port): letters,
    /// digits and `-._~/?#=&`. One bit per byte value, so that checking a
    /// URL is a table look-up per byte rather than a chain of comparisons.
    static let plainBelow64: UInt64 = 0xA3FF_E048_0000_0000
    static let plainFrom64: UInt64 = 0x47FF_FFFE_87FF_FFFE
    static let colon: UInt64 = 1 << 58

    static func allPlain(_ s: String, orColon: Bool = false) -> Bool {
        var s = s
        return s.withUTF8 { allPlain($0, orColon: orColon) }
    }

    static func allPlain(_ bytes: UnsafeBufferPointer<UInt8>, orColon: Bool = false) -> Bool {
        let below64 = orColon ? plainBelow64 | colon : plainBelow64
        var plain: UInt64 = 1
        for c in bytes {
            let mask = c < 64 ? below64 : c < 128 ? plainFrom64 : 0
            plain &= mask >> UInt64(c & 63)
        }
        return plain & 1 == 1
    }

    /// A `.` or `..` segment in the path (before any `?` or `#`).
    private static func hasDotSegment<C: Collection<UInt8>>(_ path: C) -> Bool {
        var segmentLength = 0
        var dots = 0
        let isDots = { segmentLength > 0 && segmentLength == dots && dots <= 2 }
        for c in path {
            if c == UInt8(ascii: "?") || c == UInt8(ascii: "#") { break }
            if c == UInt8(ascii: "/") {
                if isDots() { return true }
                segmentLength = 0
                dots = 0
            } else {
                segmentLength += 1
                if c == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return isDots()
    }

    static func build(_ ref: String, _ base: String) -> String? {
        guard let built = xmlBuildURI(ref, base) else { return nil }
        defer { tdx_free(built) }
        return String(cString: built)
    }

    /// Percent-encodes non-ASCII bytes, and unless `nonASCIIOnly`, the
    /// ASCII characters RFC 3986 never allows in a URI.
    private static func escape(_ s: String, nonASCIIOnly: Bool) -> String {
        let illegal = Set(" \"<>\\^`{|}".utf8)
        let mustEscape = { (byte: UInt8) in byte >= 0x80 || byte < 0x20 || (!nonASCIIOnly && illegal.contains(byte)) }
        guard s.utf8.contains(where: mustEscape) else { return s }
        var out = ""
        for byte in s.utf8 {
            if mustEscape(byte) {
                out += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }
}
