import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Threads that write a group's staged files while the group is still being
/// decided, so that a file's bytes are held only until written (a group of
/// new articles is megabytes) and the writing overlaps the deciding.
///
/// Threads of their own, not Dispatch: Dispatch runs about as many threads
/// as there are cores, and a create waits in the kernel more than it
/// computes (ext4's inode allocator skips recently freed inodes, reading
/// their table blocks: 0.1 to 0.7 ms per create measured on this machine's
/// disk, against 10 us for the write; a Python loop here made 2,590 files a
/// second on one thread, 31,558 on four). They start with the first file
/// and then wait, idle, for the next group. Files are handed over in
/// batches: a wake-up per file cost a cold poll half its CPU again.
final class StagingWriters: @unchecked Sendable {
    private typealias Job = (path: String, bytes: [UInt8])
    private let condition = NSCondition()
    private var batches: [[Job]] = []
    private var writing = 0
    private var failure: StoreError?
    private var started = false
    /// Files not handed over yet; only the caller's thread touches it.
    private var pending: [Job] = []

    static let threads = 8
    static let batchFiles = 256

    /// Queues `bytes` to be written (unsynced) to `path`.
    func write(_ bytes: [UInt8], to path: String) {
        pending.append((path, bytes))
        if pending.count >= Self.batchFiles { handOver() }
    }

    private func handOver() {
        guard !pending.isEmpty else { return }
        condition.lock()
        if !started {
            started = true
            for n in 0..<Self.threads {
                let thread = Thread { [self] in work() }
                thread.name = "tidings-staging-\(n)"
                thread.start()
            }
        }
        // Several small batches rather than one, so that every thread has
        // some of the files.
        let share = max(32, pending.count / Self.threads)
        for start in stride(from: 0, to: pending.count, by: share) {
            batches.append(Array(pending[start..<min(start + share, pending.count)]))
        }
        pending = []
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every queued file is written.
    func wait() {
        handOver()
        condition.lock()
        while !batches.isEmpty || writing > 0 { condition.wait() }
        condition.unlock()
    }

    /// Waits until every queued file is written; throws the first failure
    /// since the last call (and forgets it).
    func finish() throws(StoreError) {
        wait()
        condition.lock()
        let error = failure
        failure = nil
        condition.unlock()
        if let error { throw error }
    }

    private func work() {
        condition.lock()
        while true {
            while batches.isEmpty { condition.wait() }
            let batch = batches.removeLast()  // any order will do
            writing += 1
            condition.unlock()
            var failed: StoreError?
            for job in batch where failed == nil {
                do throws(StoreError) { try FileSystem.writeUnsynced(job.path, job.bytes) } catch { failed = error }
            }
            condition.lock()
            writing -= 1
            if let failed, failure == nil { failure = failed }
            // Only the end of the work is news (to `wait`): waking every
            // thread after each batch would cost more than the writes.
            if batches.isEmpty && writing == 0 { condition.broadcast() }
        }
    }
}
