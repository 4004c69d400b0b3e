import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process run with posix_spawn and reaped with wait4, so that its
/// own CPU time and peak memory are known (Foundation's Process reports neither).
struct ChildProcess {
    struct Usage {
        var wall: Double
        var cpu: Double
        var peakMegabytes: Double
        var status: Int32
    }

    let pid: pid_t

    static func spawn(_ path: String, _ arguments: [String], stdout: String? = nil, stderr: String? = nil) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard rc == 0 else { throw BenchError("cannot start \(path): errno \(rc)") }
        return ChildProcess(pid: pid)
    }

    func wait() -> Usage {
        let start = Date()
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return Usage(wall: Date().timeIntervalSince(start), cpu: cpu, peakMegabytes: Double(usage.ru_maxrss) / 1024,
                     status: (status >> 8) & 0xFF)
    }

    func signal(_ number: Int32) { kill(pid, number) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
