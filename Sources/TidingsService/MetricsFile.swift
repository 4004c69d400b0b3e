import Foundation
import TidingsStore
#if canImport(Glibc)
import Glibc
#endif

/// `metrics_file`: the Prometheus text exposition format (version 0.0.4),
/// written whole to a temporary file beside the path and renamed over it
/// after each round, for node_exporter's textfile collector: nothing
/// listens on a port, and a reader never sees half a file.
enum MetricsFile {
    struct Gauges {
        var feedStates: [String: Int]
        var journalSeq: Int64
        var networkUnreachable: Bool
    }

    static func text(_ c: Metrics.Counts, _ g: Gauges) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
            let text = labels.isEmpty ? "" : "{" + labels.map { "\($0)=\"\($1)\"" }.joined(separator: ",") + "}"
            out += "\(name)\(text) \(value)\n"
        }
        family("tidings_feeds", "gauge", "Feeds followed, by state.")
        for state in ["healthy", "failing", "gone", "quarantined", "paused"] {
            sample("tidings_feeds", [("state", state)], String(g.feedStates[state] ?? 0))
        }
        family("tidings_polls_total", "counter", "Polls since the daemon started, by outcome.")
        for outcome in ["ok", "not_modified", "failed", "unreachable", "deferred", "storage_unavailable"] {
            sample("tidings_polls_total", [("outcome", outcome)], String(c.polls[outcome] ?? 0))
        }
        family("tidings_http_responses_total", "counter", "Fetches by HTTP status class (none: no response).")
        for statusClass in ["2xx", "3xx", "4xx", "5xx", "none"] {
            sample("tidings_http_responses_total", [("class", statusClass)], String(c.statusClasses[statusClass] ?? 0))
        }
        family("tidings_articles_total", "counter", "Articles created and updated, and items dropped by rules.")
        for change in ["created", "updated", "dropped"] {
            sample("tidings_articles_total", [("change", change)], String(c.articles[change] ?? 0))
        }
        family("tidings_fetched_bytes_total", "counter", "Bytes of feed documents fetched (decoded).")
        sample("tidings_fetched_bytes_total", [], String(c.fetchedBytes))
        family("tidings_fetch_duration_seconds", "histogram", "Time from a fetch's start to its last byte.")
        for (i, bound) in Metrics.durationBounds.enumerated() {
            sample("tidings_fetch_duration_seconds_bucket", [("le", number(bound))], String(c.durationBuckets[i]))
        }
        sample("tidings_fetch_duration_seconds_bucket", [("le", "+Inf")], String(c.durationCount))
        sample("tidings_fetch_duration_seconds_sum", [], number(c.durationSum))
        sample("tidings_fetch_duration_seconds_count", [], String(c.durationCount))
        family("tidings_hook_runs_total", "counter", "Runs of the on_article hook.")
        sample("tidings_hook_runs_total", [], String(c.hookRuns))
        family("tidings_hook_failures_total", "counter", "Runs of the on_article hook that failed.")
        sample("tidings_hook_failures_total", [], String(c.hookFailures))
        family("tidings_journal_seq", "gauge", "The last seq in the journal files.")
        sample("tidings_journal_seq", [], String(g.journalSeq))
        family("tidings_network_unreachable", "gauge", "1 while every poll meets no network (an outage), else 0.")
        sample("tidings_network_unreachable", [], g.networkUnreachable ? "1" : "0")
        family("tidings_last_round_timestamp_seconds", "gauge", "When the last round of polls ended (Unix time).")
        sample("tidings_last_round_timestamp_seconds", [], number(c.lastRoundAt?.timeIntervalSince1970 ?? 0))
        family("tidings_last_round_duration_seconds", "gauge", "How long the last round of polls took.")
        sample("tidings_last_round_duration_seconds", [], number(c.lastRoundSeconds))
        return out
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Written beside `path` and renamed over it.
    static func write(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            let error = String(cString: strerror(errno))
            unlink(temporary)
            throw MetricsError(description: "cannot rename \(temporary) to \(path): \(error)")
        }
    }

    struct MetricsError: Error, CustomStringConvertible {
        let description: String
    }
}
