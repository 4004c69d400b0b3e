import Foundation
import Logging
import Synchronization
import Testing
import TidingsService
import TidingsFetching
import TidingsStore
import TidingsTestSupport

/// How the poller reads what publishers answer: 410, 429/503 with
/// Retry-After, permanent and temporary redirects. Polls are made with
/// chosen clock times, so "over at least a day" is checked without waiting.
@Suite(.timeLimit(.minutes(2))) struct StatusCodeTests {
    static let feed = "<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>x</title></item></channel></rss>"

    /// Times come back from SQLite as seconds since 1970: equal to the millisecond.
    static func same(_ a: Date?, _ b: Date) -> Bool {
        guard let a else { return false }
        return abs(a.timeIntervalSince(b)) < 0.001
    }

    struct Rig {
        let fixture = DaemonFixture()
        let client = HTTPClient()
        let ledger: Ledger
        let hosts = HostGate()
        let poller: Poller

        init() throws {
            ledger = try Ledger(configuration: fixture.configuration)
            poller = Poller(client: client, ledger: ledger, hosts: hosts, configuration: fixture.configuration,
                            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }

        func add(_ url: String) async throws -> FeedRecord {
            _ = try await ledger.add(urls: [url])
            return try #require(try await ledger.find(url))
        }

        func poll(_ url: String, at now: Date) async throws -> (PollOutcome, FeedRecord) {
            let feed = try #require(try await ledger.find(url))
            let outcome = await poller.poll(feed, now: now)
            return (outcome, try #require(try await ledger.find(feed.id)))
        }
    }

    @Test func goneDisablesTheFeedWithTheReasonShown() async throws {
        let server = try TestHTTPServer { _ in .status(410) }
        let rig = try Rig()
        defer { rig.client.shutdown() }
        _ = try await rig.add(server.baseURL)
        let (outcome, feed) = try await rig.poll(server.baseURL, at: Date())
        #expect(outcome.isFailure)
        #expect(feed.disabledReason?.contains("410") == true)
        #expect(feed.nextPollAt == nil)
        #expect(await rig.poller.poll(feed) == .skipped)
        #expect(server.requests.count == 1)
    }

    @Test(arguments: [429, 503])
    func retryAfterInSecondsIsHonouredForTheFeedAndItsHost(status: Int) async throws {
        let server = try TestHTTPServer { request in
            request.path == "/busy" ? .status(status, headers: [("Retry-After", "120")]) : .ok(Self.feed)
        }
        let rig = try Rig()
        defer { rig.client.shutdown() }
        _ = try await rig.add(server.baseURL + "/busy")
        _ = try await rig.add(server.baseURL + "/other")
        let now = Date()
        let (outcome, busy) = try await rig.poll(server.baseURL + "/busy", at: now)
        #expect(outcome.isFailure)
        #expect(busy.lastResult == "http \(status)")
        #expect(Self.same(busy.nextPollAt, now.addingTimeInterval(120)))
        #expect(busy.consecutiveFailures == 1)
        // Another feed on the same host:port waits too, without a request.
        let (other, otherFeed) = try await rig.poll(server.baseURL + "/other", at: now.addingTimeInterval(10))
        #expect(other == .deferred)
        #expect(Self.same(otherFeed.nextPollAt, now.addingTimeInterval(120)))
        #expect(server.requests.count == 1)
        // After the pause, it is fetched.
        let (later, _) = try await rig.poll(server.baseURL + "/other", at: now.addingTimeInterval(121))
        #expect(!later.isFailure && later != .deferred)
    }

    @Test func retryAfterAsAnHTTPDate() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
        let server = try TestHTTPServer { _ in .status(503, headers: [("Retry-After", "Fri, 15 Jan 2027 09:00:00 GMT")]) }
        let rig = try Rig()
        defer { rig.client.shutdown() }
        _ = try await rig.add(server.baseURL)
        let (_, feed) = try await rig.poll(server.baseURL, at: now)
        #expect(Self.same(feed.nextPollAt, now.addingTimeInterval(3600)))
        #expect(feed.lastError?.contains("3600") == true)
    }

    @Test func otherFailuresBackOffExponentiallyAndNeverGiveUp() async throws {
        let server = try TestHTTPServer { _ in .status(500) }
        let rig = try Rig()
        defer { rig.client.shutdown() }
        _ = try await rig.add(server.baseURL)
        var now = Date()
        var delays: [Double] = []
        for _ in 0..<12 {
            let (_, feed) = try await rig.poll(server.baseURL, at: now)
            let next = try #require(feed.nextPollAt)
            delays.append(next.timeIntervalSince(now))
            now = next
        }
        let interval = rig.fixture.configuration.pollIntervalSeconds
        #expect(delays[0] >= interval / 4 * 0.8 && delays[0] <= interval / 4 * 1.2)
        #expect(delays[3] > delays[0] * 4)
        #expect(delays.allSatisfy { $0 <= rig.fixture.configuration.maximumBackoffSeconds * 1.2 })
        #expect(delays.last! >= rig.fixture.configuration.maximumBackoffSeconds * 0.8)
        let feed = try #require(try await rig.ledger.find(server.baseURL))
        #expect(feed.consecutiveFailures == 12 && feed.disabledReason == nil)
    }

    @Test func permanentMoveIsAppliedOnlyAfterItWasSeenConsistentlyOverADay() async throws {
        let server = try TestHTTPServer { request in
            request.path == "/old" ? .redirect(301, to: "/new") : .ok(Self.feed)
        }
        let rig = try Rig()
        defer { rig.client.shutdown() }
        let added = try await rig.add(server.baseURL + "/old")
        let start = Date()
        // Three polls within an hour: seen, not applied.
        for minutes in [0.0, 20, 40] {
            let (_, feed) = try await rig.poll(server.baseURL + "/old", at: start.addingTimeInterval(minutes * 60))
            #expect(feed.url == server.baseURL + "/old")
            #expect(feed.pendingMoveURL == server.baseURL + "/new")
        }
        // A day later, still moved: applied, same id, the old URL kept.
        let (_, moved) = try await rig.poll(server.baseURL + "/old", at: start.addingTimeInterval(86_400 + 60))
        #expect(moved.url == server.baseURL + "/new")
        #expect(moved.movedFrom == server.baseURL + "/old")
        #expect(moved.id == added.id)
        #expect(moved.pendingMoveURL == nil)
        // The next poll goes straight to the new URL.
        _ = try await rig.poll(server.baseURL + "/new", at: start.addingTimeInterval(86_400 + 3600))
        #expect(server.requests.last?.path == "/new")
        #expect(server.requests.filter { $0.path == "/old" }.count == 4)
    }

    @Test func aMoveThatStopsIsForgotten() async throws {
        let redirecting = Mutex(true)
        let server = try TestHTTPServer { request in
            request.path == "/old" && redirecting.withLock({ $0 }) ? .redirect(308, to: "/new") : .ok(Self.feed)
        }
        let rig = try Rig()
        defer { rig.client.shutdown() }
        _ = try await rig.add(server.baseURL + "/old")
        let start = Date()
        _ = try await rig.poll(server.baseURL + "/old", at: start)
        redirecting.withLock { $0 = false }
        let (_, feed) = try await rig.poll(server.baseURL + "/old", at: start.addingTimeInterval(90_000))
        #expect(feed.pendingMoveURL == nil && feed.url == server.baseURL + "/old")
    }

    @Test(arguments: [302, 307])
    func temporaryRedirectsNeverMoveAFeed(status: Int) async throws {
        let server = try TestHTTPServer { request in
            request.path == "/old" ? .redirect(status, to: "/new") : .ok(Self.feed)
        }
        let rig = try Rig()
        defer { rig.client.shutdown() }
        _ = try await rig.add(server.baseURL + "/old")
        let start = Date()
        for day in 0..<5 {
            let (outcome, feed) = try await rig.poll(server.baseURL + "/old", at: start.addingTimeInterval(Double(day) * 86_400))
            #expect(!outcome.isFailure)
            #expect(feed.url == server.baseURL + "/old" && feed.pendingMoveURL == nil)
        }
    }
}
