import Foundation
import Testing
import TidingsModel
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The daemon killed with SIGKILL at random moments while it writes: after
/// every kill, every file under `articles/` is a whole, valid article; after
/// a final run, every article is there exactly once. Runs the real `tidingsd`
/// binary that `swift test` builds beside the test bundle.
@Suite(.timeLimit(.minutes(5))) struct CrashSafetyTests {
    static let daemon = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("tidingsd").path

    static func feed(_ n: Int) -> String {
        var s = "<rss version=\"2.0\"><channel><title>Feed \(n)</title><link>https://f\(n).example/</link>"
        for i in 0..<25 {
            s += "<item><guid>f\(n)-\(i)</guid><title>Item \(i) of \(n)</title><link>https://f\(n).example/\(i)</link>"
            s += "<description>&lt;p&gt;" + String(repeating: "Paragraph text for item \(i). ", count: 20) + "&lt;/p&gt;</description></item>"
        }
        return s + "</channel></rss>"
    }

    @Test func killedAtRandomItNeverLeavesAPartialFileAndLosesNothing() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.daemon), "swift test builds tidingsd; it is missing")
        let server = try TestHTTPServer { request in .ok(Self.feed(Int(request.path.dropFirst(2)) ?? 0)) }
        let root = TestPaths.temporaryDirectory("tidings-kill")
        let list = (0..<40).map { "\(server.baseURL)/f\($0)" }.joined(separator: "\n")
        try list.write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let arguments = ["--once", "--feeds", root + "/feeds.txt", "--state-dir", root + "/state", "--output-dir", root + "/out"]
        let validator = try JSONSchemaValidator(schemaAt: TestPaths.articleSchema)

        var kills = 0
        var killedMidway = 0
        for round in 0..<8 {
            let p = try Self.start(arguments)
            usleep(UInt32.random(in: 30_000...(150_000 + UInt32(round) * 40_000)))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
            let present = try Self.checkEveryFileIsWhole(root, validator).count
            if p.terminationReason == .uncaughtSignal, present > 0, present < 1000 { killedMidway += 1 }
        }
        let last = try Self.start(arguments)
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)
        let files = try Self.checkEveryFileIsWhole(root, validator)
        #expect(kills >= 1)
        #expect(killedMidway >= 1, "no kill landed while articles were being written")
        #expect(files.count == 1000)
        let ids = Set(files.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
        #expect(ids.count == 1000, "an article was written twice under different dates")
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
