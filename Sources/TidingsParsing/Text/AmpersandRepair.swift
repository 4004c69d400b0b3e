#if canImport(Glibc)
import Glibc
#endif

/// Makes stray ampersands well-formed before libxml2 sees them: feeds write
/// `?a=1&b=2` and `AT&T` unescaped, and libxml2 drops such text. An `&` that
/// does not start a reference becomes `&amp;`; `&#X41;` (an upper-case X,
/// which XML does not allow) becomes `&#x41;`. A reference to a character
/// XML forbids (`&#11;`, `&#0;`) is removed like the raw character (see
/// `ForbiddenCharacters`); libxml2 would raise an error for it, and after
/// an error it drops every later entity reference. CDATA sections, comments and
/// processing instructions are left alone: an `&` there is already text.
enum AmpersandRepair {
    static func repair(_ bytes: [UInt8]) -> [UInt8] {
        if everyAmpersandIsAReference(bytes) { return bytes }
        return bytes.withUnsafeBufferPointer { buf -> [UInt8] in
            var fixes: [(at: Int, kind: Fix)] = []
            var i = 0
            let n = buf.count
            while i < n {
                let c = buf[i]
                if c == UInt8(ascii: "<"), i + 1 < n, buf[i + 1] == UInt8(ascii: "!") || buf[i + 1] == UInt8(ascii: "?") {
                    i = skipMarkup(buf, from: i)
                    continue
                }
                if c == UInt8(ascii: "&") {
                    switch classify(buf, at: i) {
                    case .fine: break
                    case .bare: fixes.append((i, .bare))
                    case .upperX: fixes.append((i + 2, .upperX))
                    case .forbidden(let length, let replacement): fixes.append((i, .forbidden(length: length, replacement: replacement)))
                    }
                }
                i += 1
            }
            guard !fixes.isEmpty else { return Array(buf) }
            var out: [UInt8] = []
            out.reserveCapacity(n + fixes.count * 4)
            var last = 0
            for fix in fixes {
                out.append(contentsOf: buf[last..<fix.at])
                switch fix.kind {
                case .bare:
                    out.append(contentsOf: Array("&amp;".utf8))
                    last = fix.at + 1
                case .upperX, .fine:
                    out.append(UInt8(ascii: "x"))
                    last = fix.at + 1
                case .forbidden(let length, let replacement):
                    out.append(contentsOf: replacement)
                    last = fix.at + length
                }
            }
            out.append(contentsOf: buf[last..<n])
            return out
        }
    }

    /// The common case, checked with memchr: no `&` needs fixing anywhere,
    /// so CDATA sections need not even be found.
    private static func everyAmpersandIsAReference(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return true }
            var offset = 0
            while offset < buf.count {
                guard let hit = memchr(base + offset, Int32(UInt8(ascii: "&")), buf.count - offset) else { return true }
                let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if classify(buf, at: at) != .fine { return false }
                offset = at + 1
            }
            return true
        }
    }

    private enum Fix: Equatable { case fine, bare, upperX, forbidden(length: Int, replacement: [UInt8]) }

    private static func classify(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Fix {
        var i = start + 1
        let limit = min(b.count, start + 64)
        guard i < limit else { return .bare }
        if b[i] == UInt8(ascii: "#") {
            i += 1
            var upper = false
            var hex = false
            if i < limit, b[i] == UInt8(ascii: "x") || b[i] == UInt8(ascii: "X") {
                upper = b[i] == UInt8(ascii: "X")
                hex = true
                i += 1
            }
            let digitsStart = i
            var value: UInt32 = 0
            while i < limit, isDigit(b[i], hex: hex) {
                value = min(value &* (hex ? 16 : 10) &+ digitValue(b[i]), 0x110000)
                i += 1
            }
            guard i > digitsStart, i < limit, b[i] == UInt8(ascii: ";") else { return .bare }
            if let replacement = ForbiddenCharacters.replacement(for: value) {
                return .forbidden(length: i + 1 - start, replacement: replacement)
            }
            return upper ? .upperX : .fine
        }
        guard isNameStart(b[i]) else { return .bare }
        i += 1
        while i < limit, isNameChar(b[i]) { i += 1 }
        return i < limit && b[i] == UInt8(ascii: ";") ? .fine : .bare
    }

    /// Index just past `<![CDATA[...]]>`, `<!--...-->`, `<?...?>` or any other `<!...>`.
    private static func skipMarkup(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        func startsWith(_ s: StaticString, at j: Int) -> Bool {
            let p = s.utf8Start
            guard j + s.utf8CodeUnitCount <= b.count else { return false }
            for k in 0..<s.utf8CodeUnitCount where b[j + k] != p[k] { return false }
            return true
        }
        func find(_ s: StaticString, from j: Int) -> Int {
            var k = j
            while k < b.count {
                if b[k] == s.utf8Start[0], startsWith(s, at: k) { return k + s.utf8CodeUnitCount }
                k += 1
            }
            return b.count
        }
        if startsWith("<![CDATA[", at: i) { return find("]]>", from: i + 9) }
        if startsWith("<!--", at: i) { return find("-->", from: i + 4) }
        if startsWith("<?", at: i) { return find("?>", from: i + 2) }
        // A DOCTYPE: its internal subset holds entity values where `&` must stay as is.
        if startsWith("<!DOCTYPE", at: i) {
            var k = i, depth = 0
            while k < b.count {
                if b[k] == UInt8(ascii: "[") { depth += 1 }
                if b[k] == UInt8(ascii: "]") { depth -= 1 }
                if b[k] == UInt8(ascii: ">") && depth <= 0 { return k + 1 }
                k += 1
            }
            return b.count
        }
        return i + 2
    }

    private static func digitValue(_ c: UInt8) -> UInt32 {
        UInt32(c <= 57 ? c - 48 : (c | 0x20) - 87)
    }

    private static func isDigit(_ c: UInt8, hex: Bool) -> Bool {
        (48...57).contains(c) || (hex && ((65...70).contains(c) || (97...102).contains(c)))
    }

    private static func isNameStart(_ c: UInt8) -> Bool {
        (65...90).contains(c) || (97...122).contains(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c >= 0x80
    }

    private static func isNameChar(_ c: UInt8) -> Bool {
        isNameStart(c) || (48...57).contains(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }
}
