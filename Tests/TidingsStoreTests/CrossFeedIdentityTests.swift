import Foundation
import Testing
import TidingsModel
@testable import TidingsStore
import TidingsTestSupport

/// One story, one file: the identity rules of docs/article-format.md as a
/// consumer of the output would see them (files, their bytes, `sources`).
@Suite struct CrossFeedIdentityTests {
    let wire = FeedIdentity(id: "aaaaaaaaaaaaaaaa", url: "https://wire.example/rss", title: "Wire",
                            homePageURL: "https://wire.example/")
    let paper = FeedIdentity(id: "bbbbbbbbbbbbbbbb", url: "https://paper.example/atom", title: "Paper",
                             homePageURL: "https://paper.example/")
    let day = Date(timeIntervalSince1970: 1_795_000_000)

    func store(_ root: String, _ engine: StateEngine) throws -> TidingsState {
        try engine.writer(root)
    }

    /// Every article file under a root, by path relative to its output, with its bytes.
    func tree(_ root: String) -> [String: String] {
        var out: [String: String] = [:]
        for file in TestPaths.files(under: root + "/out/articles", suffix: ".json") {
            out[String(file.dropFirst(root.count + 5))] = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        }
        return out
    }

    func article(_ path: String) throws -> Article {
        try JSONDecoder().decode(Article.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    // The same story in two feeds, its link written differently in each.
    var wireItems: [Entry] {
        [Entry(guid: "wire-1", url: "https://News.example:443/2026/story?utm_source=wire&utm_medium=rss",
               title: "Bridge reopens", summary: "Short."),
         Entry(guid: "wire-2", url: "https://news.example/2026/other", title: "Only on the wire")]
    }
    var paperItems: [Entry] {
        [Entry(guid: "tag:paper.example,2026:77", url: "http://news.example/2026/story#comments",
               title: "Bridge reopens", contentHTML: "<p>The bridge reopened on Monday after two years of work.</p>")]
    }

    @Test(arguments: StateEngine.all) func aStoryInTwoFeedsIsOneFileWhicheverFeedIsPolledFirst(_ engine: StateEngine) throws {
        let first = TestPaths.temporaryDirectory(), second = TestPaths.temporaryDirectory()
        let a = try store(first, engine)
        let s1 = try a.record(wireItems, feed: wire, at: day)
        let s2 = try a.record(paperItems, feed: paper, at: day)
        #expect(s1.new == 2 && s2.new == 0 && s2.merged == 1)

        let b = try store(second, engine)
        _ = try b.record(paperItems, feed: paper, at: day)
        _ = try b.record(wireItems, feed: wire, at: day)

        let files = tree(first)
        #expect(files.count == 2)
        #expect(files == tree(second), "same ids, same paths, same bytes in either order")
        let shared = try #require(TestPaths.files(under: first + "/out/articles", suffix: ".json")
            .map(article).first { $0.entry.title == "Bridge reopens" })
        #expect(shared.tidings.sources.map(\.feedID) == [wire.id, paper.id])
        #expect(shared.tidings.sources.map(\.guid) == ["wire-1", "tag:paper.example,2026:77"])
        #expect(shared.tidings.sources[0].url == "https://News.example:443/2026/story?utm_source=wire&utm_medium=rss")
        // The richer sighting fills the file, whichever came first.
        #expect(shared.entry.contentHTML?.contains("reopened on Monday") == true)
        #expect(shared.tidings.feed.id == paper.id)
        #expect(shared.id == String(SHA256.hex("link\n//news.example/2026/story").prefix(32)))
    }

    @Test(arguments: StateEngine.all) func aPermalinkGuidJoinsFeedsToo(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        _ = try s.record([Entry(guid: "https://blog.example/p/9", title: "Nine")], feed: wire, at: day)
        let joined = try s.record([Entry(guid: "https://blog.example/p/9?utm_campaign=x", title: "Nine")], feed: paper, at: day)
        #expect(joined.merged == 1 && joined.new == 0)
        #expect(tree(root).count == 1)
    }

    @Test(arguments: StateEngine.all) func equalRichnessGoesToTheSmallerFeedID(_ engine: StateEngine) throws {
        let one = TestPaths.temporaryDirectory(), two = TestPaths.temporaryDirectory()
        let fromWire = [Entry(guid: "w", url: "https://n.example/s", title: "Same size A")]
        let fromPaper = [Entry(guid: "p", url: "https://n.example/s", title: "Same size B")]
        let x = try store(one, engine)
        _ = try x.record(fromPaper, feed: paper, at: day)
        _ = try x.record(fromWire, feed: wire, at: day)
        let y = try store(two, engine)
        _ = try y.record(fromWire, feed: wire, at: day)
        _ = try y.record(fromPaper, feed: paper, at: day)
        #expect(tree(one) == tree(two))
        #expect(try article(TestPaths.files(under: one + "/out/articles", suffix: ".json")[0]).entry.title == "Same size A")
    }

    @Test(arguments: StateEngine.all) func itemsThatAllLinkToTheHomePageStayApart(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        let items = (1...3).map { Entry(guid: "post-\($0)", url: "https://wire.example/", title: "Post \($0)") }
        #expect(try s.record(items, feed: wire, at: day).new == 3)
        // Another feed linking to that home page joins none of them.
        #expect(try s.record([Entry(guid: "x", url: "https://wire.example/", title: "Elsewhere")], feed: paper, at: day).new == 1)
        #expect(tree(root).count == 4)
    }

    @Test(arguments: StateEngine.all) func aLiveBlogsRepeatedGuidKeepsEveryUpdate(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        let updates = (1...3).map { Entry(guid: "live-2026-11-29", url: "https://wire.example/live?update=\($0)",
                                          title: "Update \($0)") }
        #expect(try s.record(updates, feed: wire, at: day).new == 3)
        let before = tree(root)
        #expect(before.count == 3)
        // The same document again writes nothing; a new update adds one.
        let again = try s.record(updates, feed: wire, at: day.addingTimeInterval(600))
        #expect(again.unchanged == 3 && again.new == 0)
        let next = [Entry(guid: "live-2026-11-29", url: "https://wire.example/live?update=4", title: "Update 4")] + updates
        #expect(try s.record(next, feed: wire, at: day.addingTimeInterval(1200)).new == 1)
        let after = tree(root)
        #expect(after.count == 4)
        for (path, bytes) in before { #expect(after[path] == bytes) }
    }

    @Test(arguments: StateEngine.all) func aFeedThatChangesEveryGuidMakesNoDuplicates(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        let v1 = (1...3).map { Entry(guid: "http://wire.example/?p=\($0)", url: "https://wire.example/2026/post-\($0)",
                                     title: "Post \($0)") }
        _ = try s.record(v1, feed: wire, at: day)
        let v2 = (1...3).map { Entry(guid: "urn:uuid:0000-\($0)", url: "https://wire.example/2026/post-\($0)",
                                     title: "Post \($0)") }
        let summary = try s.record(v2, feed: wire, at: day.addingTimeInterval(3600))
        #expect(summary.new == 0)
        #expect(tree(root).count == 3)
        // The files now name the new guids.
        let guids = try TestPaths.files(under: root + "/out/articles", suffix: ".json").map { try article($0).tidings.guid }
        #expect(Set(guids.compactMap { $0 }) == ["urn:uuid:0000-1", "urn:uuid:0000-2", "urn:uuid:0000-3"])
    }

    @Test(arguments: StateEngine.all) func anEditedTitleIsAnUpdateNotANewArticle(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        _ = try s.record([Entry(guid: "1", url: "https://wire.example/1", title: "Teh title")], feed: wire, at: day)
        let later = day.addingTimeInterval(7200)
        let summary = try s.record([Entry(guid: "1", url: "https://wire.example/1", title: "The title")], feed: wire, at: later)
        #expect(summary.updated == 1 && summary.new == 0)
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(files.count == 1)
        let edited = try article(files[0])
        #expect(edited.entry.title == "The title")
        #expect(edited.tidings.revision == 2)
        #expect(edited.tidings.lastChanged == later && edited.tidings.firstSeen == day)
        #expect(edited.entry.dateModified == later, "the feed announced no date: the time the edit was seen")
        let events = JournalFiles(outputDirectory: root + "/out").events(since: 0)
        #expect(events.map(\.event) == [.created, .updated])
    }

    @Test(arguments: StateEngine.all) func pollingAnUnchangedFeedWritesNoFileAndNoJournalLine(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        _ = try s.record(wireItems, feed: wire, at: day)
        _ = try s.record(paperItems, feed: paper, at: day)
        let journal = JournalFiles(outputDirectory: root + "/out")
        let linesBefore = journal.events(since: 0)
        #expect(linesBefore.map(\.event) == [.created, .created, .sourceAdded])
        let times = TestPaths.files(under: root + "/out", suffix: "").map {
            ($0, (try? FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date) ?? nil)
        }
        let again = try s.record(wireItems, feed: wire, at: day.addingTimeInterval(1800))
        let again2 = try s.record(paperItems, feed: paper, at: day.addingTimeInterval(1800))
        #expect(again.unchanged == 2 && again2.unchanged == 1)
        #expect(journal.events(since: 0) == linesBefore)
        for (file, time) in times {
            #expect(((try? FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date) ?? nil) == time)
        }
    }
}
