import Foundation
import Synchronization
import Testing
import TidingsModel
@testable import TidingsStore
import TidingsTestSupport

/// Nodes sharing one PostgreSQL state and one output directory, as the
/// state sees them: one story seen by two nodes at once is one article,
/// leases keep a feed with one node, the journal's seqs follow commits.
@Suite struct SharedStateTests {
    let day = Date(timeIntervalSince1970: 1_795_000_000)

    func node(_ name: String, _ root: String, _ url: String) throws -> TidingsState {
        try TidingsState(stateDirectory: root + "/state-" + name, outputDirectory: root + "/out", databaseURL: url, node: name)
    }

    /// Two nodes record the same 200 stories, each from its own feed, at
    /// the same moment: every story is one article, its file names both
    /// feeds, and the journal has one `created` and one `source_added` each.
    @Test func twoNodesRecordingOneStoryAtOnceMakeOneArticle() throws {
        let url = try PostgresServer.shared().makeDatabase("shared")
        let root = TestPaths.temporaryDirectory()
        let feeds = [FeedIdentity(id: "aaaaaaaaaaaaaaaa", url: "https://wire.example/rss"),
                     FeedIdentity(id: "bbbbbbbbbbbbbbbb", url: "https://paper.example/atom")]
        // Each node's state is used by its own thread alone.
        nonisolated(unsafe) let nodes = try [node("a", root, url), node("b", root, url)]
        let stories = 200
        // Each node records the stories in groups of 10, one feed each,
        // both going at once: groups of one node meet the other's halfway.
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { n in
            for start in stride(from: 0, to: stories, by: 10) {
                let entries = (start..<start + 10).map {
                    Entry(guid: "\(n)-\($0)", url: "https://news.example/story/\($0)", title: "Story \($0)")
                }
                let results = nodes[n].apply([.articles(entries, feed: feeds[n], at: day, then: nil)])
                for case .failure(let error) in results { failures.withLock { $0.append("\(error)") } }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(files.count == stories)
        for file in files {
            let article = try JSONDecoder().decode(Article.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            #expect(Set(article.tidings.sources.map(\.feedID)) == Set(feeds.map(\.id)), "\(file) lacks a source")
        }
        #expect(try nodes[0].count() == stories)
        // Every committed event, once the nodes have written their lines.
        for n in nodes { try n.stopCleanly() }
        let events = JournalFiles(outputDirectory: root + "/out").events(since: 0)
        #expect(events.map(\.seq) == Array(1...Int64(events.count)), "a gap or a repeat in the journal")
        #expect(events.filter { $0.event == .created }.count == stories)
        #expect(events.filter { $0.event == .sourceAdded }.count == stories)
    }

    /// A feed claimed by one node is not claimed by another until its lease
    /// runs out, or the poll's result is saved.
    @Test func aLeasedFeedIsClaimedByOneNodeUntilItsLeaseRunsOut() throws {
        let url = try PostgresServer.shared().makeDatabase("lease")
        let root = TestPaths.temporaryDirectory()
        let a = try node("a", root, url)
        let b = try node("b", root, url)
        for i in 0..<10 { try a.add(url: "https://feeds.example/\(i)", at: day) }
        let now = Date()
        let first = try a.claimDue(limit: 6, leaseSeconds: 60, at: now)
        let second = try b.claimDue(limit: 10, leaseSeconds: 60, at: now)
        #expect(first.count == 6 && second.count == 4)
        #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        #expect(try b.claimDue(limit: 10, leaseSeconds: 60, at: now).isEmpty)
        #expect(try b.dueElsewhere(at: now) == 6)
        // Saved: its lease given back, due later, polled by a.
        var polled = first[0]
        polled.lastPollAt = now
        polled.nextPollAt = now.addingTimeInterval(600)
        _ = a.apply([.feed(polled)])
        #expect(try b.lastPollers()[polled.id] == "a")
        // Every lease runs out (b's own too, never saved): b takes a's
        // unsaved feeds over; the saved one is not due.
        let later = now.addingTimeInterval(61)
        let takenOver = try b.claimDue(limit: 10, leaseSeconds: 60, at: later)
        #expect(Set(takenOver.map(\.id)) == Set(first.dropFirst().map(\.id)).union(second.map(\.id)))
        #expect(try b.nodes().map(\.name) == ["a", "b"])
    }

    /// A reader following the journal of a shared state is woken by the
    /// leader's lines (LISTEN/NOTIFY), not by a timeout.
    @Test func aFollowerIsWokenWhenTheLeaderWritesJournalLines() throws {
        let url = try PostgresServer.shared().makeDatabase("notify")
        let root = TestPaths.temporaryDirectory()
        let leader = try node("a", root, url)
        let follower = try TidingsState(stateDirectory: root + "/follower", readOnly: true, databaseURL: url)
        #expect(try !follower.waitForJournal(timeout: 0.1), "woken with nothing written")
        let woken = Mutex<Bool?>(nil)
        nonisolated(unsafe) let listening = follower
        let waiting = Thread { woken.withLock { $0 = (try? listening.waitForJournal(timeout: 60)) ?? false } }
        waiting.start()
        usleep(200_000)
        _ = try leader.record([Entry(guid: "n-1", url: "https://notify.example/1", title: "One")],
                              feed: FeedIdentity(id: "cccccccccccccccc", url: "https://notify.example/rss"), at: day)
        while woken.withLock({ $0 }) == nil { usleep(10_000) }
        #expect(woken.withLock { $0 } == true)
    }

    /// The per-host limit holds for the cluster: of a host other nodes hold
    /// leases on, a node claims only what is left of the limit.
    @Test func aHostsFeedsAreClaimedUpToTheLimitAcrossNodes() throws {
        let url = try PostgresServer.shared().makeDatabase("perhost")
        let root = TestPaths.temporaryDirectory()
        let a = try node("a", root, url)
        let b = try node("b", root, url)
        for i in 0..<6 { try a.add(url: "https://busy.example/\(i)", at: day) }
        for i in 0..<3 { try a.add(url: "https://quiet.example:8443/\(i)", at: day) }
        let now = Date()
        // No node holds more of a host than it may fetch at once.
        let first = try a.claimDue(limit: 3, leaseSeconds: 60, perHost: 2, at: now)
        #expect(first.map(\.url) == ["https://busy.example/0", "https://busy.example/1", "https://quiet.example:8443/0"])
        // a holds two of busy.example and one of the other: b may take one.
        let second = try b.claimDue(limit: 10, leaseSeconds: 60, perHost: 2, at: now)
        #expect(second.map(\.url) == ["https://quiet.example:8443/1"])
        // a saves its two of busy.example: b may take two more of it.
        for var polled in first.prefix(2) {
            polled.nextPollAt = now.addingTimeInterval(600)
            _ = a.apply([.feed(polled)])
        }
        let third = try b.claimDue(limit: 10, leaseSeconds: 60, perHost: 2, at: now)
        #expect(third.map(\.url) == ["https://busy.example/2", "https://busy.example/3"])
    }

    /// Two processes cannot be one node: their staging would collide.
    @Test func aNodeNameHeldByALiveNodeIsRefused() throws {
        let url = try PostgresServer.shared().makeDatabase("names")
        let root = TestPaths.temporaryDirectory()
        let first = try node("a", root, url)
        #expect(throws: StoreError.self) { try node("a", root, url) }
        withExtendedLifetime(first) {}
    }
}
