import Foundation
import Testing
import TidingsModel
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A network outage is not a feed's failure: a running daemon whose every
/// poll meets no network counts no failure, applies no back-off, says so
/// in `tidings status`, and polls again as soon as the network is back.
@Suite(.timeLimit(.minutes(3))) struct OutageTests {
    static let handler: @Sendable (TestRequest) -> TestResponse = { r in .ok(OperatorCLITests.rss(String(r.path.dropFirst()))) }

    static func wait(_ what: String, timeout: Double = 30, until condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(100_000)
        }
        Issue.record("timed out waiting for \(what)")
    }

    @Test func everyPollMeetingNoNetworkIsAnOutageNotAFailure() throws {
        var server = try TestHTTPServer(handler: Self.handler)
        let port = server.port
        let root = TestPaths.temporaryDirectory("tidings-outage")
        let state = root + "/state"
        try (1...3).map { "http://h\($0).localhost:\(port)/f\($0)" }.joined(separator: "\n")
            .write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        try "poll_interval_seconds: 2\noutage_retry_seconds: 1\n".write(toFile: root + "/tidings.yaml", atomically: true, encoding: .utf8)
        let daemon = try QuietProcess.start(CommandLineTests.daemon, [
            "--config", root + "/tidings.yaml", "--allow-short-intervals", "--feeds", root + "/feeds.txt",
            "--state-dir", state, "--output-dir", root + "/out",
        ], errorLog: root + "/daemon.log")
        defer {
            kill(daemon.processIdentifier, SIGTERM)
            daemon.waitUntilExit()
        }
        func feeds() throws -> [FeedRecord] {
            guard FileManager.default.fileExists(atPath: state + "/tidings.sqlite3") else { return [] }
            return try TidingsState(stateDirectory: state, readOnly: true).all()
        }
        func outage() throws -> Date? { try TidingsState(stateDirectory: state, readOnly: true).networkOutage() }
        try Self.wait("the first polls") { try feeds().count == 3 && feeds().allSatisfy { $0.lastResult == "ok" } }

        // The network goes: every connection is refused.
        server.stop()
        try Self.wait("the outage to be noticed") { try outage() != nil }
        Thread.sleep(forTimeInterval: 3)  // a few more rounds of it
        let during = try feeds()
        #expect(during.allSatisfy { $0.consecutiveFailures == 0 && $0.lastResult == "ok" },
                "\(during.map { ($0.consecutiveFailures, $0.lastResult) })")
        let status = try RealFeedsSupport.run(CommandLineTests.cli, ["status", "--table", "--state-dir", state])
        #expect(status.out.contains("network unreachable since") && status.err.contains("network unreachable since"),
                "\(status.out)")
        #expect(status.out.contains("3 healthy, 0 failing"), "\(status.out)")

        // It comes back: polled again within the retry, the outage over.
        let back = Date()
        server = try TestHTTPServer(port: port, handler: Self.handler)
        defer { server.stop() }
        try Self.wait("polls after the network came back") {
            try outage() == nil && feeds().allSatisfy { ($0.lastPollAt ?? .distantPast) > back }
        }
        #expect(Date().timeIntervalSince(back) < 5)
        #expect(try feeds().allSatisfy { $0.consecutiveFailures == 0 })
        let log = try String(contentsOfFile: root + "/daemon.log", encoding: .utf8)
        #expect(log.contains("network unreachable") && log.contains("network reachable again"))
    }

    @Test func oneDeadFeedAloneIsStillThatFeedsFailure() throws {
        let server = try TestHTTPServer(handler: Self.handler)
        let port = server.port
        server.stop()
        let root = TestPaths.temporaryDirectory("tidings-dead-feed")
        try "http://127.0.0.1:\(port)/gone\n".write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let run = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--feeds", root + "/feeds.txt",
                                                                     "--state-dir", root + "/state", "--output-dir", root + "/out"])
        #expect(run.status == 0)
        let feed = try #require(try TidingsState(stateDirectory: root + "/state", readOnly: true).all().first)
        #expect(feed.consecutiveFailures == 1 && feed.lastResult == "connect")
        #expect(try TidingsState(stateDirectory: root + "/state", readOnly: true).networkOutage() == nil)
    }
}
