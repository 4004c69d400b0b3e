internal import CCurl
import Foundation
import Synchronization
import TidingsConfiguration

/// Concurrent HTTP fetching on one libcurl multi handle, driven by a thread
/// of its own (curl_multi_poll blocks, so it stays off Swift's cooperative
/// pool). Callers `await fetch`; results come back as `Sendable` values.
///
/// The multi handle enforces the global and per-host connection limits,
/// reuses connections, multiplexes HTTP/2 and keeps one DNS cache for all
/// transfers. No thread or process per feed.
public final class HTTPClient: Sendable {
    public let policy: FetchPolicy
    private let multi: MultiHandle
    private let queue = Mutex(Queue())

    private struct Queue {
        var pending: [Transfer] = []
        var stopping = false
        var running = true
    }

    /// `curl_global_init` must run once, before any other thread uses libcurl.
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public init(policy: FetchPolicy = FetchPolicy()) {
        _ = Self.globalInit
        self.policy = policy
        self.multi = MultiHandle(policy: policy)
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "tidings-curl"
        thread.start()
    }

    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>) in
            guard let transfer = Transfer(request: request, policy: policy, continuation: continuation) else {
                continuation.resume(returning: .failure(.other(code: -1, message: "curl_easy_init failed")))
                return
            }
            if let error = transfer.configure() {
                transfer.fail(error)
                return
            }
            let accepted = queue.withLock { q -> Bool in
                guard !q.stopping else { return false }
                q.pending.append(transfer)
                return true
            }
            if accepted { multi.wakeup() } else { transfer.fail(.shutdown) }
        }
        return try result.get()
    }

    /// Stops the loop; transfers still running fail with `.shutdown`.
    public func shutdown() {
        queue.withLock { $0.stopping = true }
        multi.wakeup()
        while queue.withLock({ $0.running }) { usleep(1000) }
    }

    private func runLoop() {
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            let (incoming, stopping) = queue.withLock { q -> ([Transfer], Bool) in
                defer { q.pending.removeAll() }
                return (q.pending, q.stopping)
            }
            if stopping {
                for t in incoming { t.fail(.shutdown) }
                for (easy, t) in active {
                    multi.remove(easy)
                    t.fail(.shutdown)
                }
                queue.withLock { $0.running = false }
                return
            }
            for t in incoming {
                if multi.add(t.easy) { active[t.easy] = t } else { t.fail(.other(code: -1, message: "curl_multi_add_handle failed")) }
            }
            multi.perform()
            while let (easy, code) = multi.nextDone() {
                multi.remove(easy)
                active.removeValue(forKey: easy)?.complete(code)
            }
            multi.poll(milliseconds: 1000)
        }
    }
}

/// The curl multi handle, owned: created with its limits, cleaned up in deinit.
/// Used only from the loop thread, except `wakeup`, which libcurl allows
/// from any thread.
final class MultiHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    init(policy: FetchPolicy) {
        // curl_multi_init only fails when out of memory.
        handle = curl_multi_init()!
        _ = tdc_multi_setopt_long(handle, CURLMOPT_MAX_TOTAL_CONNECTIONS, policy.maximumConcurrentTransfers)
        _ = tdc_multi_setopt_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, policy.maximumTransfersPerHost)
        _ = tdc_multi_setopt_long(handle, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        // Idle connections kept for the next poll of a host (libcurl's
        // default, four per transfer in progress, drops to nothing between
        // rounds): many feeds on one host then share a connection and its
        // TLS session instead of a handshake each. Closed by libcurl after
        // two minutes unused, or by the server before.
        _ = tdc_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, Self.keptConnections(policy))
    }

    static func keptConnections(_ policy: FetchPolicy) -> Int { max(64, 2 * policy.maximumConcurrentTransfers) }

    deinit { curl_multi_cleanup(handle) }

    func add(_ easy: UnsafeMutableRawPointer) -> Bool { curl_multi_add_handle(handle, easy) == CURLM_OK }
    func remove(_ easy: UnsafeMutableRawPointer) { _ = curl_multi_remove_handle(handle, easy) }
    func wakeup() { _ = curl_multi_wakeup(handle) }

    func perform() {
        var running: Int32 = 0
        _ = curl_multi_perform(handle, &running)
    }

    func poll(milliseconds: Int32) {
        var ready: Int32 = 0
        _ = curl_multi_poll(handle, nil, 0, milliseconds, &ready)
    }

    func nextDone() -> (UnsafeMutableRawPointer, CURLcode)? {
        var left: Int32 = 0
        while let msg = curl_multi_info_read(handle, &left) {
            if msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle {
                return (easy, tdc_msg_result(msg))
            }
        }
        return nil
    }
}
