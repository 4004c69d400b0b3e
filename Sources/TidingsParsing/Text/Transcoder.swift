import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// iconv, owned: opened and closed in one call. Legacy code pages, UTF-16/32
/// and EBCDIC all go through here. A byte iconv cannot map becomes U+FFFD and
/// conversion goes on, so one bad byte never costs the rest of a feed.
enum Transcoder {
    static func convert(_ input: [UInt8], from encoding: String) -> [UInt8]? {
        guard let cd = open(encoding) else {
            return ExtraCodePages.table(for: encoding).map { ExtraCodePages.decode(input, table: $0) }
        }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var produced = 0
        var inOffset = 0
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        input.withUnsafeBufferPointer { inBuf in
            while inOffset < input.count {
                if output.count - produced < 64 { output.append(contentsOf: repeatElement(0, count: output.count)) }
                var inLeft = input.count - inOffset
                var outLeft = output.count - produced
                let result: Int = output.withUnsafeMutableBufferPointer { outBuf in
                    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBuf.baseAddress! + inOffset)
                        .assumingMemoryBound(to: CChar.self)
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress! + produced)
                        .assumingMemoryBound(to: CChar.self)
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return r == -1 ? Int(errno) : 0
                }
                inOffset = input.count - inLeft
                produced = output.count - outLeft
                switch result {
                case 0: break
                case Int(E2BIG): continue
                default:  // EILSEQ or EINVAL: replace one byte and go on
                    if output.count - produced < 3 { output.append(contentsOf: repeatElement(0, count: 64)) }
                    output.replaceSubrange(produced..<(produced + 3), with: replacement)
                    produced += 3
                    inOffset += 1
                }
            }
        }
        return Array(output[..<produced])
    }

    /// Names feeds use that glibc knows under another name (Python's aliases).
    private static let aliases: [String: String] = [
        "ebcdic-cp-us": "IBM037", "ebcdic-cp-ca": "IBM037", "ebcdic-cp-wt": "IBM037",
        "ebcdic-cp-nl": "IBM037", "ibm039": "IBM037", "ebcdic-cp-be": "IBM500", "ebcdic-cp-ch": "IBM500",
        "macroman": "MACINTOSH", "maccentraleurope": "MAC-CENTRALEUROPE", "maclatin2": "MAC-CENTRALEUROPE",
        "maciceland": "MAC-IS", "maccyrillic": "MAC-CYRILLIC", "cp-is": "CP861", "csibm861": "IBM861",
        "x-sjis": "SHIFT_JIS", "x-euc-jp": "EUC-JP", "gb2312": "GBK",
    ]

    private static func open(_ encoding: String) -> iconv_t? {
        let name = encoding.trimmedOfASCIISpace.replacingOccurrences(of: "_", with: "-")
        var candidates = [aliases[name.lowercased()] ?? name, name.uppercased()]
        let digits = name.filter(\.isNumber)
        if !digits.isEmpty && digits.count == name.filter({ $0 != "-" && $0 != "_" }).count {
            candidates += ["CP\(digits)", "IBM\(digits)"]
        }
        if name.lowercased().hasPrefix("cp") { candidates.append("IBM" + name.dropFirst(2)) }
        if name.lowercased().hasPrefix("windows-") { candidates.append("CP" + name.dropFirst(8)) }
        for candidate in candidates {
            let cd = iconv_open("UTF-8", candidate)
            if let cd, cd != iconv_t(bitPattern: -1) { return cd }
        }
        return nil
    }
}
