import Foundation
import Testing
@testable import TidingsStore
import TidingsTestSupport

@Suite struct FeedRegistryTests {
    @Test(arguments: StateEngine.all) func addIsIdempotentAndIdsAreStable(_ engine: StateEngine) throws {
        let dir = TestPaths.temporaryDirectory()
        let registry = try engine.changer(dir)
        let (a, added) = try registry.add(url: "https://example.com/feed")
        let (b, addedAgain) = try registry.add(url: "https://example.com/feed")
        #expect(added && !addedAgain)
        #expect(a.id == b.id)
        let other = try engine.changer(TestPaths.temporaryDirectory())
        #expect(try other.add(url: "https://example.com/feed").0.id == a.id)
    }

    @Test(arguments: StateEngine.all) func removeByURLOrID(_ engine: StateEngine) throws {
        let registry = try engine.changer(TestPaths.temporaryDirectory())
        let (a, _) = try registry.add(url: "https://example.com/a")
        _ = try registry.add(url: "https://example.com/b")
        #expect(try registry.remove(a.id)?.url == "https://example.com/a")
        #expect(try registry.remove("https://example.com/b") != nil)
        #expect(try registry.remove("https://example.com/nope") == nil)
        #expect(try registry.all().isEmpty)
    }

    @Test(arguments: StateEngine.all) func stateSurvivesReopening(_ engine: StateEngine) throws {
        let dir = TestPaths.temporaryDirectory()
        var record = try engine.changer(dir).add(url: "https://example.com/feed").0
        record.etag = "\"abc\""
        record.lastModified = "Wed, 25 Nov 2026 10:00:00 GMT"
        record.consecutiveFailures = 3
        record.lastError = "http 500"
        record.nextPollAt = Date(timeIntervalSince1970: 2_000_000_000)
        try engine.changer(dir).save(record)
        var reread = try #require(try engine.changer(dir).find(record.id))
        // Times are stored as seconds since 1970; allow the float rounding.
        #expect(abs(reread.addedAt.timeIntervalSince(record.addedAt)) < 0.001)
        reread.addedAt = record.addedAt
        #expect(reread == record)
    }

    /// `tidings status` beside a state an older daemon made: a clear word,
    /// not "no such column".
    @Test func aReaderRefusesAStateOlderThanItsSchemaAndSaysWhatToDo() throws {
        let dir = TestPaths.temporaryDirectory()
        let db = try SQLiteDatabase(path: dir + "/" + TidingsState.fileName)
        for migration in Schema.migrations.prefix(3) { try db.execute(migration) }
        try db.execute("PRAGMA user_version = 3")
        #expect(throws: StoreError.incompatible("the state in \(dir)/\(TidingsState.fileName) is from an older tidingsd "
                                            + "(schema 3, this tidings reads \(Schema.migrations.count)); "
                                            + "start the new tidingsd once, and it upgrades the state")) {
            try TidingsState(stateDirectory: dir, readOnly: true)
        }
        // The daemon (read-write) upgrades it; then the reader reads.
        _ = try TidingsState(stateDirectory: dir)
        #expect(try TidingsState(stateDirectory: dir, readOnly: true).all().isEmpty)
    }
}
