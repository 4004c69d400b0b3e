import Foundation
import Synchronization
import Testing
import TidingsService
import TidingsStore
import TidingsTestSupport

/// What an unchanged feed costs, and what it leaves behind: validators sent
/// back byte for byte, a 304 or an identical body parsed and written never,
/// and the feed's next poll a whole interval later (a feed whose next poll
/// stayed in the past would be fetched every 50 ms).
@Suite(.timeLimit(.minutes(2))) struct ConditionalPollTests {
    static let body = PollingTests.rss(["a", "b"])
    /// Validators with the characters a sloppy client would mangle: a weak
    /// tag with a comma and quotes, a date with its exact spacing.
    static let etag = #"W/"v1,abc""#
    static let lastModified = "Wed, 21 Oct 2015 07:28:00 GMT"

    /// Polls twice: the first fetch stores the validators, the second is
    /// answered by `second`. Returns the feed after each poll and the files' times.
    func pollTwice(second: @escaping @Sendable (TestRequest) -> TestResponse)
        async throws -> (TestHTTPServer, first: FeedRecord, second: FeedRecord, unchangedFiles: Bool, fixture: DaemonFixture) {
        let calls = Mutex(0)
        let server = try TestHTTPServer { request in
            let n = calls.withLock { $0 += 1; return $0 }
            return n == 1 ? .ok(Self.body, headers: [("ETag", Self.etag), ("Last-Modified", Self.lastModified)]) : second(request)
        }
        let fixture = DaemonFixture()
        let daemon = try fixture.daemon()
        defer { daemon.shutdown() }
        let registry = try TidingsState(stateDirectory: fixture.configuration.stateDirectory)
        let (feed, _) = try registry.add(url: server.baseURL + "/feed")
        _ = try await daemon.pollOnce()
        let first = try #require(try registry.find(feed.id))
        let times = fixture.modificationTimes()
        #expect(times.count == 2)
        // Due now, as the daemon finds a feed when its interval has passed.
        _ = try registry.requestPoll([feed.id])
        _ = try await daemon.pollOnce()
        let after = try #require(try registry.find(feed.id))
        return (server, first, after, fixture.modificationTimes() == times, fixture)
    }

    @Test func validatorsAreSentBackExactly() async throws {
        let (server, _, _, _, _) = try await pollTwice { _ in .status(304) }
        let second = try #require(server.requests.last)
        #expect(second.headers["if-none-match"] == Self.etag)
        #expect(second.headers["if-modified-since"] == Self.lastModified)
        #expect(server.requests.first?.headers["if-none-match"] == nil, "the first poll has nothing to send")
    }

    @Test func notModifiedParsesNothingWritesNothingAndWaitsAnInterval() async throws {
        let before = Date()
        let (_, first, second, unchangedFiles, fixture) = try await pollTwice { _ in .status(304) }
        #expect(second.lastResult == "not modified")
        #expect(second.lastHTTPStatus == 304)
        #expect(unchangedFiles, "a 304 rewrote article files")
        let interval = try #require(second.intervalSeconds, "the schedule chose no interval")
        #expect(interval >= fixture.configuration.minimumIntervalSeconds)
        let next = try #require(second.nextPollAt)
        #expect(next >= before.addingTimeInterval(interval * 0.9), "next poll \(next) is not an interval away")
        #expect((second.lastPollAt ?? .distantPast) >= (first.lastPollAt ?? .distantFuture))
        #expect(second.etag == Self.etag, "the validators are kept for the next poll")
    }

    @Test func identicalBodyParsesNothingWritesNothingAndWaitsAnInterval() async throws {
        let before = Date()
        // A server that ignores validators and sends the same bytes again.
        let (server, _, second, unchangedFiles, fixture) = try await pollTwice { _ in .ok(Self.body) }
        #expect(server.requests.count == 2)
        #expect(second.lastResult == "unchanged", "the identical body was parsed (result \(second.lastResult ?? "-"))")
        #expect(unchangedFiles)
        let interval = try #require(second.intervalSeconds, "the schedule chose no interval")
        #expect(interval >= fixture.configuration.minimumIntervalSeconds)
        let next = try #require(second.nextPollAt)
        #expect(next >= before.addingTimeInterval(interval * 0.9))
    }
}
