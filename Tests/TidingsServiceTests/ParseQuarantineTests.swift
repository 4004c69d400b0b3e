import Foundation
import Synchronization
import Testing
import TidingsService
import TidingsModel
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Defence in depth: whatever crashes the process while it parses one feed,
/// that feed cannot keep the service down. A parse leaves a mark in the
/// state and its feed's id in the crash note; a crash during it leaves both
/// behind; two crashes in a row on the same document quarantine it, shown
/// in `tidings status`, until the feed serves something else or `tidings
/// poll` asks for it. A SIGKILL from outside is no crash of the parse and
/// counts for nothing (`CrashSafetyTests` kills at random and loses nothing).
@Suite(.timeLimit(.minutes(5))) struct ParseQuarantineTests {
    static func rss(_ name: String, items: Int) -> String {
        "<rss version=\"2.0\"><channel><title>\(name)</title><link>https://\(name).example/</link>"
            + (0..<items).map { "<item><guid>\(name)-\($0)</guid><title>\(name) \($0)</title></item>" }.joined()
            + "</channel></rss>"
    }

    /// A valid feed large enough (15 MB) that a debug build parses it for
    /// seconds: time for the test to see the mark and kill the daemon in it.
    static let big: String = {
        var s = "<rss version=\"2.0\"><channel><title>Big</title><link>https://big.example/</link>"
        let text = String(repeating: "Some text of the article. ", count: 20)
        for i in 0..<22_000 {
            s += "<item><guid>big-\(i)</guid><title>Item \(i)</title><description>&lt;p&gt;\(text)&lt;b&gt;b&lt;/b&gt;&lt;/p&gt;</description></item>"
        }
        return s + "</channel></rss>"
    }()

    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    @Test(.timeLimit(.minutes(5)))
    func dyingTwiceInOneParseQuarantinesThatFeedAndTheOthersGoOn() throws {
        let daemon = Self.binaries.appendingPathComponent("tidingsd").path
        let cli = Self.binaries.appendingPathComponent("tidings").path
        try #require(FileManager.default.isExecutableFile(atPath: daemon), "swift test builds tidingsd; it is missing")
        let bigChanged = Mutex(false)
        let server = try TestHTTPServer { request in
            if request.path == "/big" { return .ok(bigChanged.withLock { $0 } ? Self.rss("bignew", items: 2) : Self.big) }
            return .ok(Self.rss(String(request.path.dropFirst()), items: 3))
        }
        let root = TestPaths.temporaryDirectory("tidings-quarantine")
        let bigURL = server.baseURL + "/big"
        let others = (0..<4).map { "\(server.baseURL)/f\($0)" }
        try ([bigURL] + others).joined(separator: "\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let arguments = ["--once", "--feeds", root + "/feeds.txt", "--state-dir", root + "/state", "--output-dir", root + "/out"]
        let bigID = ArticleIdentity.feedID(forURL: bigURL)

        // Killed from outside during the parse: not held against the feed.
        try Self.endDuringBigParse(daemon, arguments, bigID: bigID, root: root, signal: SIGKILL)
        let afterKill = try QuietProcess.start(daemon, ["--once", "--state-dir", root + "/state", "--output-dir", root + "/nowhere"])
        // Start-up sorts the marks; the run's own poll of the big feed is cut short at once.
        let startedAt = Date()
        while try TidingsState(stateDirectory: root + "/state").parseMarks().contains(where: { $0.startedAt < startedAt }),
              afterKill.isRunning { usleep(10_000) }
        kill(afterKill.processIdentifier, SIGKILL)
        afterKill.waitUntilExit()
        #expect(try TidingsState(stateDirectory: root + "/state").find(bigURL)?.parseCrashes == 0, "a SIGKILL counted as a crash")

        // Crashed twice during the same document's parse (SIGSEGV, as a stack
        // overflow in the parser would end it).
        for _ in 1...2 {
            try Self.endDuringBigParse(daemon, arguments, bigID: bigID, root: root, signal: SIGSEGV)
        }

        let third = try QuietProcess.start(daemon, arguments)
        third.waitUntilExit()
        #expect(third.terminationStatus == 0)
        let registry = try TidingsState(stateDirectory: root + "/state")
        let feeds = Dictionary(uniqueKeysWithValues: try registry.all().map { ($0.url, $0) })
        let quarantined = try #require(feeds[bigURL])
        #expect(quarantined.lastResult == "quarantined")
        #expect(quarantined.quarantinedHash == SHA256.hex(bytes: Array(Self.big.utf8)))
        #expect(quarantined.quarantineReason?.contains("crashed 2 times in a row while parsing") == true)
        for url in others { #expect(feeds[url]?.lastResult == "ok" || feeds[url]?.lastResult == "unchanged", "\(url)") }
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(files.count == 12, "the four other feeds' articles, none of the quarantined one's")

        // The operator sees it, in words, on the feed's line.
        let status = try Self.run(cli, ["status", "--state-dir", root + "/state"])
        let line = status.split(separator: "\n").first { $0.contains(bigURL) } ?? ""
        #expect(line.contains("quarantined") && line.contains("tidings poll"), "\(status)")

        // A new document is parsed again; the quarantine ends by itself.
        bigChanged.withLock { $0 = true }
        let fourth = try QuietProcess.start(daemon, arguments)
        fourth.waitUntilExit()
        let after = try #require(try registry.find(bigURL))
        #expect(after.lastResult == "ok")
        #expect(after.quarantinedHash == nil && after.quarantineReason == nil)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 14)
    }

    /// Starts the daemon, waits until it marks the big feed's parse, and
    /// ends it there with `signal`.
    static func endDuringBigParse(_ daemon: String, _ arguments: [String], bigID: String, root: String,
                                  signal: Int32) throws {
        let started = Date()
        let process = try QuietProcess.start(daemon, arguments, environment: ["SWIFT_BACKTRACE": "enable=no"])
        let marked = try waitForParseMark(of: bigID, since: started, stateDirectory: root + "/state", while: process)
        try #require(marked, "the daemon never marked the big feed's parse")
        // The mark is written just before the parse starts (and before its
        // feed is named in the crash note); the parse takes seconds: a
        // moment later the process is surely inside it.
        usleep(300_000)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal)
    }

    /// Polls the state until the daemon marks the feed's parse (a mark made
    /// since `since`: the last death's mark is there until the new process
    /// has counted it), or it exits.
    static func waitForParseMark(of feedID: String, since: Date, stateDirectory: String, while process: Process) throws -> Bool {
        let deadline = Date().addingTimeInterval(120)
        var registry: TidingsState?
        while process.isRunning, Date() < deadline {
            if registry == nil, FileManager.default.fileExists(atPath: stateDirectory + "/tidings.sqlite3") {
                registry = try? TidingsState(stateDirectory: stateDirectory)
            }
            if let marks = try? registry?.parseMarks(), marks.contains(where: { $0.feedID == feedID && $0.startedAt > since }) {
                return true
            }
            usleep(5_000)
        }
        return false
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - The rules, in process

    /// What a crash during a parse leaves behind: the mark, and the feed's
    /// id in the crash note, as the signal handler writes it.
    static func dieWhileParsing(_ feed: FeedRecord, body: String, in fixture: DaemonFixture) throws {
        try beKilledWhileParsing(feed, body: body, in: fixture)
        let note = fixture.configuration.stateDirectory + "/" + CrashNote.fileName
        try (feed.id + "\n").write(toFile: note, atomically: false, encoding: .utf8)
    }

    /// What SIGKILL during a parse leaves behind: the mark alone.
    static func beKilledWhileParsing(_ feed: FeedRecord, body: String, in fixture: DaemonFixture) throws {
        try ParseMarks(stateDirectory: fixture.configuration.stateDirectory)
            .mark(feedID: feed.id, bodyHash: SHA256.hex(bytes: Array(body.utf8)))
    }

    /// A feed on the test server, followed in a fresh state.
    static func followed(serving body: String) throws -> (TestHTTPServer, DaemonFixture, TidingsState, FeedRecord) {
        let server = try TestHTTPServer { _ in .ok(body) }
        let fixture = DaemonFixture()
        let registry = try TidingsState(stateDirectory: fixture.configuration.stateDirectory)
        let (feed, _) = try registry.add(url: server.baseURL + "/feed")
        return (server, fixture, registry, feed)
    }

    @Test func oneDeathIsCountedButTwoInARowQuarantineAndAPollRequestLiftsIt() async throws {
        let body = Self.rss("q", items: 2)
        let (server, fixture, registry, feed) = try Self.followed(serving: body)
        defer { server.stop() }

        try Self.dieWhileParsing(feed, body: body, in: fixture)
        var daemon = try fixture.daemon()
        #expect(try registry.find(feed.id)?.parseCrashes == 1)
        #expect(try registry.find(feed.id)?.quarantinedHash == nil, "one death is not enough")
        #expect(try registry.parseMarks().isEmpty, "marks are consumed at start")
        daemon.shutdown()

        try Self.dieWhileParsing(feed, body: body, in: fixture)
        daemon = try fixture.daemon()
        defer { daemon.shutdown() }
        let counted = try #require(try registry.find(feed.id))
        #expect(counted.parseCrashes == 2)
        #expect(counted.quarantinedHash == SHA256.hex(bytes: Array(body.utf8)))

        let skipped = try await daemon.pollOnce()
        #expect(skipped.failed == 1 && skipped.newArticles == 0)
        #expect(fixture.articleFiles.isEmpty)
        #expect(try registry.find(feed.id)?.lastResult == "quarantined")
        #expect(try registry.parseMarks().isEmpty, "a quarantined document is not even marked: it is not parsed")

        let lifted = try registry.requestPoll([feed.url])
        #expect(lifted.map(\.id) == [feed.id])
        let parsed = try await daemon.pollOnce()
        #expect(parsed.newArticles == 2)
        let healthy = try #require(try registry.find(feed.id))
        #expect(healthy.quarantinedHash == nil && healthy.parseCrashes == 0 && healthy.lastResult == "ok")
    }

    @Test func aKillFromOutsideDuringAParseIsNotCounted() async throws {
        let body = Self.rss("k", items: 1)
        let (server, fixture, registry, feed) = try Self.followed(serving: body)
        defer { server.stop() }
        for _ in 1...3 {
            try Self.beKilledWhileParsing(feed, body: body, in: fixture)
            try fixture.daemon().shutdown()
        }
        let record = try #require(try registry.find(feed.id))
        #expect(record.parseCrashes == 0 && record.quarantinedHash == nil)
        #expect(try registry.parseMarks().isEmpty)
    }

    @Test func deathsOnDifferentDocumentsDoNotAddUp() async throws {
        let fixture = DaemonFixture()
        let registry = try TidingsState(stateDirectory: fixture.configuration.stateDirectory)
        let (feed, _) = try registry.add(url: "http://127.0.0.1:9/feed")
        try Self.dieWhileParsing(feed, body: "first", in: fixture)
        try fixture.daemon().shutdown()
        try Self.dieWhileParsing(feed, body: "second", in: fixture)
        try fixture.daemon().shutdown()
        let record = try #require(try registry.find(feed.id))
        #expect(record.parseCrashes == 1)
        #expect(record.quarantinedHash == nil)
    }

    @Test func aFinishedParseClearsItsMarkAndTheCount() async throws {
        let body = Self.rss("c", items: 1)
        let (server, fixture, registry, feed) = try Self.followed(serving: body)
        defer { server.stop() }
        try Self.dieWhileParsing(feed, body: body, in: fixture)
        let daemon = try fixture.daemon()
        defer { daemon.shutdown() }
        _ = try await daemon.pollOnce()
        #expect(try registry.parseMarks().isEmpty)
        #expect(try registry.find(feed.id)?.parseCrashes == 0)
    }
}
