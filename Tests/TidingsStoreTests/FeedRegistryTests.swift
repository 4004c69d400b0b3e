import Foundation
import Testing
import TidingsStore
import TidingsTestSupport

@Suite struct FeedRegistryTests {
    @Test func addIsIdempotentAndIdsAreStable() throws {
        let dir = TestPaths.temporaryDirectory()
        let registry = try FeedRegistry(stateDirectory: dir)
        let (a, added) = try registry.add(url: "https://example.com/feed")
        let (b, addedAgain) = try registry.add(url: "https://example.com/feed")
        #expect(added && !addedAgain)
        #expect(a.id == b.id)
        let other = try FeedRegistry(stateDirectory: TestPaths.temporaryDirectory())
        #expect(try other.add(url: "https://example.com/feed").0.id == a.id)
    }

    @Test func removeByURLOrID() throws {
        let registry = try FeedRegistry(stateDirectory: TestPaths.temporaryDirectory())
        let (a, _) = try registry.add(url: "https://example.com/a")
        _ = try registry.add(url: "https://example.com/b")
        #expect(try registry.remove(a.id)?.url == "https://example.com/a")
        #expect(try registry.remove("https://example.com/b") != nil)
        #expect(try registry.remove("https://example.com/nope") == nil)
        #expect(try registry.all().isEmpty)
    }

    @Test func stateSurvivesReopening() throws {
        let dir = TestPaths.temporaryDirectory()
        var record = try FeedRegistry(stateDirectory: dir).add(url: "https://example.com/feed").0
        record.etag = "\"abc\""
        record.lastModified = "Wed, 25 Nov 2026 10:00:00 GMT"
        record.consecutiveFailures = 3
        record.lastError = "http 500"
        record.nextPollAt = Date(timeIntervalSince1970: 2_000_000_000)
        try FeedRegistry(stateDirectory: dir).save(record)
        var reread = try #require(try FeedRegistry(stateDirectory: dir).find(record.id))
        // Times go through SQLite as seconds since 1970; allow the float rounding.
        #expect(abs(reread.addedAt.timeIntervalSince(record.addedAt)) < 0.001)
        reread.addedAt = record.addedAt
        #expect(reread == record)
    }
}
