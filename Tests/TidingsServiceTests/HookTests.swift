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

    func fixture(hook: [String], configure: (inout Configuration) -> Void = { _ in }) throws
        -> (DaemonFixture, Daemon, TestHTTPServer) {
        let server = try TestHTTPServer { _ in .ok(Self.items) }
        var config = DaemonFixture().configuration
        config.onArticle = hook
        config.hookRetrySeconds = 0.05
        configure(&config)
        let fixture = DaemonFixture(root: String(config.stateDirectory.dropLast("/state".count)), configuration: config)
        let daemon = try fixture.daemon()
        _ = try FeedRegistry(stateDirectory: config.stateDirectory).add(url: server.baseURL + "/feed")
        return (fixture, daemon, server)
    }

    @Test func theHookIsGivenTheFileAndTheEventWithoutAShell() async throws {
        let root = TestPaths.temporaryDirectory()
        let log = root + "/seen"
        // `$1` is the file: the program is run directly, `sh` only because
        // this hook is a one-line script.
        let script = #"printf '%s|%s|%s|%s|%s\n' "$TIDINGS_EVENT" "$TIDINGS_SEQ" "$TIDINGS_ARTICLE_ID" "$TIDINGS_FEED_URL" "$1" >> "#
            + log
        let (f, daemon, server) = try fixture(hook: ["/bin/sh", "-c", script, "hook"])
        _ = try await daemon.pollOnce()
        let failures = try FeedRegistry(stateDirectory: f.configuration.stateDirectory, readOnly: true).hookFailures()
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

    @Test func aFailingHookIsRetriedThenRecordedAndSkipped() async throws {
        let root = TestPaths.temporaryDirectory()
        let log = root + "/tries"
        let (f, daemon, _) = try fixture(hook: ["/bin/sh", "-c", "echo try >> \(log); echo 'no mail server' >&2; exit 3", "hook"]) {
            $0.hookMaximumAttempts = 3
        }
        _ = try await daemon.pollOnce()
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 6, "3 tries for each of 2 events")
        let failures = try FeedRegistry(stateDirectory: f.configuration.stateDirectory, readOnly: true).hookFailures()
        #expect(failures.count == 2)
        #expect(failures.latest.first?.attempts == 3)
        #expect(failures.latest.first?.error == "exit status 3: no mail server")
        // The operator sees it.
        let status = try CommandLineTests.tidings("status", state: f.configuration.stateDirectory)
        #expect(status.status == 0)
        #expect(status.err.contains("the on_article hook gave up on 2 journal event(s)"), "\(status.err)")
        #expect(status.err.contains("after 3 tries"))
    }

    @Test func aHookThatHangsIsKilledAtItsTimeout() async throws {
        let root = TestPaths.temporaryDirectory()
        // The hook notes when it started, then hangs.
        let (f, daemon, _) = try fixture(hook: ["/bin/sh", "-c", "date +%s.%N >> \(root)/started; sleep 60", "hook"]) {
            $0.hookTimeoutSeconds = 0.3
            $0.hookMaximumAttempts = 1
        }
        _ = try await daemon.pollOnce()
        let failures = try FeedRegistry(stateDirectory: f.configuration.stateDirectory, readOnly: true).hookFailures()
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

    @Test func aHookAddedLaterStartsFromThereNotFromTheBeginning() async throws {
        let root = TestPaths.temporaryDirectory()
        let (f, daemon, _) = try fixture(hook: [])
        _ = try await daemon.pollOnce()
        var config = f.configuration
        config.onArticle = ["/bin/sh", "-c", "echo \"$1\" >> \(root)/seen", "hook"]
        let later = try Daemon(configuration: config, logger: .init(label: "test") { _ in SwiftLogNoOpLogHandler() })
        _ = try await later.pollOnce()
        #expect(!FileManager.default.fileExists(atPath: root + "/seen"))
    }
}
