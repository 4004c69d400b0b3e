import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One daemon per state directory: an exclusive `flock` on
/// `STATE/tidingsd.lock`, taken before anything in the directory is
/// touched and held until the process ends (the kernel drops it then, even
/// after SIGKILL). The holder's pid is written into the file, so that a
/// second daemon can say who holds it.
public final class StateLock: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case held(path: String, by: String)
        case cannotOpen(path: String, errno: Int32)

        /// Another process holds the lock (as opposed to the file failing).
        public var isHeld: Bool { if case .held = self { true } else { false } }

        public var description: String {
            switch self {
            case .held(let path, let pid):
                "another tidingsd (pid \(pid.isEmpty ? "?" : pid)) holds \(path): one daemon per state directory"
            case .cannotOpen(let path, let e): "cannot open the lock file \(path): \(String(cString: strerror(e)))"
            }
        }
    }

    public static let fileName = "tidingsd.lock"
    private let descriptor: Int32

    public init(stateDirectory: String) throws(Failure) {
        let path = stateDirectory + "/" + Self.fileName
        try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let pid = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .held(path: path, by: pid)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        descriptor = fd
    }

    deinit { close(descriptor) }
}
