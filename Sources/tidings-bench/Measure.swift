import Foundation
import TidingsTestSupport

/// Wall and CPU time of a piece of work, for the benchmark tables.
struct Measurement {
    var wall: Double
    var cpu: Double

    static func of(_ work: () throws -> Void) rethrows -> Measurement {
        let cpu0 = cpuSeconds(RUSAGE_SELF)
        let t0 = Date()
        try work()
        return Measurement(wall: Date().timeIntervalSince(t0), cpu: cpuSeconds(RUSAGE_SELF) - cpu0)
    }

    /// Runs a command and charges it its own CPU time (from wait4).
    static func ofProcess(_ executable: String, _ arguments: [String]) throws -> Measurement {
        let t0 = Date()
        let usage = try ChildProcess.spawn(executable, arguments).wait()
        guard usage.status == 0 else { throw BenchError("\(executable) exited with status \(usage.status)") }
        return Measurement(wall: Date().timeIntervalSince(t0), cpu: usage.cpu)
    }

    static func cpuSeconds(_ who: __rusage_who) -> Double {
        var u = rusage()
        getrusage(__rusage_who_t(who.rawValue), &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }
}

func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

/// A table cell: `s` padded to `n` columns, with at least one space after.
func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }
