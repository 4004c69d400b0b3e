import Testing
@testable import TidingsParsing

/// `content_text` folding, held to its plain definition: runs of ASCII white
/// space become one space, none at either end; and text that arrives in
/// pieces (libxml2 splits it anywhere) folds as if it came whole.
@Suite struct TextFolderTests {
    static let alphabet: [String] = ["a", "b", "caf\u{E9}", "\u{1F600}", " ", " ", "  ", "\t", "\n", "\r\n", "\u{A0}", "<", "x"]

    static func randomText(_ rng: inout some RandomNumberGenerator) -> String {
        (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    static func reference(_ s: String) -> String {
        s.utf8.split(whereSeparator: { FastText.isSpace($0) }).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    static func folded(_ pieces: [[UInt8]], keepingNewlines: Bool = false) -> String {
        var folder = TextFolder()
        for piece in pieces { piece.withUnsafeBufferPointer { folder.append($0, keepingNewlines: keepingNewlines) } }
        return folder.finish()
    }

    static func cut(_ bytes: [UInt8], _ rng: inout some RandomNumberGenerator) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            let n = Int.random(in: 1...max(1, rest.count), using: &rng)
            pieces.append(Array(rest.prefix(n)))
            rest = rest.dropFirst(n)
        }
        return pieces
    }

    @Test func foldsLikeTheDefinition() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let s = Self.randomText(&rng)
            #expect(TextFolder.fold(s) == Self.reference(s), "\(s.debugDescription)")
        }
        #expect(TextFolder.fold("  one \t two\n\nthree  ") == "one two three")
    }

    @Test func piecesFoldAsIfWhole() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let bytes = Array(Self.randomText(&rng).utf8)
            for keep in [false, true] {
                #expect(Self.folded(Self.cut(bytes, &rng), keepingNewlines: keep) == Self.folded([bytes], keepingNewlines: keep),
                        "\(String(decoding: bytes, as: UTF8.self).debugDescription) keepingNewlines: \(keep)")
            }
        }
    }

    @Test func preformattedTextKeepsItsLineBreaks() {
        #expect(Self.folded([Array("  line one \n  line  two\n".utf8)], keepingNewlines: true) == "line one\nline two")
    }
}

@Suite struct FastTextTests {
    @Test func byteSearchAgreesWithFoundation() {
        let haystacks = ["text/html", "application/xhtml+xml", "TEXT/HTML", "htm", "", "html", "xhtmlhtml", "caf\u{E9}/html"]
        for h in haystacks {
            for n in ["html", "h", "", "xml", "l", "/html", "caf\u{E9}"] {
                #expect(h.containsBytes(n) == (n.isEmpty || h.contains(n)), "\(h) \(n)")
            }
        }
    }
}
