import Testing
import TidingsModel

@Suite struct SHA256Tests {
    // FIPS 180-2 appendix B test vectors.
    @Test func knownVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func millionAs() {
        #expect(SHA256.hex(String(repeating: "a", count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite struct ContentDigestTests {
    func murmur(_ s: String, split: Int? = nil) -> String {
        var d = ContentDigest()
        let bytes = Array(s.utf8)
        if let split {
            d.update(bytes[..<split])
            d.update(bytes[split...])
        } else {
            d.update(bytes)
        }
        return d.finishHex()
    }

    @Test func feedingInPiecesGivesTheSameDigest() {
        let text = "The quick brown fox jumps over the lazy dog, and then some more bytes."
        for split in [0, 1, 15, 16, 17, 33, text.utf8.count] {
            #expect(murmur(text, split: split) == murmur(text))
        }
    }

    /// Answers from an independent MurmurHash3 x64-128 (a Python transcription
    /// of the reference C, seeded with "tidings1" in both halves): content
    /// hashes are stored, so the digest may never drift.
    @Test func knownAnswers() {
        #expect(murmur("") == "72d8b5a85909d9cf33d0d766dee4b8c5")
        #expect(murmur("a") == "99e848659cd2eb2c89e2c9f988bdca9a")
        #expect(murmur("The quick brown fox jumps over the lazy dog") == "d4da42fbe05b182fdb162fa1795c3280")
        #expect(murmur("0123456789abcdef") == "2d08c8aed60de34b2b7b6dcb0d96fd57")
        #expect(murmur("0123456789abcdef0") == "9c2b50b34dbdbc5032f0fe9d6dad545e")
        #expect(murmur("caf\u{E9} \u{1F600}") == "7fcb8a61c2b5b419e1de9092ec27138e")
    }

    @Test func differentInputsDiffer() {
        #expect(murmur("a") != murmur("b"))
        #expect(murmur("") != murmur("\u{0}"))
        #expect(murmur("") .count == 32)
    }
}
