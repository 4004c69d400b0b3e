import Foundation

/// Nothing a feed, a file or the network says may drive the operator's
/// terminal: a title holding `ESC ]0;…BEL` would set its title, `ESC [31m`
/// its colour. Everything this executable prints goes through `print`
/// below (it shadows the standard library's in this module) or `warn`,
/// and both escape control characters as `ls` and `systemctl` do; tab and
/// newline, which the output's own layout uses, pass.
enum Terminal {
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: false)
            let escaped = scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }

    /// C0 but tab and newline, DEL, C1.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s != "\t" && s != "\n") || (0x7F...0x9F).contains(s.value)
    }
}

/// The standard `print`, with control characters escaped (`Terminal`).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(Terminal.safe(items.map { "\($0)" }.joined(separator: separator)), terminator: terminator)
}
