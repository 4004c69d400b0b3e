import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a long command is doing, on one line of standard error redrawn in
/// place (done, of how many, rate, time left), only when standard error is
/// a terminal: piped or logged, the command stays quiet. At most ten
/// redraws a second; the line is erased when the work is done.
final class ProgressLine: Sendable {
    private let label: String
    private let unit: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = Date()
    private let lastDrawn = Mutex<Date?>(nil)

    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
    }

    private let counted = Mutex(0)

    /// One more done.
    func advance(total: Int?) {
        update(done: counted.withLock { $0 += 1; return $0 }, total: total)
    }

    func update(done: Int, total: Int?) {
        guard enabled else { return }
        let now = Date()
        let draw = lastDrawn.withLock { last -> Bool in
            guard last.map({ now.timeIntervalSince($0) >= 0.1 }) ?? true || done == total else { return false }
            last = now
            return true
        }
        guard draw else { return }
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        var text = "\(label): \(done)"
        if let total, total > 0 {
            text += " of \(total) \(unit) (\(done * 100 / total)%)"
            if rate > 0, done < total { text += ", \(Int(rate))/s, " + Self.duration(Double(total - done) / rate) + " left" }
        } else {
            text += " \(unit), \(Int(rate))/s"
        }
        write("\r\u{1b}[K" + text)
    }

    func finish() {
        guard enabled, lastDrawn.withLock({ $0 }) != nil else { return }
        write("\r\u{1b}[K")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        return "\(s / 3600)h\(s % 3600 / 60)m"
    }
}
