import Foundation
import Testing
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The write path against a power loss, tested the way crash-consistency
/// work tests storage (ALICE, OSDI '14; CrashMonkey, OSDI '18): a real
/// round of `tidingsd --once` with a hook is traced with `strace`, and
/// `Tests/power_loss.py` replays its file system calls on a model where
/// what was not synced can be lost. It checks docs/durability.md's order
/// at the calls where it matters, then builds every state a power loss at
/// a sync call could leave (only what was synced; renames kept but unsynced
/// data lost; everything), starts the daemon on each and checks the
/// journal's promises there (no gap, no repeated seq, one `created` per
/// file, every line's file whole, every story there, hooks consistent with
/// the journal and run at least once). A kill test cannot see a missing
/// sync; this can.
@Suite(.timeLimit(.minutes(5))) struct PowerLossTests {
    static let strace = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let daemon = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("tidingsd").path

    /// Feed n: three items, its last one the neighbour's first story (under
    /// another guid), so groups hold `created` and `source_added` alike.
    static func feed(_ n: Int) -> String {
        var s = "<rss version=\"2.0\"><channel><title>Feed \(n)</title><link>https://f\(n).example/</link>"
        for i in 0..<3 {
            let link = i == 2 && n > 0 ? "https://f\(n - 1).example/0" : "https://f\(n).example/\(i)"
            s += "<item><guid>f\(n)-\(i)</guid><title>Item \(i) of \(n)</title><link>\(link)</link>"
            s += "<description>Text of item \(i) of feed \(n).</description></item>"
        }
        return s + "</channel></rss>"
    }

    static let feeds = 5
    static var stories: Int { feeds * 3 - (feeds - 1) }

    struct Order: Decodable { var problems: [String]; var syncs: Int; var articles_created: Int }
    struct Run: Decodable { var states: Int; var kinds: [String: Int]; var problems: [String] }

    @Test(.enabled(if: strace != nil || TestPaths.inCI))
    func everyStateAPowerLossCanLeaveKeepsTheJournalsPromises() throws {
        let strace = try #require(Self.strace, "CI must install Debian's strace for this test")
        let server = try TestHTTPServer { request in .ok(Self.feed(Int(request.path.dropFirst(2)) ?? 0)) }
        let top = TestPaths.temporaryDirectory("tidings-power")
        let root = top + "/root"
        for directory in [root + "/state", root + "/out", top + "/snapshot/state", top + "/snapshot/out"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let list = (0..<Self.feeds).map { "\(server.baseURL)/f\($0)" }.joined(separator: "\n")
        try list.write(toFile: top + "/feeds.txt", atomically: true, encoding: .utf8)
        let hook = "echo \"$TIDINGS_SEQ $TIDINGS_EVENT $1\" >> \(top)/hook.log"
        try "on_article: [\"/bin/sh\", \"-c\", \"\(hook.replacingOccurrences(of: "\"", with: "\\\""))\", \"hook\"]\nhooks_on_backlog: true\n"
            .write(toFile: top + "/tidings.yaml", atomically: true, encoding: .utf8)

        let traced = try ChildProcess.spawn(strace, [
            "-f", "-qq", "-y", "-xx", "-v", "-s", "4000000", "-o", top + "/trace",
            "-e", "trace=openat,write,pwrite64,ftruncate,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,"
                + "fsync,fdatasync,syncfs,execve",
            Self.daemon, "--once", "--config", top + "/tidings.yaml", "--feeds", top + "/feeds.txt",
            "--state-dir", root + "/state", "--output-dir", root + "/out",
        ]).wait()
        #expect(traced.status == 0)
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == Self.stories)

        let common = ["--trace", top + "/trace", "--root", root, "--snapshot", top + "/snapshot"]
        let order = try Self.powerLoss(["order"] + common, top: top, as: Order.self)
        #expect(order.problems.isEmpty, "\(order.problems.prefix(5))")
        #expect(order.articles_created == Self.stories)
        print("power loss: a traced round made \(order.articles_created) articles with \(order.syncs) syncs")

        let run = try Self.powerLoss(["run"] + common + [
            "--work", top + "/states", "--daemon", Self.daemon, "--feeds", top + "/feeds.txt",
            "--stories", String(Self.stories),
        ], top: top, as: Run.self)
        #expect(run.problems.isEmpty, "\(run.problems.count) problems: \(run.problems.prefix(5))")
        // Every kind of state was built and checked, not only the easy ones.
        #expect(run.states >= 20, "only \(run.states) states")
        for kind in ["synced", "renames-kept", "all"] { #expect(run.kinds[kind, default: 0] >= 5, "\(kind): \(run.kinds)") }
        print("power loss: \(run.states) states checked \(run.kinds)")
    }

    static func powerLoss<T: Decodable>(_ arguments: [String], top: String, as type: T.Type) throws -> T {
        let output = top + "/power_loss.out"
        let done = try ChildProcess.spawn("/usr/bin/env", ["python3", TestPaths.repository + "/Tests/power_loss.py"] + arguments,
                                          stdout: output, stderr: top + "/power_loss.err").wait()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let errors = (try? String(contentsOfFile: top + "/power_loss.err", encoding: .utf8)) ?? ""
        let last = try #require(text.split(separator: "\n").last,
                                "power_loss.py \(arguments[0]) exited \(done.status): \(errors.suffix(2000))")
        return try JSONDecoder().decode(T.self, from: Data(last.utf8))
    }
}
