import Foundation
import Testing
import TidingsModel
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The daemon killed with SIGKILL at random moments while it writes: after
/// every kill, every file under `articles/` is a whole, valid article; after
/// a final run, every article is there exactly once, the journal has every
/// seq once and in order with one `created` per article file, and a hook
/// that appends its argument to a file has seen every created article.
/// Runs the real `tidingsd` binary that `swift test` builds beside the
/// test bundle.
@Suite(.timeLimit(.minutes(5))) struct CrashSafetyTests {
    static let daemon = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("tidingsd").path

    static let feeds = 300
    static let itemsPerFeed = 4

    /// Feed n's items; its first item is also the second item of feed n+1's
    /// neighbour, so stories shared across feeds are in the mix.
    static func feed(_ n: Int) -> String {
        var s = "<rss version=\"2.0\"><channel><title>Feed \(n)</title><link>https://f\(n).example/</link>"
        for i in 0..<itemsPerFeed {
            let story = i == itemsPerFeed - 1 && n > 0 ? "https://f\(n - 1).example/0?utm_source=f\(n)" : "https://f\(n).example/\(i)"
            s += "<item><guid>f\(n)-\(i)</guid><title>Item \(i) of \(n)</title><link>\(story)</link>"
            s += "<description>&lt;p&gt;" + String(repeating: "Paragraph text for item \(i). ", count: 20) + "&lt;/p&gt;</description></item>"
        }
        return s + "</channel></rss>"
    }

    /// Distinct stories: every item, less the ones that repeat a neighbour's.
    static var stories: Int { feeds * itemsPerFeed - (feeds - 1) }

    @Test func killedAtRandomItNeverLeavesAPartialFileAndLosesNothing() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.daemon), "swift test builds tidingsd; it is missing")
        // Each answer takes 5 ms (two at a time: the per-host limit), so that
        // a whole run (300 feeds, 0.75 s) outlasts the longest wait before a
        // kill below (0.49 s), however fast tidingsd gets.
        let server = try TestHTTPServer { request in
            usleep(5_000)
            return .ok(Self.feed(Int(request.path.dropFirst(2)) ?? 0))
        }
        let root = TestPaths.temporaryDirectory("tidings-kill")
        let list = (0..<Self.feeds).map { "\(server.baseURL)/f\($0)" }.joined(separator: "\n")
        try list.write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let hook = root + "/hook.sh"
        try "#!/bin/sh\necho \"$TIDINGS_EVENT $TIDINGS_SEQ $1\" >> \(root)/hook.log\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        try "on_article: [\"\(hook)\"]\nhook_concurrency: 4\nhooks_on_backlog: true\n".write(toFile: root + "/tidings.yaml", atomically: true, encoding: .utf8)
        let arguments = ["--once", "--config", root + "/tidings.yaml", "--feeds", root + "/feeds.txt",
                         "--state-dir", root + "/state", "--output-dir", root + "/out"]
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.articleSchema)

        var kills = 0
        var killedMidway = 0
        for round in 0..<50 {
            let p = try Self.start(arguments)
            usleep(UInt32.random(in: 20_000...(100_000 + UInt32(round) * 8_000)))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
            let present = try Self.checkEveryFileIsWhole(root, validator).count
            if p.terminationReason == .uncaughtSignal, present > 0, present < Self.stories { killedMidway += 1 }
        }
        let last = try Self.start(arguments)
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)
        let files = try Self.checkEveryFileIsWhole(root, validator)
        #expect(kills >= 50)
        #expect(killedMidway >= 1, "no kill landed while articles were being written")
        #expect(files.count == Self.stories)
        let ids = Set(files.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
        #expect(ids.count == Self.stories, "an article was written twice under different dates")

        // The journal: every seq once, in order, from 1; one `created` per file.
        let journal = try Self.journal(root)
        #expect(journal.map(\.seq) == Array(1...Int64(journal.count)), "a gap or a repeated seq")
        let created = journal.filter { $0.event == "created" }
        #expect(created.count == files.count)
        #expect(Set(created.map(\.id)) == ids)
        let shared = journal.filter { $0.event == "source_added" }
        #expect(shared.count == Self.feeds - 1, "each story carried by two feeds joined once")

        // The hook saw every created article at least once.
        let seen = try String(contentsOfFile: root + "/hook.log", encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("created ") }.compactMap { $0.split(separator: " ").last.map(String.init) }
        let seenIDs = Set(seen.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
        #expect(ids.subtracting(seenIDs).isEmpty, "\(ids.subtracting(seenIDs).count) created articles never reached the hook")
    }

    struct Line: Decodable { var seq: Int64; var event: String; var id: String }

    static func journal(_ root: String) throws -> [Line] {
        let directory = root + "/out/journal"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }.sorted()
        return try names.flatMap { name in
            try String(contentsOfFile: directory + "/" + name, encoding: .utf8).split(separator: "\n").map {
                try JSONDecoder().decode(Line.self, from: Data($0.utf8))
            }
        }
    }

    static func start(_ arguments: [String]) throws -> Process {
        try QuietProcess.start(daemon, arguments)
    }

    /// Every file in the article tree is an article that validates; nothing else is there.
    @discardableResult
    static func checkEveryFileIsWhole(_ root: String, _ validator: JSONSchemaValidator) throws -> [String] {
        let all = TestPaths.files(under: root + "/out/articles", suffix: "")
        let articles = all.filter { $0.hasSuffix(".json") }
        #expect(all.count == articles.count, "stray files: \(all.filter { !$0.hasSuffix(".json") })")
        for file in articles {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let object = try? JSONSerialization.jsonObject(with: data)
            #expect(object != nil, "partial file \(file)")
            if let object { #expect(validator.errors(for: object).isEmpty, "\(file)") }
        }
        return articles
    }
}
