/// libxml2 interns names and namespace URIs in its dictionary, so within one
/// parse a pointer always stands for the same name. This maps such pointers
/// to what the builder made of them: a direct-mapped cache of the last
/// pointer seen in each slot, in front of a dictionary. A feed uses a few
/// dozen names, so nearly every look-up is one multiply and one compare
/// rather than a dictionary's hashing.
struct InternTable<Value> {
    private var keys = [UnsafeRawPointer?](repeating: nil, count: 128)
    private var values = [Value?](repeating: nil, count: 128)
    private var all: [UnsafeRawPointer: Value] = [:]

    mutating func value(for pointer: UnsafeRawPointer, orMake make: () -> Value) -> Value {
        let slot = Int(truncatingIfNeeded: (UInt(bitPattern: pointer) &* 0x9E37_79B9_7F4A_7C15) >> 57)
        if keys[slot] == pointer, let cached = values[slot] { return cached }
        let value: Value
        if let known = all[pointer] {
            value = known
        } else {
            value = make()
            all[pointer] = value
        }
        keys[slot] = pointer
        values[slot] = value
        return value
    }
}
