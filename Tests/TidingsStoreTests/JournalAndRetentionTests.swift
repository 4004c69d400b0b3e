import Foundation
import Testing
import TidingsModel
@testable import TidingsStore
import TidingsTestSupport

/// The change journal and retention, read the way a consumer reads them:
/// the JSON Lines files and the article tree.
@Suite struct JournalAndRetentionTests {
    let wire = FeedIdentity(id: "aaaaaaaaaaaaaaaa", url: "https://wire.example/rss")
    let paper = FeedIdentity(id: "bbbbbbbbbbbbbbbb", url: "https://paper.example/atom")
    let day = Date(timeIntervalSince1970: 1_795_000_000)

    func store(_ root: String, _ engine: StateEngine) throws -> TidingsState {
        try engine.writer(root)
    }

    func items(_ range: ClosedRange<Int>, site: String = "wire") -> [Entry] {
        range.map { Entry(guid: "\(site)-\($0)", url: "https://\(site).example/\($0)", title: "Story \($0)") }
    }

    func lines(_ root: String) throws -> [[String: Any]] {
        try JournalFiles(outputDirectory: root + "/out").files().flatMap { file in
            try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
    }

    @Test(arguments: StateEngine.all) func everyEventIsOneLineWithTheDocumentedFieldsAndSeqsWithoutGaps(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        _ = try s.record(items(1...2), feed: wire, at: day)
        _ = try s.record([Entry(guid: "p", url: "https://wire.example/1?utm_source=p", title: "Story 1 again")],
                         feed: paper, at: day)
        _ = try s.record([Entry(guid: "wire-2", url: "https://wire.example/2", title: "Story 2, edited")] + items(1...1),
                         feed: wire, at: day.addingTimeInterval(60))
        let all = try lines(root)
        #expect(all.map { $0["seq"] as? Int } == [1, 2, 3, 4])
        #expect(all.map { $0["event"] as? String } == ["created", "created", "source_added", "updated"])
        #expect(all[2]["feed_id"] as? String == paper.id)
        for line in all {
            #expect(Set(line.keys) == ["seq", "event", "id", "path", "feed_id", "at"])
            let path = try #require(line["path"] as? String)
            #expect(FileManager.default.fileExists(atPath: root + "/out/" + path))
            #expect(path.hasSuffix("/\(line["id"] as? String ?? "?").json"))
            #expect(Timestamp.parse(line["at"] as? String ?? "") != nil)
        }
        let name = try #require(JournalFiles(outputDirectory: root + "/out").files().first)
        #expect(name.hasSuffix("/journal/\(Timestamp.format(Date()).prefix(10)).jsonl"), "named by the day of its events (UTC)")
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.repository + "/docs/journal.v1.schema.json")
        for line in all { #expect(validator.errors(for: line).isEmpty) }
    }

    @Test(arguments: StateEngine.all) func aKillDuringTheAppendLeavesNoGapAndNoRepeat(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        do {
            let s = try store(root, engine)
            _ = try s.record(items(1...2), feed: wire, at: day)
            _ = try s.record(items(3...4), feed: wire, at: day)
        }
        // As if the process died half-way through writing the last two
        // lines: they are committed in the state, not whole in the file.
        let file = try #require(JournalFiles(outputDirectory: root + "/out").files().last)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let secondLineEnd = try #require(bytes.indices.filter { bytes[$0] == 0x0A }.dropFirst(1).first)
        try bytes.prefix(secondLineEnd + 20).write(to: URL(fileURLWithPath: file))

        _ = try store(root, engine)
        #expect(try lines(root).map { $0["seq"] as? Int } == [1, 2, 3, 4])
    }

    @Test(arguments: StateEngine.all) func aStateRebuiltBesideTheJournalNeverReusesASeq(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        _ = try store(root, engine).record(items(1...3), feed: wire, at: day)
        try engine.loseState(root)
        let fresh = try store(root, engine)
        _ = try fresh.reindex()
        _ = try fresh.record(items(4...4), feed: wire, at: day)
        #expect(try lines(root).map { $0["seq"] as? Int } == [1, 2, 3, 4])
    }

    /// Files written by a run killed before its first commit: the index
    /// rebuilt from them gives each its `created` line.
    @Test(arguments: StateEngine.all) func filesTheJournalNeverNamedGetTheirCreatedLineWhenReindexed(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        _ = try store(root, engine).record(items(1...3), feed: wire, at: day)
        try engine.loseState(root)
        try FileManager.default.removeItem(atPath: root + "/out/journal")
        let s = try store(root, engine)
        _ = try s.reindex()
        #expect(try lines(root).map { $0["event"] as? String } == ["created", "created", "created"])
        _ = try s.reindex()
        #expect(try lines(root).count == 3, "once each")
    }

    @Test(arguments: StateEngine.all) func retentionExpiresTheOldestPerFeedAndATombstoneKeepsThemOut(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        for i in 1...4 { _ = try s.record(items(i...i), feed: wire, at: day.addingTimeInterval(Double(i) * 60)) }
        // Story 1 is in the paper too, which keeps it while the wire does not.
        _ = try s.record([Entry(guid: "p1", url: "https://wire.example/1", title: "Story 1")], feed: paper,
                         at: day.addingTimeInterval(600))
        let expired = try s.expire(.init(maximumPerFeed: 2), at: day.addingTimeInterval(3600))
        #expect(expired == 1)
        let titles = try TestPaths.files(under: root + "/out/articles", suffix: ".json").map {
            try JSONDecoder().decode(Article.self, from: Data(contentsOf: URL(fileURLWithPath: $0))).entry.title ?? ""
        }
        #expect(Set(titles) == ["Story 1", "Story 3", "Story 4"])
        #expect(try lines(root).last?["event"] as? String == "expired")

        // Still in the feed: the tombstone keeps it from coming back as new.
        let again = try s.record(items(1...4), feed: wire, at: day.addingTimeInterval(7200))
        #expect(again.new == 0)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 3)

        // By age: everything first seen over an hour before.
        #expect(try s.expire(.init(maximumAgeSeconds: 3600), at: day.addingTimeInterval(4000)) == 3)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").isEmpty)
        #expect(try lines(root).filter { $0["event"] as? String == "expired" }.count == 4)
    }

    @Test(arguments: StateEngine.all) func purgeRemovesWhatOnlyThatFeedCarriedAndKeepsTheRest(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        _ = try s.record(items(1...2), feed: wire, at: day)
        _ = try s.record([Entry(guid: "p1", url: "https://wire.example/1", title: "Story 1")], feed: paper, at: day)
        let result = try s.purge(feedID: wire.id)
        #expect(result == .init(removed: 1, kept: 1))
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(files.count == 1)
        let kept = try JSONDecoder().decode(Article.self, from: Data(contentsOf: URL(fileURLWithPath: files[0])))
        #expect(kept.tidings.sources.map(\.feedID) == [paper.id])
        #expect(try lines(root).suffix(2).compactMap { $0["event"] as? String }.sorted() == ["removed", "updated"])
        // The paper's next sighting now fills the file.
        _ = try s.record([Entry(guid: "p1", url: "https://wire.example/1", title: "Story 1 (paper)")], feed: paper,
                         at: day.addingTimeInterval(60))
        let after = try JSONDecoder().decode(Article.self, from: Data(contentsOf: URL(fileURLWithPath: files[0])))
        #expect(after.entry.title == "Story 1 (paper)" && after.tidings.feed.id == paper.id)
    }

    @Test(arguments: StateEngine.all) func aReindexedStateStillJoinsFeeds(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        _ = try store(root, engine).record(items(1...2), feed: wire, at: day)
        try engine.loseState(root)
        let s = try store(root, engine)
        _ = try s.reindex()
        let joined = try s.record([Entry(guid: "p", url: "http://wire.example/2?fbclid=z", title: "Story 2")],
                                  feed: paper, at: day)
        #expect(joined.merged == 1 && joined.new == 0)
        #expect(try s.record(items(1...2), feed: wire, at: day).unchanged == 2)
    }

    @Test(arguments: StateEngine.all) func theMergedFeedHoldsTheNewestArticles(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let s = try store(root, engine)
        for i in 1...5 { _ = try s.record(items(i...i), feed: wire, at: day.addingTimeInterval(Double(i))) }
        try s.writeMergedFeed(items: 3)
        let object = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: root + "/out/feed.json"))) as? [String: Any])
        #expect(object["version"] as? String == "https://jsonfeed.org/version/1.1")
        let titles = (object["items"] as? [[String: Any]])?.map { $0["title"] as? String }
        #expect(titles == ["Story 5", "Story 4", "Story 3"])
    }

    /// Day files named `days` ago, holding the seqs given, as a daemon
    /// running over those days would have left them.
    static func writeHistory(_ root: String, _ days: [(daysAgo: Int, seqs: [Int64])], now: Date) throws {
        let directory = root + "/out/journal"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (ago, seqs) in days {
            let at = now.addingTimeInterval(-Double(ago) * 86_400)
            let text = seqs.map { seq in
                JournalFiles.line(JournalEvent(seq: seq, event: .created, id: String(format: "%032x", seq),
                                               path: "articles/x/\(seq).json", feedID: "aaaaaaaaaaaaaaaa", at: at)) + "\n"
            }.joined()
            try text.write(toFile: directory + "/" + Timestamp.format(at).prefix(10) + ".jsonl", atomically: true, encoding: .utf8)
        }
    }

    @Test(arguments: StateEngine.all) func oldJournalDaysAreRemovedButNeverTheNewestNorOneAHookStillNeeds(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let now = Date()
        try Self.writeHistory(root, [(100, [1, 2]), (50, [3]), (10, [4]), (0, [5])], now: now)
        let s = try store(root, engine)
        let journal = JournalFiles(outputDirectory: root + "/out")
        // A hook that has run up to seq 2 holds back the file with seq 3.
        try s.setHookCursor(2)
        #expect(try s.pruneJournal(olderThanDays: 30, at: now).count == 1)
        #expect(journal.firstSeq() == 3)
        try s.setHookCursor(5)
        #expect(try s.pruneJournal(olderThanDays: 30, at: now).count == 1)
        #expect(journal.firstSeq() == 4)
        #expect(journal.events(since: 0).map(\.seq) == [4, 5])
        // Zero keeps everything; the newest file stays however old it is.
        #expect(try s.pruneJournal(olderThanDays: 0, at: now).isEmpty)
        #expect(try s.pruneJournal(olderThanDays: 1, at: now.addingTimeInterval(400 * 86_400)).count == 1)
        #expect(journal.files().count == 1 && journal.firstSeq() == 5)
        // The sequence goes on after what the files held.
        _ = try s.record(items(1...1), feed: wire, at: now)
        #expect(journal.events(since: 0).map(\.seq) == [5, 6])
    }

    /// A state rebuilt after retention removed old journal days does not
    /// journal `created` again for articles first seen before the oldest
    /// line kept: their lines were there, and went with their day.
    @Test(arguments: StateEngine.all) func aRebuildDoesNotJournalAgainWhatRetentionRemoved(_ engine: StateEngine) throws {
        let root = TestPaths.temporaryDirectory()
        let now = Date()
        do {
            let s = try store(root, engine)
            _ = try s.record(items(1...2), feed: wire, at: now.addingTimeInterval(-100 * 86_400))
        }
        // Retention took the days holding seqs 1 and 2; seq 3 is kept.
        try FileManager.default.removeItem(atPath: root + "/out/journal")
        try Self.writeHistory(root, [(1, [3])], now: now)
        try engine.loseState(root)
        let s = try store(root, engine)
        let report = try #require(try IndexRecovery.rebuild(state: s, reason: "test"))
        #expect(report.articles == 2)
        #expect(JournalFiles(outputDirectory: root + "/out").events(since: 0).map(\.seq) == [3])
        // A file first seen after the oldest kept line, never journaled, gets its line.
        _ = try s.record(items(3...3), feed: wire, at: now)
        #expect(JournalFiles(outputDirectory: root + "/out").events(since: 0).map(\.event) == [.created, .created])
    }
}
