import Foundation

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

    /// Runs a command and charges it its own CPU time (RUSAGE_CHILDREN).
    static func ofProcess(_ executable: String, _ arguments: [String]) throws -> Measurement {
        let cpu0 = cpuSeconds(RUSAGE_CHILDREN)
        let t0 = Date()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return Measurement(wall: Date().timeIntervalSince(t0), cpu: cpuSeconds(RUSAGE_CHILDREN) - cpu0)
    }

    static func cpuSeconds(_ who: __rusage_who) -> Double {
        var u = rusage()
        getrusage(__rusage_who_t(who.rawValue), &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }
}

func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }
