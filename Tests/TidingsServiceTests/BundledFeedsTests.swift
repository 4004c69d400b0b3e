import Foundation
import Testing
import TidingsService
import TidingsTestSupport

/// What `make run` does, checked: the bundled feed list polled with `--once`.
@Suite(.timeLimit(.minutes(2))) struct BundledFeedsTests {
    @Test func secondRunOnUnchangedFeedsCreatesAndRewritesNothing() async throws {
        let fixture = DaemonFixture()
        let first = try fixture.daemon()
        #expect(try await first.importFeedList(TestPaths.feeds + "/default.txt") == 3)
        let summary1 = try await first.pollOnce()
        first.shutdown()
        #expect(summary1.polled == 3 && summary1.failed == 0)
        #expect(summary1.newArticles == 8)
        let files = fixture.articleFiles
        #expect(files.count == 8)
        let before = fixture.modificationTimes()

        try await Task.sleep(nanoseconds: 1_100_000_000)
        let second = try fixture.daemon()
        let summary2 = try await second.pollOnce()
        second.shutdown()
        #expect(summary2.newArticles == 0 && summary2.updatedArticles == 0 && summary2.failed == 0)
        // The bundled feeds are local files: no validators, so each costs a
        // read and a hash, and nothing is parsed.
        #expect(summary2.notModified == 3)
        let results = try await Ledger(configuration: fixture.configuration).feeds().map(\.lastResult)
        #expect(results == ["unchanged", "unchanged", "unchanged"])
        #expect(fixture.articleFiles == files)
        #expect(fixture.modificationTimes() == before)
    }

    @Test func everyArticleFileValidatesAgainstTheSchema() async throws {
        let fixture = DaemonFixture()
        let daemon = try fixture.daemon()
        _ = try await daemon.importFeedList(TestPaths.feeds + "/default.txt")
        _ = try await daemon.pollOnce()
        daemon.shutdown()
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.articleSchema)
        #expect(!fixture.articleFiles.isEmpty)
        for file in fixture.articleFiles {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file)))
            let errors = validator.errors(for: object)
            #expect(errors.isEmpty, "\(file): \(errors)")
        }
    }

    @Test func theSchemaRejectsWhatItShould() throws {
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.articleSchema)
        let good: [String: Any] = [
            "id": String(repeating: "a", count: 32), "url": NSNull(), "external_url": NSNull(), "title": "t",
            "summary": NSNull(), "content_html": NSNull(), "content_text": NSNull(), "image": NSNull(),
            "date_published": "2026-01-01T00:00:00Z", "date_modified": NSNull(), "authors": [], "tags": [],
            "language": NSNull(), "attachments": [],
            "_tidings": ["schema": 1, "guid": NSNull(), "feed": ["id": String(repeating: "b", count: 16), "url": "https://e.com/f", "title": NSNull(), "home_page_url": NSNull()],
                         "sources": [], "first_seen": "2026-01-01T00:00:00Z", "last_changed": "2026-01-01T00:00:00Z",
                         "revision": 1, "content_hash": String(repeating: "c", count: 32)] as [String: Any],
        ]
        #expect(validator.errors(for: good).isEmpty)
        var badDate = good
        badDate["date_published"] = "Mon, 01 Jan 2026"
        #expect(!validator.errors(for: badDate).isEmpty)
        var missing = good
        missing.removeValue(forKey: "title")
        #expect(!validator.errors(for: missing).isEmpty)
        var extra = good
        extra["surprise"] = 1
        #expect(!validator.errors(for: extra).isEmpty)
        var badRevision = good
        var meta = try #require(good["_tidings"] as? [String: Any])
        meta["revision"] = 0
        badRevision["_tidings"] = meta
        #expect(!validator.errors(for: badRevision).isEmpty)
    }
}
