import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process run with posix_spawn and reaped with wait4, so that its
/// own CPU time and peak memory are known (Foundation's Process reports
/// neither). The benchmarks and the tests that bound a command's memory
/// use it.
public struct ChildProcess {
    public struct Usage {
        public var wall: Double
        public var cpu: Double
        public var peakMegabytes: Double
        /// The exit status, or 128 + the signal that ended the process.
        public var status: Int32
        /// Bytes the process (and the children it reaped) caused to be
        /// written to storage (`ru_oublock`, in 512-byte blocks).
        public var writtenBytes: Int = 0
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    public let pid: pid_t
    private let started = Date()

    /// Starts `path`; standard input is `stdin` (a file) or /dev/null, the
    /// outputs go to the files named or to /dev/null.
    /// `environment`: the variables to set (or, with nil, remove) over this process's own.
    public static func spawn(_ path: String, _ arguments: [String], stdin: String? = nil, stdout: String? = nil,
                             stderr: String? = nil, environment: [String: String?] = [:]) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0)=\($1)") } + [nil]
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw SpawnError(description: "cannot start \(path): errno \(rc)") }
        return ChildProcess(pid: pid)
    }

    /// Waits for the process to end; `wall` counts from the spawn.
    public func wait() -> Usage {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        let signalled = status & 0x7F
        return Usage(wall: Date().timeIntervalSince(started), cpu: cpu, peakMegabytes: Double(usage.ru_maxrss) / 1024,
                     status: signalled != 0 ? 128 + signalled : (status >> 8) & 0xFF,
                     writtenBytes: Int(usage.ru_oublock) * 512)
    }

    public func signal(_ number: Int32) { kill(pid, number) }
}
