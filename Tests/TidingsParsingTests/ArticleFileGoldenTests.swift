import Foundation
import Testing
import TidingsModel
import TidingsParsing
import TidingsTestSupport

/// The article file is the product: a document parsed, normalized and
/// encoded must give, byte for byte, the file written by hand next to it.
/// Only the two digests are filled in, from independent computations: the
/// id is SHA-256 of the documented primary key (the canonical link, written
/// out here by hand; SHA-256 is checked against known vectors elsewhere),
/// the content hash is whatever the digest says, checked for shape. A change to the format shows up here and must bump the schema.
@Suite struct ArticleFileGoldenTests {
    static let directory = Bundle.module.resourcePath! + "/Fixtures/articles"

    @Test func podcastEpisodeEncodesToTheDocumentedFile() throws {
        let input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/rss20_podcast_episode.xml")))
        let document = try FeedParser.parse(input, url: "https://nightshift.example.com/feed.rss")
        let feed = FeedIdentity(id: "00000000000000aa", url: "https://nightshift.example.com/feed.rss",
                                title: document.title, homePageURL: document.homePageURL)
        let seen = Date(timeIntervalSince1970: 1_795_759_200)  // 2026-11-27T06:00:00Z
        let article = Article.make(from: try #require(document.entries.first), feed: feed, seenAt: seen)
        let bytes = try Article.encoder().encode(article)

        // The item's link identifies it (one item, not the home page): the
        // id comes from its canonical form, the same in every feed.
        let id = String(SHA256.hex("link\n//nightshift.example.com/12").prefix(32))
        #expect(article.tidings.contentHash.count == 32)
        var expected = try String(contentsOfFile: Self.directory + "/rss20_podcast_episode.article.json", encoding: .utf8)
        expected = expected.replacingOccurrences(of: "@id@", with: id)
            .replacingOccurrences(of: "@content_hash@", with: article.tidings.contentHash)
        #expect(String(decoding: bytes, as: UTF8.self) + "\n" == expected)

        let validator = try JSONSchemaValidator(schemaAt: TestPaths.articleSchema)
        #expect(validator.errors(for: try JSONSerialization.jsonObject(with: bytes)).isEmpty)
    }
}
