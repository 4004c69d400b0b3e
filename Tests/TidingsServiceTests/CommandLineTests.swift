import Foundation
import Testing
import TidingsService
import TidingsModel
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
import TidingsConfiguration
#endif

/// `tidings` and `tidingsd` as a person runs them: the built executables
/// with real arguments, their exit codes, what they print, and what they
/// say about bad input.
@Suite(.timeLimit(.minutes(2))) struct CommandLineTests {
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let cli = binaries.appendingPathComponent("tidings").path
    static let daemon = binaries.appendingPathComponent("tidingsd").path

    struct Run {
        var status: Int32
        var out: String
        var err: String
        var lines: [String] { out.split(separator: "\n").map(String.init) }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Run {
        let directory = TestPaths.temporaryDirectory("tidings-run")
        let usage = try ChildProcess.spawn(executable, arguments, stdout: directory + "/out", stderr: directory + "/err").wait()
        return Run(status: usage.status, out: try String(contentsOfFile: directory + "/out", encoding: .utf8),
                   err: try String(contentsOfFile: directory + "/err", encoding: .utf8))
    }

    static func tidings(_ arguments: String..., state: String, url: String? = nil) throws -> Run {
        try run(cli, arguments + ["--state-dir", state] + (url.map { ["--state-url", $0] } ?? []))
    }

    @Test func addListStatusAndRemoveAFeed() throws {
        let state = TestPaths.temporaryDirectory("tidings-cli") + "/state"
        let url = "https://feeds.example/news.xml"
        let id = ArticleIdentity.feedID(forURL: url)

        let added = try Self.tidings("add", "--no-check", url, state: state)
        #expect(added.status == 0)
        #expect(added.out == "added \(id) (untitled) (not checked) \(url)\n")
        #expect(try Self.tidings("add", "--no-check", url, state: state).out == "already followed \(id) \(url)\n")

        #expect(try Self.tidings("list", state: state).out == "\(id)  \(url)\n")
        let listed = try JSONSerialization.jsonObject(with: Data(try Self.tidings("list", "--json", state: state).out.utf8))
        #expect((listed as? [[String: Any]])?.first?["url"] as? String == url)

        let status = try Self.tidings("status", state: state)
        #expect(status.status == 0)
        #expect(status.lines.first == "ID\tLAST POLL\tRESULT\tFAILS\tNEXT POLL\tINTERVAL\tURL\tNOTE")
        #expect(status.lines.dropFirst().first?.hasPrefix("\(id)\tnever\t-\t0\t") == true, "\(status.out)")
        let json = try JSONSerialization.jsonObject(with: Data(try Self.tidings("status", "--json", state: state).out.utf8))
        let record = try #require((json as? [[String: Any]])?.first)
        #expect(record["id"] as? String == id)
        for key in ["url", "last_result", "next_poll_at", "consecutive_failures", "quarantine_reason", "disabled_reason"] {
            #expect(record.keys.contains(key), "status --json lacks \(key)")
        }

        let removed = try Self.tidings("remove", url, state: state)
        #expect(removed.status == 0 && removed.out == "removed \(id) \(url)\n")
        #expect(try Self.tidings("list", state: state).out.isEmpty)
    }

    @Test func badInputIsRefusedWithTheReason() throws {
        let state = TestPaths.temporaryDirectory("tidings-cli") + "/state"
        for (url, reason) in [
            ("news.example", "not a URL"), ("ftp://news.example/feed", "the ftp scheme is not fetched"),
            ("http://", "a http URL needs a host"), ("https:///feed", "a https URL needs a host"),
            ("javascript:alert(1)", "the javascript scheme is not fetched"),
        ] {
            let refused = try Self.tidings("add", url, state: state)
            #expect(refused.status == 64, "\(url)")
            #expect(refused.err.contains("cannot follow \(url): \(reason)"), "\(url): \(refused.err)")
        }
        #expect(try Self.tidings("add", "--no-check", "file:///srv/feeds/local.xml", state: state).status == 0)
        for executable in [Self.cli, Self.daemon] {
            let version = try Self.run(executable, ["--version"])
            #expect(version.status == 0 && version.out.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        }

        let unknown = try Self.tidings("remove", "https://never.example/feed", state: state)
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("no followed feed matches https://never.example/feed"))
        let unknownPoll = try Self.tidings("poll", "0000000000000000", state: state)
        #expect(unknownPoll.status == 1 && unknownPoll.err.contains("no followed feed matches 0000000000000000"))

        #expect(try Self.tidings("remove", state: state).status == 64, "a missing argument is a usage error")

        // A state directory that cannot exist: under a regular file.
        let file = TestPaths.temporaryDirectory("tidings-cli") + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let noState = try Self.tidings("list", state: file + "/state")
        #expect(noState.status == 1)
        #expect(noState.err.contains("no Tidings state in \(file)/state"), "\(noState.err)")

        // A mistyped state directory is an error, and nothing is created there.
        let typo = TestPaths.temporaryDirectory("tidings-cli") + "/stat"
        for command in [["list"], ["status"], ["status", "--json"], ["remove", "x"], ["poll"]] {
            let run = try Self.run(Self.cli, command + ["--state-dir", typo])
            #expect(run.status == 1 && run.err.contains("no Tidings state in \(typo)"), "\(command): \(run.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: typo), "a look at a mistyped state directory created it")
    }

    @Test func parsePrintsJSONFeedOrSaysWhyNot() throws {
        let directory = TestPaths.temporaryDirectory("tidings-cli")
        try PollingTests.rss(["one", "two"]).write(toFile: directory + "/feed.xml", atomically: true, encoding: .utf8)
        let parsed = try Self.run(Self.cli, ["parse", directory + "/feed.xml", "--url", "https://feed.example/rss"])
        #expect(parsed.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(parsed.out.utf8)) as? [String: Any]
        #expect(object?["version"] as? String == "https://jsonfeed.org/version/1.1")
        #expect((object?["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["one", "two"])

        try "<html><body>hello</body></html>".write(toFile: directory + "/page.html", atomically: true, encoding: .utf8)
        let page = try Self.run(Self.cli, ["parse", directory + "/page.html"])
        #expect(page.status == 65 && page.err.contains("not a feed: found an HTML page"))

        let missing = try Self.run(Self.cli, ["parse", directory + "/nothing.xml"])
        #expect(missing.status == 64 && missing.err.contains("cannot read \(directory)/nothing.xml"))
    }

    @Test func daemonFlagsOverrideTheConfigurationFileAndItsMistakesAreNamed() throws {
        let server = try TestHTTPServer { _ in .ok(PollingTests.rss(["x", "y"])) }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-cli")
        try "{\"output_directory\": \"\(root)/from-file\", \"state_directory\": \"\(root)/state\"}"
            .write(toFile: root + "/tidings.json", atomically: true, encoding: .utf8)
        try (server.baseURL + "/feed\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let once = try Self.run(Self.daemon, ["--config", root + "/tidings.json", "--output-dir", root + "/from-flag",
                                              "--feeds", root + "/feeds.txt", "--once"])
        #expect(once.status == 0, "\(once.err)")
        #expect(once.out == "polled 1 feeds: 0 not modified, 0 failed; articles: 2 new, 0 updated\n")
        #expect(TestPaths.files(under: root + "/from-flag/articles", suffix: ".json").count == 2)
        #expect(!FileManager.default.fileExists(atPath: root + "/from-file"), "the flag did not win over the file")
        #expect(FileManager.default.fileExists(atPath: root + "/state/tidings.sqlite3"), "the file's state directory was not used")

        // Logs: one event a line, a journald priority first, values as key=value.
        let lines = once.err.split(separator: "\n")
        #expect(lines.allSatisfy { $0.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil }, "\(once.err)")
        #expect(lines.contains { $0.hasPrefix("<6>feed polled ") && $0.contains("feed.url=\(server.baseURL)/feed") && $0.contains("articles.new=2") })

        try "{\"poll_interval\": 60}".write(toFile: root + "/typo.json", atomically: true, encoding: .utf8)
        let typo = try Self.run(Self.daemon, ["--config", root + "/typo.json", "--once"])
        #expect(typo.status == 64)
        #expect(typo.err.contains("unknown key poll_interval"))

        let interval = try Self.run(Self.daemon, ["--interval", "10x", "--state-dir", root + "/state", "--once"])
        #expect(interval.status == 64)
        #expect(interval.err.contains("--interval must be a positive duration such as 900, 15m or 1h"))
        let short = try Self.run(Self.daemon, ["--interval", "10s", "--state-dir", root + "/state", "--once"])
        #expect(short.status == 64 && short.err.contains("poll_interval_seconds must be at least 60, not 10"), "\(short.err)")
    }

    @Test func checkConfigReportsEveryMistakeAndPrintConfigShowsWhatIsInEffect() throws {
        let root = TestPaths.temporaryDirectory("tidings-cli")
        try #"{"poll_intervall": 60, "poll_interval_seconds": 5, "fetch": {"maximum_transfers_per_host": 0}}"#
            .write(toFile: root + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try Self.run(Self.daemon, ["--check-config", root + "/bad.json"])
        #expect(bad.status == 64)
        for problem in ["unknown key poll_intervall", "poll_interval_seconds must be at least 60, not 5",
                        "fetch.maximum_transfers_per_host must be at least 1, not 0"] {
            #expect(bad.err.contains(problem), "\(bad.err)")
        }

        try #"{"poll_interval_seconds": 600}"#.write(toFile: root + "/good.json", atomically: true, encoding: .utf8)
        let good = try Self.run(Self.daemon, ["--check-config", root + "/good.json"])
        #expect(good.status == 0 && good.out.hasPrefix("configuration ok"))
        // Environment over the file, flags over the environment.
        let printed = try Self.run("/usr/bin/env", ["TIDINGS_INTERVAL=2h", "TIDINGS_OUTPUT_DIR=/srv/news", Self.daemon,
                                                    "--print-config", "--config", root + "/good.json", "--state-dir", root + "/s"])
        #expect(printed.status == 0, "\(printed.err)")
        try printed.out.write(toFile: root + "/printed.json", atomically: true, encoding: .utf8)
        let effective = try Configuration.load(root + "/printed.json")
        #expect(effective.pollIntervalSeconds == 7200)
        #expect(effective.outputDirectory == "/srv/news")
        #expect(effective.stateDirectory == root + "/s")
        #expect(effective.fetch == Configuration().fetch, "what --print-config prints reads back as it was")
    }

    /// A running daemon sees a feed added from the shell within seconds,
    /// and Ctrl-C (SIGINT) stops it cleanly.
    @Test func aRunningDaemonPicksUpAnAddedFeedAndStopsOnCtrlC() throws {
        let server = try TestHTTPServer { _ in .ok(PollingTests.rss(["late"])) }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-cli")
        let daemon = try ChildProcess.spawn(Self.daemon, ["--state-dir", root + "/state", "--output-dir", root + "/out", "--interval", "1h"],
                                            stderr: root + "/daemon.log")
        defer { daemon.signal(SIGKILL) }
        // Wait for the daemon to open its state before adding to it.
        let startDeadline = Date().addingTimeInterval(30)
        while !((try? String(contentsOfFile: root + "/daemon.log", encoding: .utf8))?.contains("daemon started") ?? false),
              Date() < startDeadline { usleep(20_000) }
        #expect(try Self.tidings("add", server.baseURL + "/feed", state: root + "/state").status == 0)
        let added = Date()
        while TestPaths.files(under: root + "/out/articles", suffix: ".json").isEmpty, Date().timeIntervalSince(added) < 15 {
            usleep(50_000)
        }
        let waited = Date().timeIntervalSince(added)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 1, "no article \(waited) s after add")
        // The daemon looks for changes every second; the rest is one poll.
        #expect(waited < 3, "picked up after \(waited) s")

        let interrupted = Date()
        daemon.signal(SIGINT)
        let usage = daemon.wait()
        #expect(usage.status == 0)
        #expect(Date().timeIntervalSince(interrupted) < 5, "took \(Date().timeIntervalSince(interrupted)) s to stop")
        let log = try String(contentsOfFile: root + "/daemon.log", encoding: .utf8)
        #expect(log.contains("<5>stopping: no new polls"), "\(log)")
        #expect(log.contains("daemon stopped"))
    }
}
