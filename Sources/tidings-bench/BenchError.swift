struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
