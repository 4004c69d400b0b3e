import Foundation
import Testing
import TidingsModel

@Suite struct ArticleIdentityTests {
    let feed = FeedIdentity(id: "0123456789abcdef", url: "https://example.com/feed")

    @Test func idIsSHA256OfTheDedupKeyAndIndependentOfTime() {
        let entry = Entry(guid: "tag:example.com,2026:1", url: "https://example.com/1", title: "One")
        let a = Article.make(from: entry, feed: feed, seenAt: Date(timeIntervalSince1970: 0))
        let b = Article.make(from: entry, feed: feed, seenAt: Date())
        #expect(a.id == b.id)
        #expect(a.id == String(SHA256.hex("0123456789abcdef\nguid\ntag:example.com,2026:1").prefix(32)))
    }

    @Test func guidWinsOverLinkAndLinkIsTheFallback() {
        let withGuid = Entry(guid: "g1", url: "https://example.com/a")
        let sameGuidOtherLink = Entry(guid: "g1", url: "https://example.com/b")
        let noGuid = Entry(url: "https://example.com/a")
        let id = { (e: Entry) in Article.make(from: e, feed: feed, seenAt: Date()).id }
        #expect(id(withGuid) == id(sameGuidOtherLink))
        #expect(id(noGuid) != id(withGuid))
        #expect(id(noGuid) == id(Entry(url: "https://example.com/a", title: "changed title")))
    }

    /// Every rule of the v1 key, each with the case that tells it apart
    /// from its neighbours.
    @Test func everyRuleOfTheDedupKey() {
        let id = { (e: Entry) in Article.make(from: e, feed: feed, seenAt: Date()).id }
        let day = Date(timeIntervalSince1970: 1_800_000_000)
        // The guid decides, whatever else changes.
        #expect(id(Entry(guid: "g", url: "https://a/1", title: "x")) == id(Entry(guid: "g", url: "https://a/2", title: "y")))
        #expect(id(Entry(guid: "g1", url: "https://a/1")) != id(Entry(guid: "g2", url: "https://a/1")))
        // A guid is trimmed; an empty or blank guid is no guid.
        #expect(id(Entry(guid: "  g \n")) == id(Entry(guid: "g")))
        #expect(id(Entry(guid: "  ", url: "https://a/1")) == id(Entry(url: "https://a/1")))
        // Without a guid the link decides, titles and dates aside.
        #expect(id(Entry(url: "https://a/1", title: "x")) == id(Entry(url: "https://a/1", title: "y", datePublished: day)))
        #expect(id(Entry(url: "https://a/1")) != id(Entry(url: "https://a/2")))
        // Without either: the title and the publication date together.
        #expect(id(Entry(title: "t", datePublished: day)) == id(Entry(title: "t", contentText: "other", datePublished: day)))
        #expect(id(Entry(title: "t", datePublished: day)) != id(Entry(title: "t", datePublished: day.addingTimeInterval(1))))
        #expect(id(Entry(title: "t", datePublished: day)) != id(Entry(title: "u", datePublished: day)))
        // No title: the summary, then the text stand in for it.
        #expect(id(Entry(summary: "s")) == id(Entry(summary: "s", contentText: "c")))
        #expect(id(Entry(contentText: "c1")) != id(Entry(contentText: "c2")))
        // The kinds never collide: a guid that equals a link is not that link.
        #expect(id(Entry(guid: "https://a/1")) != id(Entry(url: "https://a/1")))
        #expect(ArticleIdentity.dedupKey(for: Entry(guid: "g", url: "u"), feedID: feed.id) == "\(feed.id)\nguid\ng")
        #expect(ArticleIdentity.dedupKey(for: Entry(url: "u"), feedID: feed.id) == "\(feed.id)\nurl\nu")
    }

    @Test func sameGuidInAnotherFeedIsAnotherArticle() {
        let other = FeedIdentity(id: "fedcba9876543210", url: "https://example.org/feed")
        let entry = Entry(guid: "1")
        #expect(Article.make(from: entry, feed: feed, seenAt: Date()).id
            != Article.make(from: entry, feed: other, seenAt: Date()).id)
    }

    @Test func contentHashChangesWithContentOnly() {
        let a = Entry(guid: "1", title: "Title", contentHTML: "<p>x</p>")
        var b = a
        #expect(ArticleIdentity.contentHash(of: a) == ArticleIdentity.contentHash(of: b))
        b.contentHTML = "<p>y</p>"
        #expect(ArticleIdentity.contentHash(of: a) != ArticleIdentity.contentHash(of: b))
    }

    @Test func revisionKeepsIdentityAndFirstSighting() {
        let first = Date(timeIntervalSince1970: 1_000_000)
        let later = Date(timeIntervalSince1970: 2_000_000)
        let a = Article.make(from: Entry(guid: "1", title: "Old"), feed: feed, seenAt: first)
        let b = a.revised(with: Entry(guid: "1", title: "New"), feed: feed, at: later)
        #expect(b.id == a.id)
        #expect(b.tidings.firstSeen == first)
        #expect(b.tidings.lastChanged == later)
        #expect(b.tidings.revision == 2)
    }
}
