import Foundation
import Testing
import TidingsModel
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What a new user runs into: a feed or a file that tries to drive the
/// terminal, a shared list that points at the machine itself, pausing a
/// feed, and the small things (`tail --state-dir`, `reindex --help`).
@Suite(.timeLimit(.minutes(3))) struct OperatorSafetyTests {
    static let evilTitle = "Evil \u{1b}]0;pwned\u{07}\u{1b}[31mRED"

    static func site(_ r: TestRequest) -> TestResponse {
        switch r.path {
        case "/evil.json":
            return .ok(#"{"version":"https://jsonfeed.org/version/1.1","title":"Evil \u001b]0;pwned\u0007\u001b[31mRED","#
                       + #""items":[{"id":"e1","title":"Item \u009b31m one\u0085","content_text":"a\u0000b"}]}"#,
                       type: "application/feed+json")
        case "/feed.xml": return .ok(OperatorCLITests.rss("Plain"))
        case "/other.xml": return .ok(OperatorCLITests.rss("Other"))
        case "/page":
            return .ok(OperatorCLITests.page(#"<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">"#),
                       type: "text/html")
        default: return .status(404)
        }
    }

    func tidings(_ arguments: [String], state: String) throws -> CommandLineTests.Run {
        try RealFeedsSupport.run(CommandLineTests.cli, arguments + ["--state-dir", state])
    }

    static func hasControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
    }

    @Test func nothingAFeedSaysReachesTheTerminalOrTheArticleFile() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-evil")
        let state = root + "/state"
        let added = try tidings(["add", server.baseURL + "/evil.json"], state: state)
        #expect(added.status == 0, "\(added.err)")
        #expect(!Self.hasControl(added.out + added.err), "\(added.out.debugDescription)")
        #expect(added.out.contains("Evil ]0;pwned[31mRED"), "\(added.out.debugDescription)")
        let run = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--state-dir", state, "--output-dir", root + "/out"])
        #expect(run.status == 0)
        let files = RealFeedsSupport.files(under: root + "/out/articles")
        #expect(files.count == 1)
        let article = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try #require(files.first))))
        let fields = try #require(article as? [String: Any])
        #expect(fields["title"] as? String == "Item 31m one", "\(String(describing: fields["title"]))")
        for arguments in [["status"], ["status", "--table"], ["status", server.baseURL + "/evil.json"], ["list"]] {
            let shown = try tidings(arguments, state: state)
            #expect(!Self.hasControl(shown.out + shown.err), "\(arguments): \(shown.out.debugDescription)")
        }
        // A title stored before this was fixed, escape codes and all, is
        // shown escaped, as ls shows such a file name.
        let db = try TidingsState(stateDirectory: state)
        try db.apply(TidingsState.Settings(title: Self.evilTitle), to: try #require(try db.all().first).id)
        let escaped = try tidings(["status", "--table"], state: state)
        #expect(escaped.out.contains("Evil \\x1b]0;pwned\\x07\\x1b[31mRED"), "\(escaped.out)")
        #expect(!Self.hasControl(escaped.out))
    }

    @Test func aFileThatIsNeitherOPMLNorAListIsRefusedInOneLine() throws {
        let root = TestPaths.temporaryDirectory("tidings-binary")
        var bytes = [UInt8](repeating: 0, count: 2000)
        for i in bytes.indices { bytes[i] = UInt8((i * 37 + 11) % 256) }
        bytes.replaceSubrange(100..<112, with: Array("\u{1b}]0;pwned\u{07}".utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/binary.bin"))
        try "https://ok.example/feed\n\u{1b}[31mnot a url\n".write(toFile: root + "/words.txt", atomically: true, encoding: .utf8)
        for (file, reason) in [("binary.bin", "binary data"), ("words.txt", "line 2 is not a URL")] {
            let refused = try tidings(["import", root + "/" + file], state: root + "/state")
            #expect(refused.status != 0)
            #expect(refused.err.split(separator: "\n").count == 1 && refused.err.contains(reason), "\(refused.err.debugDescription)")
            #expect(!Self.hasControl(refused.out + refused.err))
        }
        // tidingsd --feeds reads lists by the same rules.
        let daemon = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--feeds", root + "/words.txt",
                                                                        "--state-dir", root + "/state", "--output-dir", root + "/out"])
        #expect(daemon.status != 0 && daemon.err.contains("line 2 is not a URL"), "\(daemon.err)")
    }

    @Test func aSharedListCannotPointTheDaemonAtTheMachineItself() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-shared-opml")
        let state = root + "/state"
        try """
            <?xml version="1.0"?><opml version="2.0"><head><title>Shared</title></head><body>
            <outline text="Fine" xmlUrl="\(server.baseURL)/feed.xml"/>
            <outline text="Passwords" xmlUrl="file:///etc/passwd"/>
            <outline text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data/"/>
            </body></opml>
            """.write(toFile: root + "/shared.opml", atomically: true, encoding: .utf8)
        let refused = try tidings(["import", root + "/shared.opml"], state: state)
        #expect(refused.status != 0)
        #expect(refused.err.contains("file:///etc/passwd: refused: a local file"), "\(refused.err)")
        #expect(refused.err.contains("169.254.169.254/latest/meta-data/: refused: a link-local address"), "\(refused.err)")
        #expect(try tidings(["list"], state: state).out.isEmpty)
        // A page that declares a local file as its feed: not followed.
        let page = try tidings(["add", server.baseURL + "/page"], state: state)
        #expect(page.status == 1, "\(page.out)")
        #expect(try tidings(["list"], state: state).out.isEmpty)
        // The operator may name a local document.
        try OperatorCLITests.rss("Local").write(toFile: root + "/local.xml", atomically: true, encoding: .utf8)
        #expect(try tidings(["add", "file://" + root + "/local.xml"], state: state).status == 0)
    }

    @Test func aPausedFeedIsKeptShownAndNeverFetched() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-pause")
        let state = root + "/state", out = root + "/out"
        let paused = server.baseURL + "/feed.xml", other = server.baseURL + "/other.xml"
        for url in [paused, other] { #expect(try tidings(["add", "--no-check", url], state: state).status == 0) }
        let pause = try tidings(["pause", paused], state: state)
        #expect(pause.status == 0 && pause.out.hasPrefix("paused "), "\(pause.err)")
        #expect(try tidings(["pause", paused], state: state).out.hasPrefix("already paused"))
        func daemon() throws {
            #expect(try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--state-dir", state, "--output-dir", out]).status == 0)
        }
        try daemon()
        #expect(!server.requests.contains { $0.path == "/feed.xml" } && server.requests.contains { $0.path == "/other.xml" })
        let status = try tidings(["status", "--table"], state: state)
        #expect(status.out.contains("1 paused") && status.out.contains("paused"), "\(status.out)")
        #expect(try tidings(["status", paused], state: state).out.contains("never: paused"))
        #expect(try tidings(["list"], state: state).out.contains(paused))
        let resume = try tidings(["resume", paused], state: state)
        #expect(resume.status == 0 && resume.out.hasPrefix("resumed "))
        try daemon()
        #expect(server.requests.contains { $0.path == "/feed.xml" })
    }

    @Test func theSmallThingsANewUserTries() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-small")
        let state = root + "/state"
        #expect(try tidings(["add", server.baseURL + "/feed.xml", "--interval", "3d"], state: state).status == 0)
        let run = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--state-dir", state, "--output-dir", root + "/out"])
        #expect(run.status == 0)
        // tail takes --state-dir, and finds the journal where that daemon writes.
        let tail = try tidings(["tail"], state: state)
        #expect(tail.status == 0 && tail.lines.count == 3, "\(tail.out) \(tail.err)")
        // reindex --help shows its text, not doubled backslashes.
        let help = try RealFeedsSupport.run(CommandLineTests.cli, ["reindex", "--help"])
        #expect(help.status == 0 && !help.out.contains("\\") && help.out.contains("Every article file holds"), "\(help.out)")
        // Long commands show progress on a terminal (here a pseudo-terminal,
        // by script(1)), and say nothing of it when piped.
        let reindex = "\(CommandLineTests.cli) reindex --state-dir \(state) --output-dir \(root)/out"
        let onTerminal = try RealFeedsSupport.run("/usr/bin/script", ["-qefc", reindex, "/dev/null"])
        #expect(onTerminal.status == 0 && onTerminal.out.contains("reindex: 3 of 3 files (100%)"), "\(onTerminal.out.debugDescription)")
        let piped = try tidings(["reindex", "--output-dir", root + "/out"], state: state)
        #expect(piped.status == 0 && piped.err.isEmpty && piped.out.hasPrefix("reindexed 3 articles"), "\(piped.err)")
        let poll = "\(CommandLineTests.cli) poll --state-dir \(state) --output-dir \(root)/out"
        let polled = try RealFeedsSupport.run("/usr/bin/script", ["-qefc", poll, "/dev/null"])
        #expect(polled.status == 0 && polled.out.contains("poll: 1 of 1 feeds (100%)"), "\(polled.out.debugDescription)")
        // NEXT POLL in one form, three days (±10%) away as three minutes would be.
        let status = try tidings(["status"], state: state)
        let next = try #require(status.lines.dropFirst().first?.split(separator: "\t")[4])
        #expect(next.hasPrefix("in 2d") || next.hasPrefix("in 3d"), "\(next)")
    }
}
