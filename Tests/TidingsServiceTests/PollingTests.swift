import Foundation
import Synchronization
import Testing
import TidingsService
import TidingsStore
import TidingsTestSupport

/// The daemon against a real HTTP server: conditional polls, and failures
/// that are recorded per feed without stopping the others.
@Suite(.timeLimit(.minutes(2))) struct PollingTests {
    static func rss(_ titles: [String]) -> String {
        "<rss version=\"2.0\"><channel><title>Served</title>"
            + titles.map { "<item><guid>\($0)</guid><title>\($0)</title></item>" }.joined()
            + "</channel></rss>"
    }

    @Test func secondPollIsConditionalAndCosts304() async throws {
        let server = try TestHTTPServer { request in
            request.headers["if-none-match"] == "\"1\"" ? .status(304) : .ok(Self.rss(["a", "b"]), headers: [("ETag", "\"1\"")])
        }
        let fixture = DaemonFixture()
        let daemon = try fixture.daemon()
        defer { daemon.shutdown() }
        _ = try await Ledger(configuration: fixture.configuration).add(urls: [server.baseURL + "/feed"])
        let first = try await daemon.pollOnce()
        let second = try await daemon.pollOnce()
        #expect(first.newArticles == 2)
        #expect(second.notModified == 1 && second.newArticles == 0)
        #expect(server.requests.last?.headers["if-none-match"] == "\"1\"")
        // A 304, not an identical 200: the result says which.
        #expect(try await Ledger(configuration: fixture.configuration).feeds().first?.lastResult == "not modified")
    }

    @Test func changedFeedUpdatesOnlyWhatChanged() async throws {
        let version = Mutex(1)
        let server = try TestHTTPServer { _ in
            version.withLock { $0 } == 1 ? .ok(Self.rss(["a", "b"])) : .ok(Self.rss(["a", "b-corrected", "c"]).replacingOccurrences(of: "<guid>b-corrected</guid>", with: "<guid>b</guid>"))
        }
        let fixture = DaemonFixture()
        let daemon = try fixture.daemon()
        defer { daemon.shutdown() }
        _ = try await Ledger(configuration: fixture.configuration).add(urls: [server.baseURL])
        _ = try await daemon.pollOnce()
        version.withLock { $0 = 2 }
        let summary = try await daemon.pollOnce()
        #expect(summary.newArticles == 1 && summary.updatedArticles == 1)
        #expect(fixture.articleFiles.count == 3)
    }

    @Test func failingFeedsAreRecordedAndDoNotStopTheOthers() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/good": .ok(Self.rss(["x"]))
            case "/html": .ok("<html><body>Not a feed</body></html>", type: "text/html")
            default: .status(404)
            }
        }
        let closed = try TestHTTPServer { _ in .status(200) }
        let closedURL = closed.baseURL + "/feed"
        closed.stop()
        let fixture = DaemonFixture()
        let daemon = try fixture.daemon()
        defer { daemon.shutdown() }
        let ledger = try Ledger(configuration: fixture.configuration)
        for path in ["/good", "/html", "/missing"] { _ = try await ledger.add(urls: [server.baseURL + path]) }
        _ = try await ledger.add(urls: [closedURL])
        let summary = try await daemon.pollOnce()
        #expect(summary.polled == 4 && summary.failed == 3 && summary.newArticles == 1)

        let feeds = Dictionary(uniqueKeysWithValues: try await ledger.feeds().map { ($0.url, $0) })
        let html = try #require(feeds[server.baseURL + "/html"])
        #expect(html.lastResult == "not a feed")
        #expect(html.lastError?.contains("HTML page") == true)
        let missing = try #require(feeds[server.baseURL + "/missing"])
        #expect(missing.lastResult == "http 404" && missing.lastHTTPStatus == 404)
        let refused = try #require(feeds[closedURL])
        #expect(refused.lastResult == "connect")
        for feed in [html, missing, refused] {
            #expect(feed.consecutiveFailures == 1)
            #expect((feed.nextPollAt ?? .distantPast) > Date())
        }
        #expect(feeds[server.baseURL + "/good"]?.lastResult == "ok")
    }

    @Test func summaryLineNamesEveryCount() {
        var s = PollSummary()
        s.add(.updated(new: 3, updated: 1, unchanged: 0))
        s.add(.notModified)
        s.add(.failed("http 500"))
        s.add(.skipped)
        #expect(s.description == "polled 3 feeds: 1 not modified, 1 failed; articles: 3 new, 1 updated")
    }
}
