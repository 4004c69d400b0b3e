import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify without libsystemd: a datagram to the socket systemd names in
/// `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace). Outside
/// systemd the variable is unset and every call does nothing.
///
/// The watchdog: with `WatchdogSec=` in the unit, systemd sets
/// `$WATCHDOG_USEC`; `watchdogPing()` sends `WATCHDOG=1` at most every half
/// of that, and only the polling loop calls it, so a loop that hangs stops
/// the pings and systemd restarts the service.
public final class SystemdNotifier: Sendable {
    private let address: String?
    /// Half the watchdog interval, in seconds; nil without a watchdog.
    public let watchdogInterval: Double?
    private let lastPing = Mutex<Double>(0)

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        address = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let pidMatches = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        watchdogInterval = environment["WATCHDOG_USEC"].flatMap(Double.init).flatMap { pidMatches && $0 > 0 ? $0 / 2e6 : nil }
    }

    /// Whether messages go anywhere (systemd gave a socket): callers skip
    /// the work of a status line nobody reads.
    public var isActive: Bool { address != nil }

    /// Sends one message (`READY=1`, `STATUS=...`, several lines at once).
    public func send(_ message: String) {
        guard let address else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var sun = sockaddr_un()
        sun.sun_family = sa_family_t(AF_UNIX)
        var path = Array(address.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: sun.sun_path)
        guard path.count < capacity else { return }
        withUnsafeMutableBytes(of: &sun.sun_path) { raw in
            for (i, b) in path.enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &sun) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), $0, length) }
        }
    }

    /// CLOCK_MONOTONIC in microseconds, for `MONOTONIC_USEC=` beside `RELOADING=1`.
    public static func monotonicMicroseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000 + UInt64(t.tv_nsec) / 1_000
    }

    /// `WATCHDOG=1`, at most every half watchdog interval.
    public func watchdogPing() {
        guard let interval = watchdogInterval else { return }
        let now = Date().timeIntervalSince1970
        let due = lastPing.withLock { last -> Bool in
            guard now - last >= interval else { return false }
            last = now
            return true
        }
        if due { send("WATCHDOG=1") }
    }
}
