import Foundation
import Testing
import TidingsModel

@Suite struct ArticleJSONTests {
    let feed = FeedIdentity(id: "0123456789abcdef", url: "https://example.com/feed", title: "Example")

    func json(_ article: Article) throws -> [String: Any] {
        let data = try Article.encoder().encode(article)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func everyKeyIsWrittenAndUnknownIsNull() throws {
        let article = Article.make(from: Entry(guid: "1"), feed: feed, seenAt: Date(timeIntervalSince1970: 0))
        let object = try json(article)
        for key in ["id", "url", "external_url", "title", "summary", "content_html", "content_text", "image",
                    "date_published", "date_modified", "authors", "tags", "language", "attachments", "_tidings"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
        #expect(object["title"] is NSNull)
        #expect((object["authors"] as? [Any])?.isEmpty == true)
    }

    @Test func datesAreRFC3339UTC() throws {
        let entry = Entry(guid: "1", datePublished: Date(timeIntervalSince1970: 1_072_865_695))
        let object = try json(Article.make(from: entry, feed: feed, seenAt: Date(timeIntervalSince1970: 86_400 * 365)))
        #expect(object["date_published"] as? String == "2003-12-31T10:14:55Z")
        let meta = try #require(object["_tidings"] as? [String: Any])
        #expect(meta["first_seen"] as? String == "1971-01-01T00:00:00Z")
        #expect(meta["schema"] as? Int == 1)
        #expect(meta["guid"] as? String == "1")
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"), (-1.0, "1969-12-31T23:59:59Z"), (951_782_400.5, "2000-02-29T00:00:00Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"), (-59_011_459_200, "0100-01-01T00:00:00Z"),
        (253_402_300_800, "10000-01-01T00:00:00Z"),
    ])
    func timestampsAreWholeSecondsWithFourDigitYears(seconds: Double, text: String) {
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == text)
        #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test func timestampsReadFractionsAndRejectImpossibleDays() {
        #expect(Timestamp.parse("2003-12-31T10:14:55.25Z") == Date(timeIntervalSince1970: 1_072_865_695.25))
        #expect(Timestamp.parse("2003-12-31T10:14:55+01:00") == Date(timeIntervalSince1970: 1_072_862_095))
        #expect(Timestamp.parse("2023-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("2003-12-31 10:14:55Z") == nil)
    }

    @Test func roundTripsThroughJSON() throws {
        let entry = Entry(guid: "g", url: "https://example.com/a", title: "T", summary: "S",
                          contentHTML: "<p>c</p>", contentText: "c", datePublished: Date(timeIntervalSince1970: 1000),
                          authors: [Author(name: "N", email: "n@example.com")], tags: ["x"],
                          attachments: [Attachment(url: "https://example.com/a.mp3", mimeType: "audio/mpeg", sizeInBytes: 5)])
        let article = Article.make(from: entry, feed: feed, seenAt: Date(timeIntervalSince1970: 5000))
        let decoded = try JSONDecoder().decode(Article.self, from: try Article.encoder().encode(article))
        #expect(decoded == article)
    }

    @Test func encodingIsDeterministic() throws {
        let article = Article.make(from: Entry(guid: "1", title: "x", tags: ["a", "b"]), feed: feed, seenAt: Date(timeIntervalSince1970: 0))
        #expect(try Article.encoder().encode(article) == (try Article.encoder().encode(article)))
    }
}
