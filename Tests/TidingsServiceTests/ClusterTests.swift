import Foundation
import Synchronization
import Testing
import TidingsModel
import TidingsService
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Three real `tidingsd` on one real PostgreSQL and one output directory,
/// one of them killed with SIGKILL in the middle of its round: the others
/// finish the work, no feed is fetched by two nodes at once, and the output
/// is what one node on SQLite writes from the same feeds.
@Suite(.timeLimit(.minutes(5))) struct ClusterTests {
    /// One fetch as the test server saw it.
    struct Fetch { var path: String; var start: Date; var end: Date }

    @Test func threeNodesOneKilledMidRoundPollEveryFeedOnceAndWriteWhatOneNodeWrites() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CrashSafetyTests.daemon), "swift test builds tidingsd")
        // 20 ms an answer: a node's round (two transfers at a time to the
        // one host) lasts long enough to be killed in the middle of it.
        // Nothing is answered for the first three seconds: every node has
        // started and claimed its first window by then, however slowly the
        // three start beside each other on two cores.
        let log = Mutex<[Fetch]>([])
        let opens = Date().addingTimeInterval(3)
        let server = try TestHTTPServer { request in
            if opens.timeIntervalSinceNow > 0 { usleep(UInt32(opens.timeIntervalSinceNow * 1e6)) }
            let start = Date()
            usleep(20_000)
            log.withLock { $0.append(Fetch(path: request.path, start: start, end: Date())) }
            return .ok(CrashSafetyTests.feed(Int(request.path.dropFirst(2)) ?? 0))
        }
        let root = TestPaths.temporaryDirectory("tidings-cluster")
        let url = try PostgresServer.shared().makeDatabase("cluster")
        // Spread over sixteen host names (libcurl resolves *.localhost
        // itself): the per-host limit (two) holds for the cluster, and one
        // host would be polled two feeds at a time by all nodes together.
        let list = (0..<CrashSafetyTests.feeds).map { "http://h\($0 % 16).localhost:\(server.port)/f\($0)" }
            .joined(separator: "\n")
        try list.write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let hook = root + "/hook.sh"
        try "#!/bin/sh\necho \"$TIDINGS_EVENT $TIDINGS_SEQ $1\" >> \(root)/hook.log\n"
            .write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        // Eight transfers: a node holds up to 16 leases (twice its
        // transfers), so each of the three starts with a share.
        try "on_article: [\"\(hook)\"]\nhooks_on_backlog: true\nlease_seconds: 3\nfetch:\n  maximum_concurrent_transfers: 8\n"
            .write(toFile: root + "/tidings.yaml", atomically: true, encoding: .utf8)
        func node(_ name: String) throws -> Process {
            try QuietProcess.start(CrashSafetyTests.daemon, [
                "--once", "--config", root + "/tidings.yaml", "--feeds", root + "/feeds.txt",
                "--state-url", url, "--node-name", name,
                "--state-dir", root + "/state-" + name, "--output-dir", root + "/out",
            ], errorLog: root + "/" + name + ".log")
        }
        let nodes = try ["n1", "n2", "n3"].map(node)
        // Killed once it has fetched a few feeds, before the round is over.
        let killAfter = Date().addingTimeInterval(20)
        while log.withLock({ $0.count }) < 40, Date() < killAfter { usleep(5_000) }
        kill(nodes[1].processIdentifier, SIGKILL)
        for p in nodes { p.waitUntilExit() }
        #expect(nodes[0].terminationStatus == 0 && nodes[2].terminationStatus == 0,
                "\((try? String(contentsOfFile: root + "/n1.log", encoding: .utf8)) ?? "")")
        #expect(nodes[1].terminationReason == .uncaughtSignal)
        // The work was shared: both survivors polled feeds.
        for name in ["n1", "n3"] {
            let polls = try String(contentsOfFile: root + "/" + name + ".log", encoding: .utf8)
                .split(separator: "\n").filter { $0.contains("feed polled") }.count
            #expect(polls > 0, "\(name) polled nothing")
        }
        #expect(log.withLock { $0.count } < 2 * CrashSafetyTests.feeds, "the kill came after the round")

        // Every feed polled; never one by two nodes at the same time.
        let fetches = log.withLock { $0 }
        let byFeed = Dictionary(grouping: fetches, by: \.path)
        #expect(byFeed.count == CrashSafetyTests.feeds)
        for (path, seen) in byFeed {
            let ordered = seen.sorted { $0.start < $1.start }
            for (a, b) in zip(ordered, ordered.dropFirst()) {
                #expect(b.start >= a.end, "\(path) fetched by two nodes at once")
            }
        }

        // What one node on SQLite writes from the same feeds.
        let single = TestPaths.temporaryDirectory("tidings-single")
        let alone = try QuietProcess.start(CrashSafetyTests.daemon, [
            "--once", "--feeds", root + "/feeds.txt", "--state-dir", single + "/state", "--output-dir", single + "/out",
        ])
        alone.waitUntilExit()
        #expect(try articles(root) == articles(single), "the nodes wrote other articles than one node writes")

        // One journal for the cluster: gap-free, one `created` per file,
        // and every article reached the hook.
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        let ids = Set(files.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
        let journal = try CrashSafetyTests.journal(root)
        #expect(journal.map(\.seq) == Array(1...Int64(journal.count)), "a gap or a repeated seq")
        let created = journal.filter { $0.event == "created" }
        #expect(created.count == files.count && Set(created.map(\.id)) == ids)
        let seen = try String(contentsOfFile: root + "/hook.log", encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("created ") }.compactMap { $0.split(separator: " ").last.map(String.init) }
        let seenIDs = Set(seen.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
        #expect(ids.subtracting(seenIDs).isEmpty, "\(ids.subtracting(seenIDs).count) created articles never reached the hook")
        // Nothing left in any node's staging but an empty directory.
        #expect(TestPaths.files(under: root + "/out/.staging", suffix: "").isEmpty)
    }

    /// Each article's id with its content hash and the feeds it names.
    func articles(_ root: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for file in TestPaths.files(under: root + "/out/articles", suffix: ".json") {
            let a = try JSONDecoder().decode(Article.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            out[a.id] = a.tidings.contentHash + " " + a.tidings.sources.map(\.feedID).sorted().joined(separator: ",")
        }
        return out
    }
}

/// A host that asked one node to wait (429 with Retry-After) is left alone
/// by every node: the pause is in the shared state.
@Suite(.timeLimit(.minutes(2))) struct SharedHostPauseTests {
    @Test func aHostThatAskedOneNodeToWaitIsNotFetchedByAnother() async throws {
        let requests = Mutex(0)
        let server = try TestHTTPServer { _ in
            requests.withLock { $0 += 1 }
            return .status(429, headers: [("Retry-After", "120")])
        }
        let url = try PostgresServer.shared().makeDatabase("pause")
        func node(_ name: String) throws -> (DaemonFixture, Daemon) {
            let fixture = DaemonFixture()
            var config = fixture.configuration
            config.stateURL = url
            config.nodeName = name
            let shared = DaemonFixture(root: fixture.root, configuration: config)
            return (shared, try shared.daemon())
        }
        let (first, a) = try node("a")
        _ = try TidingsState(stateDirectory: first.configuration.stateDirectory, databaseURL: url)
            .add(url: server.baseURL + "/one")
        let asked = try await a.pollOnce()
        #expect(asked.failed == 1 && requests.withLock { $0 } == 1)
        // Another feed on the same host, polled by another node: not fetched.
        let (_, b) = try node("b")
        _ = try TidingsState(stateDirectory: first.configuration.stateDirectory, databaseURL: url)
            .add(url: server.baseURL + "/two")
        let waited = try await b.pollOnce()
        #expect(waited.deferred == 1, "\(waited)")
        #expect(requests.withLock { $0 } == 1, "the other node fetched from a host that asked to wait")
    }
}
