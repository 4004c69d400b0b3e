extension String {
    /// A String made from UTF-8 bytes. Swift's own check of new Strings goes
    /// a byte at a time and was the parser's largest single cost after
    /// libxml2; `UTF8Repair.isValid` reads ASCII eight bytes at a time, and
    /// only bytes it has just accepted are copied in unchecked. Anything it
    /// rejects takes Swift's repairing path, so the result is always valid.
    init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        if UTF8Repair.isValid(bytes) {
            self = String(copying: UTF8Span(unchecked: bytes.span))
        } else {
            self = String(decoding: bytes, as: UTF8.self)
        }
    }

    init(utf8 bytes: [UInt8]) {
        self = bytes.withUnsafeBufferPointer { String(utf8: $0) }
    }
}
