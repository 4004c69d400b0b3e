internal import CCrashNote
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Which parse the process was in when it crashed, kept in
/// `STATE/crash-notes` by a signal handler written in C (only
/// async-signal-safe calls can run there; see `crash_note.c`).
///
/// Why not count every death during a parse: a daemon killed from outside
/// (SIGKILL from an operator or the OOM killer, a power cut) dies in the
/// middle of whatever parses are in flight, none of which is to blame. The
/// random-kill crash test showed it: counting those deaths quarantined
/// innocent feeds and lost a third of their articles. A crash signal
/// (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP: a stack overflow, a
/// Swift trap, a watchdog's abort) names the thread that crashed, and so
/// the document.
public enum CrashNote {
    public static let fileName = "crash-notes"

    private static let descriptor = Mutex<Int32>(-1)

    /// Reads and removes the notes a crashed process left: the ids of the
    /// feeds whose parse it died in.
    public static func collect(stateDirectory: String) -> Set<String> {
        let path = stateDirectory + "/" + fileName
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        unlink(path)
        return Set(text.split(separator: "\n").map(String.init))
    }

    /// Starts noting into a fresh file in `stateDirectory`. Once per process
    /// is enough; a second call moves the notes to the new directory.
    public static func install(stateDirectory: String) {
        let fd = open(stateDirectory + "/" + fileName, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        descriptor.withLock { old in
            tcn_install(fd)
            if old >= 0 { close(old) }
            old = fd
        }
    }

    /// Runs `body` (synchronous: it must not hop threads) tagged with `tag`.
    public static func during<T, E: Error>(_ tag: String, _ body: () throws(E) -> T) throws(E) -> T {
        tcn_enter(tag)
        defer { tcn_leave() }
        return try body()
    }
}
