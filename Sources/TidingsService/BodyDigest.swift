internal import CCrypto
import TidingsModel

/// The SHA-256 of a fetched body, in hex (the feed's `body_hash`: an
/// unchanged document is not parsed again, and quarantine names the
/// document it holds back). Computed by libcrypto, which uses the CPU's
/// SHA extensions: the same digest as `TidingsModel.SHA256`, at a tenth of
/// the cost on a cold poll's megabytes.
enum BodyDigest {
    static func hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var size: UInt32 = 0
        let ok = bytes.withUnsafeBytes { body in
            digest.withUnsafeMutableBufferPointer { out in
                EVP_Digest(body.baseAddress, body.count, out.baseAddress, &size, EVP_sha256(), nil)
            }
        }
        // EVP_Digest fails only when out of memory: the package's own digest then.
        guard ok == 1, size == 32 else { return SHA256.hex(bytes: bytes) }
        return SHA256.hexString(digest)
    }
}
