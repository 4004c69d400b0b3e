import Foundation
import Testing
import TidingsParsing
import TidingsTestSupport

/// Parses every bundled sample and, when it is beside the repository, every
/// document of the conformance corpus. `make asan` runs this under
/// AddressSanitizer: the point is no crash and no memory error, whatever the
/// document; the counts guard against the sweep silently finding nothing.
@Suite struct CorpusSweepTests {
    static let conformance = TestPaths.repository + "/../shared/conformance/feedparser"

    @Test func bundledSamplesParse() throws {
        let files = TestPaths.files(under: TestPaths.feeds + "/samples", suffix: "")
        #expect(files.count >= 3)
        for file in files {
            let doc = try FeedParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))), url: "https://example.com/")
            #expect(!doc.entries.isEmpty, "\(file)")
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: conformance)))
    func conformanceCorpusParsesWithoutCrashing() throws {
        let files = TestPaths.files(under: Self.conformance, suffix: ".xml")
        var parsed = 0
        for file in files {
            if (try? FeedParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))) != nil { parsed += 1 }
        }
        #expect(files.count == 1100)
        #expect(parsed > 1000)
    }
}
