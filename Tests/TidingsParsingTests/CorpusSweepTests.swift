import Foundation
import Testing
import TidingsParsing
import TidingsTestSupport

/// Parses every bundled sample and, when it is beside the repository, every
/// document of the conformance corpus. `make asan` runs this under
/// AddressSanitizer: the point is no crash and no memory error, whatever the
/// document; the counts guard against the sweep silently finding nothing.
@Suite(.timeLimit(.minutes(5))) struct CorpusSweepTests {

    @Test func bundledSamplesParse() throws {
        let files = TestPaths.files(under: TestPaths.feeds + "/samples", suffix: "")
        #expect(files.count >= 3)
        for file in files {
            let doc = try FeedParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))), url: "https://example.com/")
            #expect(!doc.entries.isEmpty, "\(file)")
        }
    }

    /// The corpus follows `CONFORMANCE` as `make` does; in CI a missing
    /// corpus fails here instead of skipping.
    static let conformance = TestPaths.conformanceDocuments
    static let corpusPresent = FileManager.default.fileExists(atPath: conformance)

    @Test(.enabled(if: corpusPresent || TestPaths.inCI))
    func conformanceCorpusParsesWithoutCrashing() throws {
        let files = try Self.corpus()
        var parsed = 0
        for file in files {
            if (try? FeedParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))) != nil { parsed += 1 }
        }
        #expect(parsed > 1000)
    }

    /// libxml2 is set up once before any parse runs, and nothing in the
    /// parser is shared between parses: eight tasks, each parsing the whole
    /// corpus in its own order at the same time, get exactly what one
    /// serial pass gets.
    @Test(.enabled(if: corpusPresent || TestPaths.inCI))
    func concurrentParsesGiveTheSerialResults() async throws {
        let documents = try Self.corpus().map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let serial = documents.map { try? FeedParser.parse($0, url: "https://corpus.example/feed") }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for step in documents.indices {
                        let i = (step * 7 + task * documents.count / 8) % documents.count
                        if (try? FeedParser.parse(documents[i], url: "https://corpus.example/feed")) != serial[i] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(serial.compactMap { $0 }.count > 1000)
        #expect(mismatches == 0, "\(mismatches) of \(8 * documents.count) concurrent parses differ from the serial one")
    }

    static func corpus() throws -> [String] {
        let files = TestPaths.files(under: conformance, suffix: ".xml")
        try #require(files.count == 1100, "expected the 1,100 documents of the conformance corpus at \(conformance), found \(files.count)")
        return files
    }
}
