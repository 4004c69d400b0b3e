import Foundation
import Testing
import TidingsModel
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The output as its consumers meet it, through the built executables:
/// one file per story whatever the polling order, `tidings tail`, `remove
/// --purge`, and the merged feed as another project's JSON Feed reader
/// (Python's feedparser) reads it.
@Suite(.timeLimit(.minutes(3))) struct OutputContractTests {
    static let cli = CommandLineTests.cli
    static let daemon = CommandLineTests.daemon

    /// Feed k carries stories k*10 ..< k*10+6 and the first three of feed
    /// k+1's, written the way another publisher would: tracking
    /// parameters, the other scheme, an explicit port, a fragment, a
    /// guid of its own, and less text.
    static func feed(_ k: Int) -> String {
        var s = "<rss version=\"2.0\"><channel><title>Feed \(k)</title><link>https://site\(k).example/</link>"
        for i in 0..<6 {
            let n = k * 10 + i
            s += "<item><guid>s\(k)-\(n)</guid><title>Story \(n)</title><link>https://news.example/story/\(n)</link>"
            s += "<description>" + String(repeating: "Full text of story \(n). ", count: 10) + "</description></item>"
        }
        for i in 0..<3 {
            let n = (k + 1) * 10 + i
            s += "<item><guid>copy-\(k)-\(n)</guid><title>Story \(n)</title>"
            s += "<link>http://NEWS.example:80/story/\(n)?utm_source=feed\(k)&amp;fbclid=x\(k)#top</link>"
            s += "<description>Short \(n).</description></item>"
        }
        return s + "</channel></rss>"
    }

    static let feedCount = 12

    func serve() throws -> TestHTTPServer {
        try TestHTTPServer { request in .ok(Self.feed(Int(request.path.dropFirst(2)) ?? 0)) }
    }

    func poll(_ urls: [String], root: String, config: String = "") throws -> CommandLineTests.Run {
        try urls.joined(separator: "\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        try config.write(toFile: root + "/tidings.yaml", atomically: true, encoding: .utf8)
        return try CommandLineTests.run(Self.daemon, ["--once", "--config", root + "/tidings.yaml", "--feeds", root + "/feeds.txt",
                                                      "--state-dir", root + "/state", "--output-dir", root + "/out"])
    }

    /// Article files by id, with the two times of sighting taken out.
    func articles(_ root: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for file in TestPaths.files(under: root + "/out/articles", suffix: ".json") {
            let text = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
                .filter { !$0.contains("\"first_seen\"") && !$0.contains("\"last_changed\"") }.joined(separator: "\n")
            out[URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent] = text
        }
        return out
    }

    @Test func feedsPolledConcurrentlyInAnyOrderGiveTheSameFiles() throws {
        let server = try serve()
        defer { server.stop() }
        let urls = (0..<Self.feedCount).map { "\(server.baseURL)/f\($0)" }
        let forward = TestPaths.temporaryDirectory("tidings-order"), backward = TestPaths.temporaryDirectory("tidings-order")
        let oneByOne = TestPaths.temporaryDirectory("tidings-order")
        #expect(try poll(urls, root: forward).status == 0)
        #expect(try poll(urls.reversed(), root: backward).status == 0)
        for url in urls.shuffled() { #expect(try poll([url], root: oneByOne).status == 0) }

        let a = try articles(forward)
        #expect(a.count == Self.feedCount * 6 + 3, "every story once: 6 of each feed's own, 3 carried only by the last one's neighbour")
        #expect(try articles(backward) == a)
        #expect(try articles(oneByOne) == a)
        let shared = try #require(a.values.first { $0.contains("\"title\" : \"Story 11\"") })
        #expect(shared.contains("Full text of story 11."), "the richer sighting is shown")
        #expect(shared.components(separatedBy: "\"feed_id\"").count == 3, "two sources")
    }

    @Test func tailPrintsTheJournalAndFollowsIt() throws {
        let server = try serve()
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-tail")
        let follower = try ChildProcess.spawn(Self.cli, ["tail", "--follow", "--json", "--output-dir", root + "/out"],
                                              stdout: root + "/followed")
        defer { follower.signal(SIGKILL) }
        #expect(try poll(["\(server.baseURL)/f1", "\(server.baseURL)/f2"], root: root).status == 0)

        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/out/journal").sorted()
        let written = try files.map { try String(contentsOfFile: root + "/out/journal/" + $0, encoding: .utf8) }.joined()
        #expect(written.split(separator: "\n").count == 6 + 6 + 3 + 3, "12 stories of their own, 3 of f3's, 3 shared")
        let printed = try CommandLineTests.run(Self.cli, ["tail", "--json", "--output-dir", root + "/out"])
        #expect(printed.status == 0)
        #expect(printed.out == written, "--json prints the journal's own lines")
        let since = try CommandLineTests.run(Self.cli, ["tail", "--since", "15", "--output-dir", root + "/out"])
        #expect(since.lines.map { $0.split(separator: "\t")[0] } == ["16", "17", "18"])

        let deadline = Date().addingTimeInterval(10)
        while (try? String(contentsOfFile: root + "/followed", encoding: .utf8)) != written, Date() < deadline { usleep(50_000) }
        #expect(try String(contentsOfFile: root + "/followed", encoding: .utf8) == written, "--follow printed each event as it came")
    }

    @Test func removePurgeTakesOnlyWhatNoOtherFeedCarries() throws {
        let server = try serve()
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-purge")
        #expect(try poll(["\(server.baseURL)/f1", "\(server.baseURL)/f2"], root: root).status == 0)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 15)
        let removed = try CommandLineTests.run(Self.cli, ["remove", "--purge", "\(server.baseURL)/f2",
                                                          "--state-dir", root + "/state", "--output-dir", root + "/out"])
        #expect(removed.status == 0, "\(removed.err)")
        // Of f2's own six, the three f1 carries too stay, with f1 as their
        // only source; the other three go, and the three of f3's it carried.
        #expect(removed.lines.last == "purged: 6 articles removed, 3 kept (another feed carries them)")
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 9)
        let tail = try CommandLineTests.run(Self.cli, ["tail", "--since", "18", "--output-dir", root + "/out"])
        #expect(tail.lines.map { String($0.split(separator: "\t")[2]) }.sorted() == Array(repeating: "removed", count: 6)
            + Array(repeating: "updated", count: 3))
    }

    @Test func removePurgeBesideARunningDaemonIsDoneByTheDaemon() throws {
        let server = try serve()
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-purge")
        try "\(server.baseURL)/f5\n".write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let daemon = try ChildProcess.spawn(Self.daemon, ["--feeds", root + "/feeds.txt", "--state-dir", root + "/state",
                                                          "--output-dir", root + "/out", "--interval", "1h"],
                                            stderr: root + "/daemon.log")
        defer { daemon.signal(SIGKILL) }
        let deadline = Date().addingTimeInterval(20)
        while TestPaths.files(under: root + "/out/articles", suffix: ".json").count < 9, Date() < deadline { usleep(50_000) }
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 9)
        let removed = try CommandLineTests.run(Self.cli, ["remove", "--purge", "\(server.baseURL)/f5",
                                                          "--state-dir", root + "/state", "--output-dir", root + "/out"])
        #expect(removed.status == 0)
        #expect(removed.lines.last?.hasPrefix("purged by the running daemon") == true, "\(removed.out)")
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").isEmpty)
    }

    @Test func retentionKeepsEachFeedsNewestAndJournalsTheRest() throws {
        let server = try serve()
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-retention")
        let config = "retention_maximum_per_feed: 4\n"
        #expect(try poll(["\(server.baseURL)/f7"], root: root, config: config).status == 0)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 4)
        let tail = try CommandLineTests.run(Self.cli, ["tail", "--output-dir", root + "/out"])
        let events = tail.lines.map { String($0.split(separator: "\t")[2]) }
        #expect(events.filter { $0 == "created" }.count == 9 && events.filter { $0 == "expired" }.count == 5)
        // Polled again, the expired items still in the feed stay out.
        #expect(try poll(["\(server.baseURL)/f7"], root: root, config: config).status == 0)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 4)
        #expect(try CommandLineTests.run(Self.cli, ["tail", "--output-dir", root + "/out"]).lines.count == events.count)
    }

    /// JSON Feed readers read the merged feed: another project's (the
    /// `jsonfeed-util` package from PyPI, which checks every required
    /// member) and Tidings' own parser.
    @Test func theMergedFeedIsAJSONFeedThatReadersRead() throws {
        let server = try serve()
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-merged")
        #expect(try poll(["\(server.baseURL)/f1"], root: root, config: "merged_feed_items: 4\n").status == 0)
        let script = """
            import json, sys, jsonfeed
            feed = jsonfeed.Feed.parse_string(open(sys.argv[1]).read())
            print(json.dumps({"version": feed.version, "title": feed.title,
                              "items": [{"id": i.id, "title": i.title, "url": i.url} for i in feed.items]}))
            """
        // JSON Feed 1.1 types its members: an absent one is left out, never
        // null (a strict reader rejects `"summary": null`).
        let merged = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/out/feed.json"))) as? [String: Any])
        func nulls(_ value: Any, at path: String) -> [String] {
            if value is NSNull { return [path] }
            if let object = value as? [String: Any] {
                return object.filter { $0.key != "_tidings" }.flatMap { nulls($0.value, at: path + "." + $0.key) }
            }
            if let array = value as? [Any] { return array.enumerated().flatMap { nulls($0.element, at: path + "[\($0.offset)]") } }
            return []
        }
        #expect(nulls(merged, at: "feed").isEmpty, "\(nulls(merged, at: "feed").prefix(5))")
        let read = try CommandLineTests.run("/usr/bin/env", ["python3", "-c", script, root + "/out/feed.json"])
        try #require(read.status == 0, "jsonfeed-util: \(read.err) (make judges installs it)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(read.out.utf8)) as? [String: Any])
        #expect(result["version"] as? String == "https://jsonfeed.org/version/1.1")
        let items = try #require(result["items"] as? [[String: String]])
        #expect(items.count == 4)
        let files = try articles(root)
        for item in items {
            #expect(files[item["id"] ?? ""] != nil, "an item of the merged feed is an article file")
            #expect(item["url"]?.hasPrefix("https://news.example/story/") == true || item["url"]?.hasPrefix("http://NEWS.example") == true)
        }

        let own = try CommandLineTests.run(Self.cli, ["parse", root + "/out/feed.json"])
        #expect(own.status == 0, "\(own.err)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(own.out.utf8)) as? [String: Any])
        #expect((parsed["items"] as? [[String: Any]])?.map { $0["title"] as? String } == items.map { $0["title"] })
    }

    /// A consumer that asks for events the journal no longer holds is told
    /// so, instead of being handed a silent gap.
    @Test func tailSinceARemovedEventSaysSoInsteadOfPrintingAGap() throws {
        let root = TestPaths.temporaryDirectory("tidings-tail-removed")
        let directory = root + "/out/journal"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Day files from seq 3 on: seqs 1 and 2 went with an older day.
        let lines = (3...4).map { seq in
            "{\"at\":\"2026-11-02T10:00:0\(seq)Z\",\"event\":\"created\",\"feed_id\":\"aaaaaaaaaaaaaaaa\","
                + "\"id\":\"\(String(repeating: "\(seq)", count: 32))\",\"path\":\"articles/2026/11/02/\(seq).json\",\"seq\":\(seq)}\n"
        }
        try lines.joined().write(toFile: directory + "/2026-11-02.jsonl", atomically: true, encoding: .utf8)

        let behind = try CommandLineTests.run(Self.cli, ["tail", "--since", "0", "--output-dir", root + "/out"])
        #expect(behind.status == 65)
        #expect(behind.out.isEmpty)
        #expect(behind.err.contains("events 1 to 2 were removed"), "\(behind.err)")
        #expect(behind.err.contains("resync from the article files"))
        let current = try CommandLineTests.run(Self.cli, ["tail", "--since", "2", "--output-dir", root + "/out"])
        #expect(current.status == 0)
        #expect(current.lines.map { $0.split(separator: "\t").first.map(String.init) } == ["3", "4"])
    }
}
