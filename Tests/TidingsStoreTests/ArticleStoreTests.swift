import Foundation
import Testing
import TidingsModel
@testable import TidingsStore
import TidingsTestSupport

@Suite struct ArticleStoreTests {
    let feed = FeedIdentity(id: "0123456789abcdef", url: "https://example.com/feed", title: "Example")
    let day1 = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24
    var day2: Date { day1.addingTimeInterval(86_400 * 3) }

    func makeStore(_ root: String, _ engine: StateEngine) throws -> TidingsState {
        try engine.writer(root)
    }

    func modificationTimes(_ root: String) -> [String: Date] {
        var out: [String: Date] = [:]
        for f in TestPaths.files(under: root + "/out/articles", suffix: ".json") {
            out[f] = (try? FileManager.default.attributesOfItem(atPath: f)[.modificationDate] as? Date) ?? nil
        }
        return out
    }

    @Test(arguments: StateEngine.all) func newArticlesGetOneFileEachUnderTheirFirstSeenDate(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let store = try makeStore(root, engine)
        let summary = try store.record([Entry(guid: "1", title: "One"), Entry(guid: "2", title: "Two")], feed: feed, at: day1)
        #expect(summary.new == 2)
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(files.count == 2)
        #expect(files.allSatisfy { $0.contains("/articles/2025/11/24/") })
        let article = try JSONDecoder().decode(Article.self, from: Data(contentsOf: URL(fileURLWithPath: files[0])))
        #expect(URL(fileURLWithPath: files[0]).lastPathComponent == article.id + ".json")
    }

    @Test(arguments: StateEngine.all) func unchangedArticleIsNotRewritten(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let store = try makeStore(root, engine)
        _ = try store.record([Entry(guid: "1", title: "One")], feed: feed, at: day1)
        let before = modificationTimes(root)
        Thread.sleep(forTimeInterval: 1.1)
        let summary = try store.record([Entry(guid: "1", title: "One")], feed: feed, at: day2)
        #expect(summary.unchanged == 1 && summary.new == 0 && summary.updated == 0)
        #expect(modificationTimes(root) == before)
    }

    @Test(arguments: StateEngine.all) func changedArticleIsRewrittenInPlaceWithTheNextRevision(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let store = try makeStore(root, engine)
        _ = try store.record([Entry(guid: "1", title: "One")], feed: feed, at: day1)
        let summary = try store.record([Entry(guid: "1", title: "One, corrected")], feed: feed, at: day2)
        #expect(summary.updated == 1)
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(files.count == 1)
        let article = try JSONDecoder().decode(Article.self, from: Data(contentsOf: URL(fileURLWithPath: files[0])))
        #expect(article.entry.title == "One, corrected")
        #expect(article.tidings.revision == 2)
        #expect(article.tidings.firstSeen == day1)
        #expect(article.tidings.lastChanged == day2)
    }

    @Test(arguments: StateEngine.all) func theSameItemListedTwiceIsOneArticle(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let store = try makeStore(root, engine)
        let item = Entry(guid: "1", url: "https://example.com/1", title: "First")
        let summary = try store.record([item, item], feed: feed, at: day1)
        #expect(summary.new == 1)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 1)
    }

    @Test(arguments: StateEngine.all) func withoutGuidTheLinkIsTheKey(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let store = try makeStore(root, engine)
        _ = try store.record([Entry(url: "https://example.com/a", title: "A")], feed: feed, at: day1)
        let s = try store.record([Entry(url: "https://example.com/a", title: "A again")], feed: feed, at: day2)
        #expect(s.updated == 1 && s.new == 0)
    }

    @Test(arguments: StateEngine.all) func noTemporaryFileIsLeftInTheArticleTree(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let store = try makeStore(root, engine)
        _ = try store.record((0..<50).map { Entry(guid: "\($0)", title: "T\($0)") }, feed: feed, at: day1)
        let all = FileManager.default.enumerator(atPath: root + "/out/articles")?.compactMap { $0 as? String } ?? []
        #expect(all.filter { $0.hasSuffix(".json") }.count == 50)
        #expect(!all.contains { $0.contains(".tmp") })
        #expect((try FileManager.default.contentsOfDirectory(atPath: engine.staging(root))).isEmpty)
    }

    /// A group whose files were renamed into place but whose commit a
    /// crash or power loss lost: its intent names the files, and the next
    /// open adopts them as they are, from whatever date they are under,
    /// with the events the lost group had given; nothing is written twice.
    @Test(arguments: StateEngine.all) func filesOfALostCommitAreAdoptedFromAnyDate(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let tenDaysAgo = Date().addingTimeInterval(-10 * 86_400)
        let other = FeedIdentity(id: "feed2", url: "https://example.org/feed", title: "Other", homePageURL: nil)
        let earlier = Entry(guid: "0", url: "https://example.com/earlier", title: "Earlier")
        let story = Entry(guid: "1", url: "https://example.com/story", title: "One")
        _ = try makeStore(root, engine).record([earlier], feed: feed, at: tenDaysAgo)
        // The state and the journal as they were before the group whose
        // commit is lost; its files stay, with the intent it wrote first.
        let saved = root + "/saved"
        try FileManager.default.createDirectory(atPath: saved, withIntermediateDirectories: true)
        try engine.saveState(root, to: saved)
        try FileManager.default.copyItem(atPath: root + "/out/journal", toPath: saved + "/journal")
        do {
            let store = try makeStore(root, engine)
            _ = try store.apply([.articles([story], feed: feed, at: tenDaysAgo, then: nil),
                                 .articles([story], feed: other, at: tenDaysAgo, then: nil)])
        }
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(files.count == 2)
        let lost = try #require(files.first { !$0.contains(ArticleIdentity.articleID(forKey: ArticleIdentity.linkKey("//example.com/earlier"))) })
        let relative = String(lost.dropFirst((root + "/out/").count))
        try engine.restoreState(root, from: saved)
        try FileManager.default.removeItem(atPath: root + "/out/journal")
        try FileManager.default.moveItem(atPath: saved + "/journal", toPath: root + "/out/journal")
        try (relative + "\n").write(toFile: engine.staging(root) + "/group.intent", atomically: false, encoding: .utf8)
        let before = modificationTimes(root)

        let store = try makeStore(root, engine)
        #expect(try store.count() == 2)
        #expect(modificationTimes(root) == before, "an adopted file was rewritten")
        #expect(!FileManager.default.fileExists(atPath: engine.staging(root) + "/group.intent"))
        let events = JournalFiles(outputDirectory: root + "/out").events(since: 0)
        #expect(events.map(\.event) == [.created, .created, .sourceAdded])
        #expect(events.dropFirst().map(\.path) == [relative, relative])
        // Polling it again finds it, unchanged, under its old date.
        let summary = try store.record([story], feed: feed, at: Date())
        #expect(summary.new == 0 && summary.unchanged == 1)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json") == files)
        #expect(modificationTimes(root) == before)
    }

    @Test(arguments: StateEngine.all) func leftoverStagingFilesAreClearedOnOpen(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        _ = try makeStore(root, engine)
        FileManager.default.createFile(atPath: engine.staging(root) + "/dead.tmp", contents: Data("half".utf8))
        _ = try makeStore(root, engine)
        #expect(!FileManager.default.fileExists(atPath: engine.staging(root) + "/dead.tmp"))
    }
}
