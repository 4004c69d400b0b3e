import Foundation
import Synchronization

/// What the daemon counts for `metrics_file`: polls by outcome and HTTP
/// status class, articles by change, bytes fetched, fetch durations, hook
/// runs. Counters since the process started, as Prometheus expects of
/// counters (a restart resets them; `rate()` copes).
///
/// Kept here rather than in swift-prometheus's registry: the file is
/// written once a round from these few counters, and swift-prometheus
/// (with swift-metrics and swift-atomics) would add three packages to a
/// clean build on two cores for a registry and an HTTP-less text writer
/// that `MetricsFile` is in sixty lines.
public final class Metrics: Sendable {
    /// Upper bounds of the fetch duration histogram, in seconds.
    static let durationBounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    struct Counts: Sendable {
        var polls: [String: Int] = [:]
        var statusClasses: [String: Int] = [:]
        var articles: [String: Int] = ["created": 0, "updated": 0, "dropped": 0]
        var fetchedBytes = 0
        var durationBuckets = [Int](repeating: 0, count: Metrics.durationBounds.count)
        var durationCount = 0
        var durationSum = 0.0
        var hookRuns = 0
        var hookFailures = 0
        var lastRoundAt: Date?
        var lastRoundSeconds = 0.0
    }

    let counts = Mutex(Counts())

    public init() {}

    func fetched(status: Int?, bytes: Int, seconds: Double) {
        counts.withLock { c in
            let statusClass = status.map { "\($0 / 100)xx" } ?? "none"
            c.statusClasses[statusClass, default: 0] += 1
            c.fetchedBytes += bytes
            c.durationCount += 1
            c.durationSum += seconds
            for (i, bound) in Self.durationBounds.enumerated() where seconds <= bound { c.durationBuckets[i] += 1 }
        }
    }

    func polled(_ outcome: PollOutcome) {
        let name: String
        switch outcome {
        case .updated: name = "ok"
        case .notModified: name = "not_modified"
        case .failed: name = "failed"
        case .unreachable: name = "unreachable"
        case .deferred: name = "deferred"
        case .storageUnavailable: name = "storage_unavailable"
        case .skipped: return
        }
        counts.withLock { c in
            c.polls[name, default: 0] += 1
            if case .updated(let new, let updated, _, let dropped) = outcome {
                c.articles["created", default: 0] += new
                c.articles["updated", default: 0] += updated
                c.articles["dropped", default: 0] += dropped
            }
        }
    }

    func hookRan(failed: Bool) {
        counts.withLock { c in
            c.hookRuns += 1
            if failed { c.hookFailures += 1 }
        }
    }

    func roundFinished(at end: Date, seconds: Double) {
        counts.withLock { c in
            c.lastRoundAt = end
            c.lastRoundSeconds = seconds
        }
    }
}
