import Foundation
import Testing
import TidingsModel
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `metrics_file` as node_exporter's textfile collector reads it, judged
/// by Prometheus's own `promtool check metrics`.
@Suite(.timeLimit(.minutes(3))) struct MetricsTests {
    static func value(_ text: String, _ sample: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func theMetricsFileCountsWhatHappenedAndPromtoolAcceptsIt() throws {
        let server = try TestHTTPServer { r in
            switch r.path {
            case "/a.xml": return .ok(OperatorCLITests.rss("A", items: 4))
            case "/b.xml": return .ok(OperatorCLITests.rss("B", items: 2))
            default: return .status(500)
            }
        }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-metrics")
        let state = root + "/state"
        try FileManager.default.createDirectory(atPath: root + "/textfile", withIntermediateDirectories: true)
        let metrics = root + "/textfile/tidings.prom"
        try ["/a.xml", "/b.xml", "/broken.xml", "/paused.xml"].map { server.baseURL + $0 }.joined(separator: "\n")
            .write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        try """
            metrics_file: \(metrics)
            on_article: ["/bin/true"]
            hooks_on_backlog: true
            rules:
              - drop: "^A 3$"
            """.write(toFile: root + "/tidings.yaml", atomically: true, encoding: .utf8)
        #expect(try RealFeedsSupport.run(CommandLineTests.cli, ["import", root + "/feeds.txt", "--state-dir", state]).status == 0)
        #expect(try RealFeedsSupport.run(CommandLineTests.cli, ["pause", server.baseURL + "/paused.xml", "--state-dir", state]).status == 0)
        let run = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--config", root + "/tidings.yaml",
                                                                     "--state-dir", state, "--output-dir", root + "/out"])
        #expect(run.status == 0, "\(run.err)")

        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/textfile") == ["tidings.prom"])
        let check = try RealFeedsSupport.run("/usr/bin/promtool", ["check", "metrics"], stdinFile: metrics)
        #expect(check.status == 0, "promtool: \(check.out) \(check.err)\n\(text)")

        #expect(Self.value(text, "tidings_feeds{state=\"healthy\"}") == 2)
        #expect(Self.value(text, "tidings_feeds{state=\"failing\"}") == 1)
        #expect(Self.value(text, "tidings_feeds{state=\"paused\"}") == 1)
        #expect(Self.value(text, "tidings_polls_total{outcome=\"ok\"}") == 2)
        #expect(Self.value(text, "tidings_polls_total{outcome=\"failed\"}") == 1)
        #expect(Self.value(text, "tidings_http_responses_total{class=\"2xx\"}") == 2)
        #expect(Self.value(text, "tidings_http_responses_total{class=\"5xx\"}") == 1)
        #expect(Self.value(text, "tidings_articles_total{change=\"created\"}") == 5)
        #expect(Self.value(text, "tidings_articles_total{change=\"dropped\"}") == 1)
        #expect(Self.value(text, "tidings_fetch_duration_seconds_count") == 3)
        #expect((Self.value(text, "tidings_fetched_bytes_total") ?? 0) > 300)
        #expect(Self.value(text, "tidings_hook_runs_total") == 5)
        #expect(Self.value(text, "tidings_journal_seq") == 5)
        #expect((Self.value(text, "tidings_last_round_timestamp_seconds") ?? 0) > Date().timeIntervalSince1970 - 60)
    }
}
