import Testing
@testable import TidingsParsing

/// Strings from parsed text skip Swift's own UTF-8 check once our validator
/// has accepted the bytes, so the validator must accept exactly what Swift
/// accepts: one wrong "yes" would put invalid UTF-8 inside a String.
@Suite struct UTF8ValidationTests {
    private func agree(_ bytes: [UInt8]) -> Bool {
        UTF8Repair.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil)
    }

    @Test func everySequenceOfOneAndTwoBytes() {
        var disagreements = 0
        for a in 0...255 {
            if !agree([UInt8(a)]) { disagreements += 1 }
            for b in 0...255 where !agree([UInt8(a), UInt8(b)]) { disagreements += 1 }
        }
        #expect(disagreements == 0)
    }

    /// Every lead byte above ASCII with every second byte (where the ranges
    /// for E0, ED, F0 and F4 live), and a third byte from each class.
    @Test func everyMultiByteLeadWithEverySecondByte() {
        let thirds: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF]
        var disagreements = 0
        for a in 0x80...0xFF {
            for b in 0...255 {
                for c in thirds where !agree([UInt8(a), UInt8(b), c]) {
                    disagreements += 1
                }
            }
        }
        #expect(disagreements == 0)
    }

    @Test func boundaryScalarsAndTheirNeighbours() {
        let edges: [[UInt8]] = [
            [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
            [0xF5, 0x80, 0x80, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],
            [0xE0, 0x9F, 0xBF], [0xE0, 0xA0, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xF0, 0x90, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        ]
        for edge in edges {
            // Alone, after runs of ASCII long enough for the 8- and 32-byte paths, and cut short.
            #expect(agree(edge), "\(edge)")
            #expect(agree(Array("0123456789abcdef".utf8) + edge + Array("xyz".utf8)), "\(edge)")
            for lead in [31, 32, 33, 40] {
                #expect(agree(Array(repeating: UInt8(ascii: "a"), count: lead) + edge + Array(repeating: UInt8(ascii: "b"), count: 40)),
                        "\(edge) after \(lead)")
            }
            #expect(agree(Array(edge.dropLast())), "\(edge)")
        }
    }

    @Test func randomTextAroundTheEightBytePath() {
        var rng = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [Array("plain ascii text ".utf8), Array("caf\u{E9} ".utf8), Array("\u{20AC}".utf8),
                                 Array("\u{1F600}".utf8), [0x80], [0xC3], [0xED, 0xA0, 0x80], [0xFF], [0xE2, 0x82]]
        var disagreements = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            if !agree(bytes) { disagreements += 1 }
        }
        #expect(disagreements == 0)
    }

    @Test func stringsMadeThisWayAreTheSameAsSwiftsOwn() {
        let samples: [[UInt8]] = [Array("caf\u{E9} \u{1F600} ok".utf8), [0x61, 0xC3, 0x28, 0x62], [0xED, 0xA0, 0x80], []]
        for bytes in samples {
            #expect(String(utf8: bytes) == String(decoding: bytes, as: UTF8.self))
        }
    }
}
