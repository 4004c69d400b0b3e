import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of the `on_article` command: spawned without a shell
/// (posix_spawn, program found on PATH as execvp would), in a process group
/// of its own so that a timeout kills whatever it started too; standard
/// input is /dev/null, standard output and error are collected (up to
/// `outputLimit`) for the log.
///
/// Why posix_spawn and not swift-subprocess: one spawn, one wait with a
/// deadline and a pipe are 100 lines; the package would add swift-system
/// and its own build time to a two-core build for that.
struct HookProcess {
    struct Result {
        /// The exit status, or nil when it was killed (timeout, shutdown).
        var status: Int32?
        var signal: Int32?
        var output: String
        var timedOut: Bool

        var succeeded: Bool { status == 0 }
        var failure: String {
            if timedOut { return "timed out" }
            if let signal { return "killed by signal \(signal)" }
            return "exit status \(status ?? -1)"
        }
    }

    static let outputLimit = 64 << 10

    /// Runs `command` + `arguments` with `environment` added to this
    /// process's, until it ends, `timeout` passes or `shouldStop` says so.
    static func run(_ command: [String], arguments: [String], environment: [String: String], timeout: Double,
                    shouldStop: () -> Bool) -> Result {
        guard let program = command.first else { return Result(status: 127, output: "no program", timedOut: false) }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            return Result(status: 127, output: "cannot make a pipe: errno \(errno)", timedOut: false)
        }
        // Neither end may leak into other children (a concurrent hook
        // holding this pipe open would delay its end of file).
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = (command + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        close(pipeFDs[1])
        guard rc == 0 else {
            close(pipeFDs[0])
            return Result(status: 127, output: "cannot start \(program): \(String(cString: strerror(rc)))", timedOut: false)
        }
        return collect(pid: pid, output: pipeFDs[0], deadline: Date().addingTimeInterval(timeout), shouldStop: shouldStop)
    }

    /// Reads the output while waiting for the process; kills its group at
    /// the deadline or when asked to stop.
    private static func collect(pid: pid_t, output fd: Int32, deadline: Date, shouldStop: () -> Bool) -> Result {
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var status: Int32 = 0
        var killed = false, timedOut = false
        var open = true
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if open, poll(&poller, 1, 20) > 0 {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    if bytes.count < outputLimit { bytes += buffer[0..<min(n, outputLimit - bytes.count)] }
                } else if n == 0 { open = false }
            } else if !open {
                usleep(20_000)
            }
            if waitpid(pid, &status, WNOHANG) == pid { break }
            if !killed && (Date() >= deadline || shouldStop()) {
                timedOut = Date() >= deadline
                kill(-pid, SIGKILL)
                killed = true
            }
        }
        let signal = status & 0x7F
        return Result(status: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
                      output: String(decoding: bytes, as: UTF8.self), timedOut: timedOut)
    }
}
