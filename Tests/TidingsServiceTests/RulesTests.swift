import Foundation
import Synchronization
import Testing
import TidingsModel
import TidingsStore
import TidingsTestSupport

/// Keep and drop rules as an operator writes them in the configuration:
/// what they drop is not written, journaled or given to hooks; lifted,
/// they let through what the feed still carries, and only that.
@Suite(.timeLimit(.minutes(3))) struct RulesTests {
    static func rss(_ items: [(String, String)]) -> String {
        var s = "<rss version=\"2.0\"><channel><title>Mixed</title><link>https://site.example/</link>"
        for (title, tag) in items {
            s += "<item><guid>\(title)</guid><title>\(title)</title><category>\(tag)</category></item>"
        }
        return s + "</channel></rss>"
    }

    @Test func droppedItemsAreNotWrittenJournaledOrHookedAndComeBackOnlyIfStillCarried() throws {
        let items = Mutex([("Hello world", "misc"), ("Sponsored: buy this", "ads"), ("Weekly ADVERTISEMENT", "ads"),
                           ("Swift 7 released", "swift"), ("Linux news", "linux")])
        let server = try TestHTTPServer { r in
            r.path.hasPrefix("/mixed.xml") ? .ok(Self.rss(items.withLock { $0 })) : .status(404)
        }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-rules")
        let state = root + "/state", out = root + "/out"
        let feed = server.baseURL + "/mixed.xml"
        let tech = server.baseURL + "/mixed.xml?tech"
        #expect(try RealFeedsSupport.run(CommandLineTests.cli, ["add", "--no-check", feed, "--state-dir", state]).status == 0)
        #expect(try RealFeedsSupport.run(CommandLineTests.cli, ["add", "--no-check", tech, "--category", "News/Tech",
                                                                "--state-dir", state]).status == 0)
        try """
            on_article: ["/bin/sh", "-c", "echo $1 >> \(root)/hook.log", "hook"]
            hooks_on_backlog: true
            rules:
              - drop: "sponsored|advertisement"
              - keep: "^swift$"
                field: tag
                categories: [News]
              - drop: "LINUX"
                case_sensitive: true
            """.write(toFile: root + "/rules.yaml", atomically: true, encoding: .utf8)
        try "on_article: [\"/bin/sh\", \"-c\", \"echo $1 >> \(root)/hook.log\", \"hook\"]\nhooks_on_backlog: true\n"
            .write(toFile: root + "/none.yaml", atomically: true, encoding: .utf8)
        func daemon(_ config: String) throws {
            let run = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--config", root + "/" + config,
                                                                         "--state-dir", state, "--output-dir", out])
            #expect(run.status == 0, "\(run.err)")
        }
        func titles() throws -> Set<String> {
            Set(try RealFeedsSupport.files(under: out + "/articles").map {
                let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: $0))) as? [String: Any]
                return object?["title"] as? String ?? ""
            })
        }

        // What the rules would do, changing nothing.
        let test = try RealFeedsSupport.run(CommandLineTests.cli, ["rules", "test", feed, "--config", root + "/rules.yaml",
                                                                   "--state-dir", state])
        #expect(test.status == 0, "\(test.err)")
        #expect(test.out.contains("DROP  Sponsored: buy this  (drop title ~ /sponsored|advertisement/i)"), "\(test.out)")
        #expect(test.out.contains("KEEP  Linux news") && test.out.contains("3 kept, 2 dropped"), "\(test.out)")
        #expect(try TidingsState(stateDirectory: state, readOnly: true).find(feed)?.lastPollAt == nil)
        #expect(!FileManager.default.fileExists(atPath: out))

        try daemon("rules.yaml")
        // Mixed: three kept. Tech (in News/Tech): only the item tagged swift.
        #expect(try titles() == ["Hello world", "Swift 7 released", "Linux news"])
        let journal = JournalFiles(outputDirectory: out).events(since: 0)
        // Created: the three kept, and the tech feed's swift item (a guid
        // without a link: its own story). Nothing for a dropped item.
        #expect(journal.filter { $0.event == .created }.count == 4)
        #expect(RealFeedsSupport.files(under: out + "/articles").count == 4)
        let written = Set(RealFeedsSupport.files(under: out + "/articles").map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
        #expect(Set(journal.map(\.id)).isSubset(of: written))
        let hooked = try String(contentsOfFile: root + "/hook.log", encoding: .utf8).split(separator: "\n")
        #expect(hooked.count == 4, "\(hooked)")
        let detail = try RealFeedsSupport.run(CommandLineTests.cli, ["status", feed, "--state-dir", state])
        #expect(detail.out.contains("dropped 2 item(s) of the last document"), "\(detail.out)")
        let techDetail = try RealFeedsSupport.run(CommandLineTests.cli, ["status", tech, "--state-dir", state])
        #expect(techDetail.out.contains("dropped 4 item(s)"), "\(techDetail.out)")

        // The advertisement leaves the feed; then the rules are lifted.
        items.withLock { $0.remove(at: 2) }
        try daemon("none.yaml")
        #expect(try titles() == ["Hello world", "Swift 7 released", "Linux news", "Sponsored: buy this"])
    }

    @Test func anInvalidRuleIsRefusedWithWhereItIsWrong() throws {
        let root = TestPaths.temporaryDirectory("tidings-bad-rule")
        try "rules:\n  - drop: \"free (money\"\n  - keep: x\n    field: body\n".write(toFile: root + "/bad.yaml", atomically: true, encoding: .utf8)
        let check = try RealFeedsSupport.run(CommandLineTests.daemon, ["--check-config", root + "/bad.yaml"])
        #expect(check.status != 0)
        #expect(check.err.contains("rules[1].drop \"free (money\" is not a valid regular expression at position 12"), "\(check.err)")
        #expect(check.err.contains("rules[2].field must be one of title, content, summary, author, tag, link"), "\(check.err)")
    }
}
