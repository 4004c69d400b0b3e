import Foundation
import Testing
@testable import TidingsService
import TidingsModel

/// The body hash moved to libcrypto; stored hashes (an unchanged document
/// is not parsed again, a quarantine names its document) must not change.
/// Two independent implementations agreeing on every length around the
/// block boundaries, and both on FIPS 180-4's own answers.
@Suite struct BodyDigestTests {
    @Test func libcryptoAndThePackagesOwnDigestAgree() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 65_537, 1 << 20] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(BodyDigest.hex(bytes) == SHA256.hex(bytes: bytes), "length \(length)")
        }
    }

    @Test func knownAnswers() {
        #expect(BodyDigest.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(BodyDigest.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
