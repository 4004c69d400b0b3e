/// Cuts a byte stream into the fixed-size blocks a hash function compresses,
/// holding back the tail until more bytes arrive. Whole blocks are passed
/// straight from the caller's memory. Used by `SHA256`.
struct BlockFeeder {
    let blockSize: Int
    private(set) var pending: [UInt8] = []
    private(set) var length: UInt64 = 0

    init(blockSize: Int) {
        self.blockSize = blockSize
    }

    mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>, block: (UnsafeRawPointer) -> Void) {
        length &+= UInt64(buffer.count)
        var i = 0
        if !pending.isEmpty {
            let take = min(blockSize - pending.count, buffer.count)
            pending.append(contentsOf: buffer[0..<take])
            i = take
            if pending.count == blockSize {
                pending.withUnsafeBytes { block($0.baseAddress!) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let raw = UnsafeRawBufferPointer(buffer)
        while buffer.count - i >= blockSize {
            block(raw.baseAddress! + i)
            i += blockSize
        }
        if i < buffer.count { pending.append(contentsOf: buffer[i...]) }
    }

    /// The bytes held back, which the hash's finalization pads.
    mutating func takePending() -> [UInt8] {
        defer { pending.removeAll() }
        return pending
    }
}
