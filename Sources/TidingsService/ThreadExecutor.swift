import Foundation
import Synchronization

/// A serial executor on a thread of its own. The ledger runs on it: SQLite
/// and fsync block, and blocking work on Swift's cooperative pool (one
/// thread per core, two here) would stall every poll's parsing and every
/// continuation while a transaction waits for the disk.
final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let queue = Mutex<[UnownedJob]>([])
    private let stopped = Atomic(false)
    private let wake = NSCondition()

    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        queue.withLock { $0.append(unowned) }
        wake.lock()
        wake.signal()
        wake.unlock()
    }

    /// Ends the thread once the jobs already queued have run.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        wake.lock()
        wake.signal()
        wake.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    private func run() {
        while true {
            wake.lock()
            while queue.withLock({ $0.isEmpty }) {
                if stopped.load(ordering: .relaxed) {
                    wake.unlock()
                    return
                }
                wake.wait()
            }
            wake.unlock()
            let jobs = queue.withLock { q -> [UnownedJob] in
                defer { q.removeAll(keepingCapacity: true) }
                return q
            }
            for job in jobs { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }
}
