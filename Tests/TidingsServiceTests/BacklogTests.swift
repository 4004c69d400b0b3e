import Foundation
import Synchronization
import Testing
import TidingsModel
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A newly added feed does not flood the tools downstream with its whole
/// archive: its first document is journaled as backlog, and hooks skip it
/// unless `hooks_on_backlog: true`.
@Suite(.timeLimit(.minutes(3))) struct BacklogTests {
    @Test func importingManyFeedsStartsNoHookRunsButTheirNextItemsDo() throws {
        let items = Mutex(5)
        let server = try TestHTTPServer { r in
            .ok(OperatorCLITests.rss(String(r.path.dropFirst()), items: items.withLock { $0 }))
        }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-backlog")
        let state = root + "/state", out = root + "/out"
        try (0..<50).map { "\(server.baseURL)/f\($0)" }.joined(separator: "\n")
            .write(toFile: root + "/list.txt", atomically: true, encoding: .utf8)
        let hook = root + "/hook.sh"
        try "#!/bin/sh\necho \"$TIDINGS_EVENT $1\" >> \(root)/hook.log\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        try "on_article: [\"\(hook)\"]\n".write(toFile: root + "/tidings.yaml", atomically: true, encoding: .utf8)
        #expect(try RealFeedsSupport.run(CommandLineTests.cli, ["import", root + "/list.txt", "--state-dir", state]).status == 0)
        func daemon(_ config: String = root + "/tidings.yaml") throws {
            let run = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--config", config, "--state-dir", state,
                                                                         "--output-dir", out])
            #expect(run.status == 0, "\(run.err)")
        }
        try daemon()
        let journal = JournalFiles(outputDirectory: out).events(since: 0)
        #expect(journal.count == 250 && journal.allSatisfy { $0.backlog && $0.event == .created })
        let lines = try RealFeedsSupport.files(under: out + "/journal").map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        #expect(lines.components(separatedBy: "\"backlog\":true").count - 1 == 250)
        #expect(!FileManager.default.fileExists(atPath: root + "/hook.log"), "250 articles of 50 new feeds started hook runs")

        // Each feed gains an item: fifty new articles, fifty hook runs.
        items.withLock { $0 = 6 }
        // As an operator runs it: the CLI reads the daemon's configuration.
        let poll = try RealFeedsSupport.run(CommandLineTests.cli, ["poll", "--state-dir", state, "--output-dir", out],
                                            environment: ["TIDINGS_CONFIG": root + "/tidings.yaml"])
        #expect(poll.status == 0, "\(poll.err)")
        try daemon()
        let runs = try String(contentsOfFile: root + "/hook.log", encoding: .utf8).split(separator: "\n")
        #expect(runs.count == 50 && runs.allSatisfy { $0.hasPrefix("created ") }, "\(runs.count)")
        let later = JournalFiles(outputDirectory: out).events(since: 250)
        #expect(later.count == 50 && later.allSatisfy { !$0.backlog })
    }

    @Test func hooksOnBacklogGivesTheFirstDocumentToHooksToo() throws {
        let server = try TestHTTPServer { _ in .ok(OperatorCLITests.rss("One", items: 3)) }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-backlog-on")
        try "\(server.baseURL)/f\n".write(toFile: root + "/list.txt", atomically: true, encoding: .utf8)
        try "on_article: [\"/bin/sh\", \"-c\", \"echo $1 >> \(root)/hook.log\", \"hook\"]\nhooks_on_backlog: true\n"
            .write(toFile: root + "/tidings.yaml", atomically: true, encoding: .utf8)
        let run = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--config", root + "/tidings.yaml", "--feeds",
                                                                     root + "/list.txt", "--state-dir", root + "/state",
                                                                     "--output-dir", root + "/out"])
        #expect(run.status == 0)
        #expect(try String(contentsOfFile: root + "/hook.log", encoding: .utf8).split(separator: "\n").count == 3)
    }
}
