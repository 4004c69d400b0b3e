internal import CZlib

/// gzip and zlib-deflate encoders, so the test server can send compressed
/// bodies (and compression bombs) made on the spot.
public enum Compression {
    /// `windowBits` 31 gives a gzip wrapper, 15 a zlib ("deflate") one.
    public static func gzip(_ input: [UInt8]) -> [UInt8] { compress(input, windowBits: 31) }
    public static func deflate(_ input: [UInt8]) -> [UInt8] { compress(input, windowBits: 15) }

    /// A gzip stream that inflates to `size` zero bytes, made without holding them in memory.
    public static func gzipBomb(size: Int) -> [UInt8] {
        let block = [UInt8](repeating: 0, count: 1 << 20)
        var stream = z_stream()
        guard tdz_deflate_init2(&stream, 9, 31) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out: [UInt8] = []
        var remaining = size
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        repeat {
            let n = min(remaining, block.count)
            remaining -= n
            let flush = remaining == 0 ? Z_FINISH : Z_NO_FLUSH
            block.withUnsafeBufferPointer { inBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = UInt32(n)
                repeat {
                    buffer.withUnsafeMutableBufferPointer { outBuf in
                        stream.next_out = outBuf.baseAddress
                        stream.avail_out = UInt32(outBuf.count)
                        CZlib.deflate(&stream, flush)
                        out += outBuf[0..<(outBuf.count - Int(stream.avail_out))]
                    }
                } while stream.avail_out == 0
            }
        } while remaining > 0
        return out
    }

    private static func compress(_ input: [UInt8], windowBits: Int32) -> [UInt8] {
        var stream = z_stream()
        guard tdz_deflate_init2(&stream, 6, windowBits) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        var input = input
        input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                CZlib.deflate(&stream, Z_FINISH)
            }
        }
        return Array(out[0..<Int(stream.total_out)])
    }
}
