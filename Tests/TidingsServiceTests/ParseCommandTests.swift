import Foundation
import Testing
import TidingsTestSupport

/// `tidings parse`, the executable, on documents nested a million levels
/// deep: a clean answer (exit 0 with both items, or exit 65 with a
/// message), within 10 s of CPU and 512 MB of peak memory, measured by
/// wait4 on the child (CPU, not wall time: other suites load both cores
/// meanwhile). 200,000 levels used to end in SIGSEGV (exit 139).
@Suite(.serialized, .timeLimit(.minutes(3))) struct ParseCommandTests {
    static let cli = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("tidings").path

    static let cases: [(name: String, document: [UInt8], feed: Bool)] = [
        ("xml-in-description", HostileDocuments.rssDescriptionNestedXML(depth: HostileDocuments.nestingDepth), true),
        ("escaped-html", HostileDocuments.rssDescriptionNestedEscapedHTML(depth: HostileDocuments.nestingDepth), true),
        ("atom-xhtml", HostileDocuments.atomNestedXHTML(depth: HostileDocuments.nestingDepth), true),
        ("json-feed", HostileDocuments.jsonFeedNested(depth: HostileDocuments.nestingDepth), false),
    ]

    @Test(.timeLimit(.minutes(2)), arguments: cases.map(\.name))
    func aMillionLevelsDeepIsACleanAnswerIn10SecondsAnd512MB(name: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.cli), "swift test builds tidings; it is missing")
        let testCase = try #require(Self.cases.first { $0.name == name })
        let directory = TestPaths.temporaryDirectory("tidings-deep")
        let input = directory + "/\(name).doc"
        try Data(testCase.document).write(to: URL(fileURLWithPath: input))
        let usage = try ChildProcess.spawn(Self.cli, ["parse", input], stdout: directory + "/out.json", stderr: directory + "/err.txt").wait()
        #expect(usage.cpu < 10, "\(name): \(usage.cpu) s of CPU")
        #expect(usage.peakMegabytes < 512, "\(name): \(usage.peakMegabytes) MB")
        let error = (try? String(contentsOfFile: directory + "/err.txt", encoding: .utf8)) ?? ""
        if testCase.feed {
            #expect(usage.status == 0, "\(name): exit \(usage.status): \(error)")
            let out = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/out.json")))
            let items = (out as? [String: Any])?["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["title"] as? String } == ["deep", "after"], "\(name)")
        } else {
            #expect(usage.status == 65, "\(name): exit \(usage.status)")
            #expect(error.contains("bad JSON Feed"), "\(name): \(error)")
        }
    }
}
