import Foundation
import TidingsParsing
#if FUZZING
internal import CFuzzer
#endif

/// The parser's fuzz target. Built by `make fuzz` with `-sanitize=fuzzer,address
/// -DFUZZING`, its main hands control to libFuzzer, which feeds it mutated
/// documents; a crash, a hang or a memory error fails the run. Built
/// normally, it replays the files named on its command line (how a crashing
/// input saved by libFuzzer is reproduced).
@main
struct FuzzTarget {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            guard let data else { return 0 }
            _ = try? FeedParser.parse(Array(UnsafeBufferPointer(start: data, count: size)), url: "https://fuzz.invalid/feed")
            return 0
        })
        #else
        var parsed = 0, refused = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                _ = try FeedParser.parse([UInt8](data), url: "https://fuzz.invalid/feed")
                parsed += 1
            } catch {
                refused += 1
            }
        }
        print("replayed \(parsed + refused) inputs: \(parsed) parsed, \(refused) refused")
        #endif
    }
}
