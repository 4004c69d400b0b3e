/// MurmurHash3 x64-128 (Austin Appleby, public domain): the digest behind
/// `content_hash`. It only has to tell "changed" from "unchanged", across
/// runs and machines, over every article's full text, so it needs to be
/// stable and fast rather than cryptographic. Ids, which must never collide
/// by construction, stay on SHA-256.
public struct ContentDigest {
    private var h1: UInt64 = 0x7469_6469_6e67_7331  // "tidings1": the seed is part of the format
    private var h2: UInt64 = 0x7469_6469_6e67_7331
    /// Bytes waiting for a whole 16-byte block, as the two little-endian
    /// words the block will be: kept inline, since most updates are a few bytes.
    private var tail: (UInt64, UInt64) = (0, 0)
    private var tailCount = 0
    private var length: UInt64 = 0
    private static let c1: UInt64 = 0x87c3_7b91_1142_53d5
    private static let c2: UInt64 = 0x4cf5_ad43_2745_937f

    public init() {}

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(buffer: $0) }) != nil { return }
        Array(bytes).withUnsafeBufferPointer { update(buffer: $0) }
    }

    public mutating func update(buffer: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(buffer.count)
        var i = 0
        while tailCount != 0, i < buffer.count {
            push(buffer[i])
            i += 1
        }
        let raw = UnsafeRawBufferPointer(buffer)
        while buffer.count - i >= 16 {
            block(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)),
                  UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
            i += 16
        }
        while i < buffer.count {
            push(buffer[i])
            i += 1
        }
    }

    @inline(__always)
    public mutating func update(byte: UInt8) {
        length &+= 1
        push(byte)
    }

    /// Eight bytes, most significant first.
    @inline(__always)
    public mutating func update(bigEndian value: UInt64) {
        length &+= 8
        for shift in stride(from: 56, through: 0, by: -8) { push(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    @inline(__always)
    private mutating func push(_ b: UInt8) {
        if tailCount < 8 {
            tail.0 |= UInt64(b) << UInt64(8 * tailCount)
        } else {
            tail.1 |= UInt64(b) << UInt64(8 * (tailCount - 8))
        }
        tailCount += 1
        if tailCount == 16 {
            block(tail.0, tail.1)
            tail = (0, 0)
            tailCount = 0
        }
    }

    @inline(__always)
    private mutating func block(_ k1: UInt64, _ k2: UInt64) {
        var k1 = k1, k2 = k2
        k1 &*= Self.c1; k1 = k1.rotl(31); k1 &*= Self.c2; h1 ^= k1
        h1 = h1.rotl(27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52dc_e729
        k2 &*= Self.c2; k2 = k2.rotl(33); k2 &*= Self.c1; h2 ^= k2
        h2 = h2.rotl(31); h2 &+= h1; h2 = h2 &* 5 &+ 0x3849_5ab5
    }

    /// 32 lower-case hex digits.
    public mutating func finishHex() -> String {
        var (k1, k2) = tail
        if tailCount > 8 { k2 &*= Self.c2; k2 = k2.rotl(33); k2 &*= Self.c1; h2 ^= k2 }
        if tailCount > 0 { k1 &*= Self.c1; k1 = k1.rotl(31); k1 &*= Self.c2; h1 ^= k1 }
        h1 ^= length; h2 ^= length
        h1 &+= h2; h2 &+= h1
        h1 = Self.fmix(h1); h2 = Self.fmix(h2)
        h1 &+= h2; h2 &+= h1
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: h1 >> UInt64(8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: h2 >> UInt64(8 * $0)) }
        return SHA256.hexString(bytes)
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
