/// MurmurHash3 x64-128 (Austin Appleby, public domain): the digest behind
/// `content_hash`. It only has to tell "changed" from "unchanged", across
/// runs and machines, over every article's full text, so it needs to be
/// stable and fast rather than cryptographic. Ids, which must never collide
/// by construction, stay on SHA-256.
public struct ContentDigest {
    private static let seed: UInt64 = 0x7469_6469_6e67_7331  // "tidings1": the seed is part of the format
    private static let c1: UInt64 = 0x87c3_7b91_1142_53d5
    private static let c2: UInt64 = 0x4cf5_ad43_2745_937f

    /// Everything fed so far. An article is a few kilobytes, so the digest
    /// collects it and hashes it in one pass at the end: the fields arrive in
    /// odd-sized pieces (a tag byte, a length, the text), and carrying a
    /// partial block from piece to piece cost more than the hashing.
    private var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        self.bytes.append(contentsOf: bytes)
    }

    public mutating func update(buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    public mutating func update(byte: UInt8) {
        bytes.append(byte)
    }

    /// Eight bytes, most significant first.
    public mutating func update(bigEndian value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// 32 lower-case hex digits.
    public func finishHex() -> String {
        var h1 = Self.seed, h2 = Self.seed
        let length = bytes.count
        bytes.withUnsafeBytes { raw in
            var i = 0
            while length - i >= 16 {
                var k1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                var k2 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                k1 &*= Self.c1; k1 = k1.rotl(31); k1 &*= Self.c2; h1 ^= k1
                h1 = h1.rotl(27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52dc_e729
                k2 &*= Self.c2; k2 = k2.rotl(33); k2 &*= Self.c1; h2 ^= k2
                h2 = h2.rotl(31); h2 &+= h1; h2 = h2 &* 5 &+ 0x3849_5ab5
                i += 16
            }
            // The last 0-15 bytes, as two little-endian words.
            var k1: UInt64 = 0, k2: UInt64 = 0
            for j in 0..<(length - i) {
                if j < 8 { k1 |= UInt64(raw[i + j]) << UInt64(8 * j) } else { k2 |= UInt64(raw[i + j]) << UInt64(8 * (j - 8)) }
            }
            if length - i > 8 { k2 &*= Self.c2; k2 = k2.rotl(33); k2 &*= Self.c1; h2 ^= k2 }
            if length - i > 0 { k1 &*= Self.c1; k1 = k1.rotl(31); k1 &*= Self.c2; h1 ^= k1 }
        }
        h1 ^= UInt64(length); h2 ^= UInt64(length)
        h1 &+= h2; h2 &+= h1
        h1 = Self.fmix(h1); h2 = Self.fmix(h2)
        h1 &+= h2; h2 &+= h1
        let digest = (0..<8).map { UInt8(truncatingIfNeeded: h1 >> UInt64(8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: h2 >> UInt64(8 * $0)) }
        return SHA256.hexString(digest)
    }

    private static func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33; k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33; k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}

extension UInt64 {
    @inline(__always) fileprivate func rotl(_ r: UInt64) -> UInt64 { (self << r) | (self >> (64 - r)) }
}
