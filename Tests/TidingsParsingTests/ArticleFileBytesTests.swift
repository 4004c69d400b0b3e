import Foundation
import Testing
import TidingsModel
import TidingsParsing
import TidingsTestSupport

/// Article files are written directly (`Article.fileBytes`), not through
/// `JSONEncoder`: every article of the bundled samples, the fixtures and
/// the conformance corpus must come out byte for byte as the encoder
/// writes it, explicit nulls, escapes, numbers and empty lists included.
@Suite struct ArticleFileBytesTests {
    static let feed = FeedIdentity(id: "00000000000000aa", url: "https://example.com/feed", title: "Feed \"1\"",
                                   homePageURL: nil)
    static let seen = Date(timeIntervalSince1970: 1_795_759_200)

    /// How many articles differ, with the first difference.
    static func compare(_ files: [String]) throws -> (articles: Int, differing: [String]) {
        let encoder = Article.encoder()
        var count = 0
        var differing: [String] = []
        for file in files {
            guard let document = try? FeedParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))),
                                                       url: "https://example.com/feed") else { continue }
            for (i, entry) in document.entries.enumerated() {
                var article = Article.make(from: entry, feed: feed, seenAt: seen)
                if i % 2 == 1 {
                    article.tidings.sources.append(.init(feedID: "00000000000000bb", feedURL: "https://other.example/rss",
                                                         guid: nil, url: "https://other.example/\(i)"))
                    article.tidings.revision = 3
                }
                let expected = [UInt8](try encoder.encode(article)) + [0x0A]
                count += 1
                if article.fileBytes() != expected, differing.count < 3 {
                    differing.append("\(file) #\(i):\n\(String(decoding: article.fileBytes(), as: UTF8.self))\n---\n"
                                     + String(decoding: expected, as: UTF8.self))
                }
            }
        }
        return (count, differing)
    }

    @Test func samplesAndFixturesAreWrittenAsTheEncoderWritesThem() throws {
        let fixtures = Bundle.module.resourcePath! + "/Fixtures"
        let files = TestPaths.files(under: TestPaths.feeds + "/samples", suffix: "")
            + TestPaths.files(under: fixtures, suffix: "").filter { !$0.hasSuffix(".json") }
        let result = try Self.compare(files)
        #expect(result.articles >= 40, "\(result.articles) articles")
        #expect(result.differing.isEmpty, "\(result.differing.first ?? "")")
    }

    @Test(.enabled(if: CorpusSweepTests.corpusPresent || TestPaths.inCI))
    func theConformanceCorpusIsWrittenAsTheEncoderWritesIt() throws {
        let result = try Self.compare(try CorpusSweepTests.corpus())
        #expect(result.articles >= 400, "\(result.articles) articles")
        #expect(result.differing.isEmpty, "\(result.differing.first ?? "")")
    }

    @Test func escapesAndNumbersAreTheEncoders() throws {
        var entry = Entry(url: "https://example.com/a?b=\"c\"&d=\\e", title: "tab\there\u{1}\u{1f}\u{7f} é \u{2028} 😀 </script>")
        entry.attachments = [Attachment(url: "https://example.com/a.mp3", sizeInBytes: 123_456_789_012,
                                        durationInSeconds: 3600),
                             Attachment(url: "https://example.com/b.mp3", durationInSeconds: 12.25),
                             Attachment(url: "https://example.com/c.mp3", durationInSeconds: 1e21)]
        entry.tags = ["a\nb", ""]
        entry.authors = [Author(name: "N\r\u{8}\u{c}")]
        let article = Article.make(from: entry, feed: Self.feed, seenAt: Self.seen)
        #expect(String(decoding: article.fileBytes(), as: UTF8.self)
                == String(decoding: try Article.encoder().encode(article), as: UTF8.self) + "\n")
    }
}
