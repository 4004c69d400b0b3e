import Foundation
import Testing
import TidingsModel
import TidingsService
import TidingsStore
import TidingsTestSupport
import TidingsConfiguration
import Logging

/// The `on_article` hook as its author would see it: what it is given,
/// what happens when it fails or hangs, and that it never runs twice for
/// nothing nor loses an event.
@Suite(.timeLimit(.minutes(2))) struct HookTests {
    static let items = """
        <rss version="2.0"><channel><title>Hooked</title><link>https://hooked.example/</link>
        <item><guid>h-1</guid><title>One</title><link>https://hooked.example/1</link></item>
        <item><guid>h-2</guid><title>Two</title><link>https://hooked.example/2</link></item>
        </channel></rss>
        """

    func fixture(_ engine: StateEngine, hook: [String], configure: (inout Configuration) -> Void = { _ in }) throws
        -> (DaemonFixture, Daemon, TestHTTPServer) {
        let server = try TestHTTPServer { _ in .ok(Self.items) }
        var config = DaemonFixture().configuration
        config.stateURL = try engine.url(config.stateDirectory)
        config.onArticle = hook
        config.hooksOnBacklog = true
        config.hookRetrySeconds = 0.05
        configure(&config)
        let fixture = DaemonFixture(root: String(config.stateDirectory.dropLast("/state".count)), configuration: config)
        let daemon = try fixture.daemon()
        _ = try TidingsState(stateDirectory: config.stateDirectory, databaseURL: config.stateURL).add(url: server.baseURL + "/feed")
        return (fixture, daemon, server)
    }

    @Test(arguments: StateEngine.all) func theHookIsGivenTheFileAndTheEventWithoutAShell(_ engine: StateEngine) async throws {
        let root = TestPaths.temporaryDirectory()
        let log = root + "/seen"
        // `$1` is the file: the program is run directly, `sh` only because
        // this hook is a one-line script.
        let script = #"printf '%s|%s|%s|%s|%s\n' "$TIDINGS_EVENT" "$TIDINGS_SEQ" "$TIDINGS_ARTICLE_ID" "$TIDINGS_FEED_URL" "$1" >> "#
            + log
        let (f, daemon, server) = try fixture(engine, hook: ["/bin/sh", "-c", script, "hook"])
        _ = try await daemon.pollOnce()
        let failures = try TidingsState(stateDirectory: f.configuration.stateDirectory, readOnly: true, databaseURL: f.configuration.stateURL).hookFailures()
        #expect(failures.count == 0, "\(failures.latest)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(lines.count == 2)
        for line in lines {
            #expect(line[0] == "created")
            #expect(line[3] == server.baseURL + "/feed")
            #expect(line[4].hasPrefix(f.root + "/out/articles/") && line[4].hasSuffix("/\(line[2]).json"))
            #expect(FileManager.default.fileExists(atPath: line[4]))
        }
        #expect(Set(lines.map { $0[1] }) == ["1", "2"])
        // Nothing new: the hook is not run again.
        _ = try await daemon.pollOnce()
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 2)
    }

    @Test(arguments: StateEngine.all) func aFailingHookIsRetriedThenRecordedAndSkipped(_ engine: StateEngine) async throws {
        let root = TestPaths.temporaryDirectory()
        let log = root + "/tries"
        let (f, daemon, _) = try fixture(engine, hook: ["/bin/sh", "-c", "echo try >> \(log); echo 'no mail server' >&2; exit 3", "hook"]) {
            $0.hookMaximumAttempts = 3
        }
        _ = try await daemon.pollOnce()
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 6, "3 tries for each of 2 events")
        let failures = try TidingsState(stateDirectory: f.configuration.stateDirectory, readOnly: true, databaseURL: f.configuration.stateURL).hookFailures()
        #expect(failures.count == 2)
        #expect(failures.latest.first?.attempts == 3)
        #expect(failures.latest.first?.error == "exit status 3: no mail server")
        // The operator sees it.
        let status = try CommandLineTests.tidings("status", state: f.configuration.stateDirectory,
                                                  url: f.configuration.stateURL)
        #expect(status.status == 0)
        #expect(status.err.contains("the on_article hook gave up on 2 journal event(s)"), "\(status.err)")
        #expect(status.err.contains("after 3 tries"))
    }

    @Test(arguments: StateEngine.all) func aHookThatHangsIsKilledAtItsTimeout(_ engine: StateEngine) async throws {
        let root = TestPaths.temporaryDirectory()
        // The hook notes when it started, then hangs.
        let (f, daemon, _) = try fixture(engine, hook: ["/bin/sh", "-c", "date +%s.%N >> \(root)/started; sleep 60", "hook"]) {
            $0.hookTimeoutSeconds = 0.3
            $0.hookMaximumAttempts = 1
        }
        _ = try await daemon.pollOnce()
        let failures = try TidingsState(stateDirectory: f.configuration.stateDirectory, readOnly: true, databaseURL: f.configuration.stateURL).hookFailures()
        #expect(failures.count == 2)
        #expect(failures.latest.first?.error == "timed out")
        // From the hook's start to when it was given up on (both clocks of
        // the hook's own threads; the test's wall time is no measure, as
        // other suites' blocking tests can hold the cooperative pool).
        let starts = try String(contentsOfFile: root + "/started", encoding: .utf8).split(separator: "\n").compactMap { Double($0) }
        let gaveUp = try #require(failures.latest.map(\.at).max())
        let started = try #require(starts.min())
        #expect(gaveUp.timeIntervalSince1970 - started < 10, "killed \(gaveUp.timeIntervalSince1970 - started) s after it started")
    }

    @Test(arguments: StateEngine.all) func aHookAddedLaterStartsFromThereNotFromTheBeginning(_ engine: StateEngine) async throws {
        let root = TestPaths.temporaryDirectory()
        var config: Configuration
        do {  // the first daemon stops before the next starts (one node of that name at a time)
            let (f, daemon, _) = try fixture(engine, hook: [])
            _ = try await daemon.pollOnce()
            daemon.shutdown()
            config = f.configuration
        }
        config.onArticle = ["/bin/sh", "-c", "echo \"$1\" >> \(root)/seen", "hook"]
        config.hooksOnBacklog = true
        let later = try Daemon(configuration: config, logger: .init(label: "test") { _ in SwiftLogNoOpLogHandler() })
        _ = try await later.pollOnce()
        #expect(!FileManager.default.fileExists(atPath: root + "/seen"))
    }
}

/// A daemon killed while a hook batch runs: the batch runs again after the
/// restart. (Saving the cursor before the batch ran would lose it: the kill
/// test alone cannot see that, since its hooks finish in milliseconds.)
@Suite(.timeLimit(.minutes(2))) struct HookKillTests {
    static let daemon = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("tidingsd").path

    @Test func aBatchCutShortByAKillIsDeliveredAfterTheRestart() throws {
        let server = try TestHTTPServer { _ in .ok(HookTests.items) }
        let root = TestPaths.temporaryDirectory("tidings-hookkill")
        try (server.baseURL + "/feed\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        // First run: each hook says it started, then blocks until killed.
        let blocking = root + "/block.sh"
        try "#!/bin/sh\necho $$ >> \(root)/pids\necho \"$TIDINGS_SEQ\" >> \(root)/started\nexec sleep 600\n"
            .write(toFile: blocking, atomically: true, encoding: .utf8)
        // After the restart: each hook records the event it was given.
        let recording = root + "/record.sh"
        try "#!/bin/sh\necho \"$TIDINGS_SEQ $TIDINGS_EVENT $1\" >> \(root)/delivered\n"
            .write(toFile: recording, atomically: true, encoding: .utf8)
        chmod(blocking, 0o755)
        chmod(recording, 0o755)
        for (name, hook) in [("block", blocking), ("record", recording)] {
            try "on_article: [\"\(hook)\"]\nhook_concurrency: 4\nhooks_on_backlog: true\n"
                .write(toFile: root + "/\(name).yaml", atomically: true, encoding: .utf8)
        }
        func arguments(_ config: String) -> [String] {
            ["--once", "--config", root + "/\(config).yaml", "--feeds", root + "/feeds.txt",
             "--state-dir", root + "/state", "--output-dir", root + "/out"]
        }

        // posix_spawn and wait4: Foundation's Process left the killed
        // daemon unreaped here, and waitUntilExit never returned.
        let first = try ChildProcess.spawn(Self.daemon, arguments("block"))
        let deadline = Date().addingTimeInterval(30)
        func started() -> [String] {
            ((try? String(contentsOfFile: root + "/started", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        while started().count < 2, Date() < deadline { usleep(20_000) }
        #expect(started().sorted() == ["1", "2"], "both events of the batch had their hook running")
        kill(first.pid, SIGKILL)
        #expect(first.wait().status == 128 + SIGKILL)
        for pid in ((try? String(contentsOfFile: root + "/pids", encoding: .utf8)) ?? "").split(separator: "\n") {
            if let pid = Int32(pid) { kill(pid, SIGKILL) }
        }

        #expect(try ChildProcess.spawn(Self.daemon, arguments("record")).wait().status == 0)
        let delivered = try String(contentsOfFile: root + "/delivered", encoding: .utf8).split(separator: "\n")
        #expect(delivered.map { $0.split(separator: " ")[0] }.sorted() == ["1", "2"],
                "every event of the killed batch delivered after the restart: \(delivered)")
        let files = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(Set(delivered.map { String($0.split(separator: " ")[2]) }) == Set(files))
    }
}
