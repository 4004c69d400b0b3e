/// JSON text written directly, byte for byte as Foundation's `JSONEncoder`
/// writes it with `.withoutEscapingSlashes`: for the output written on
/// every change (journal lines, article files), where building an encoder
/// and a container per value costs more than the write itself.
public enum JSONText {
    /// Appends `value` as a JSON string: `"` and `\` escaped, the control
    /// characters as `\b \f \n \r \t` or `\u00XX`, everything else as it is.
    public static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(0x22)
        var text = value
        text.withUTF8 { appendEscaped($0, to: &out) }
        out.append(0x22)
    }

    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var start = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
            start = i + 1
            out.append(0x5C)
            switch b {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }
}
