/// SHA-256 (FIPS 180-4), small and dependency-free. Article ids, feed ids and
/// the hash of each fetched body must be the same on every machine and must
/// not collide, so they need a real digest, and pulling swift-crypto in for
/// one function would double the clean build time. (Content hashes, which
/// only compare an article with its own last revision, use the faster
/// MurmurHash3 of `ContentDigest`.)
/// Whole 64-byte blocks are compressed straight from the caller's memory.
public struct SHA256 {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var feeder = BlockFeeder(blockSize: 64)

    public init() {}

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(buffer: $0) }) != nil { return }
        Array(bytes).withUnsafeBufferPointer { update(buffer: $0) }
    }

    /// The feeder is swapped out while it works (an empty one costs no
    /// allocation), so its buffer is never copied on write.
    public mutating func update(buffer: UnsafeBufferPointer<UInt8>) {
        var f = BlockFeeder(blockSize: 64)
        swap(&f, &feeder)
        f.feed(buffer) { compress($0.assumingMemoryBound(to: UInt8.self)) }
        swap(&f, &feeder)
    }

    public mutating func finish() -> [UInt8] {
        let bitLength = feeder.length &* 8
        let pending = feeder.takePending()
        // The last bytes, 0x80, zeros up to 56 mod 64, then the length in
        // bits, big-endian: one or two blocks, built on the stack.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
            tail.initialize(repeating: 0)
            _ = tail.initialize(fromContentsOf: pending)
            tail[pending.count] = 0x80
            let blocks = pending.count + 9 <= 64 ? 1 : 2
            for i in 0..<8 { tail[blocks * 64 - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * i)) }
            for b in 0..<blocks { compress(UnsafePointer(tail.baseAddress! + b * 64)) }
        }
        let words = h
        return [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
            withUnsafeBytes(of: words) { raw in
                for i in 0..<8 {
                    let word = raw.load(fromByteOffset: 4 * i, as: UInt32.self)
                    for j in 0..<4 { digest[4 * i + j] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * j)) }
                }
            }
            count = 32
        }
    }

    /// Lower-case hex digest of a string's UTF-8 bytes.
    public static func hex(_ text: String) -> String {
        var h = SHA256()
        h.update(text.utf8)
        return hexString(h.finish())
    }

    /// Lower-case hex digest of bytes.
    public static func hex(bytes: [UInt8]) -> String {
        var h = SHA256()
        h.update(bytes)
        return hexString(h.finish())
    }

    public static func hexString<C: Collection<UInt8>>(_ digest: C) -> String {
        String(unsafeUninitializedCapacity: digest.count * 2) { out in
            @inline(__always) func digit(_ n: UInt8) -> UInt8 { n < 10 ? 0x30 + n : 0x57 + n }
            var i = 0
            for b in digest {
                out[i] = digit(b >> 4)
                out[i + 1] = digit(b & 0x0F)
                i += 2
            }
            return i
        }
    }

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    private mutating func compress(_ block: UnsafePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                w[i] = UInt32(block[4 * i]) << 24 | UInt32(block[4 * i + 1]) << 16
                    | UInt32(block[4 * i + 2]) << 8 | UInt32(block[4 * i + 3])
            }
            @inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = h
            Self.k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
        }
    }
}
