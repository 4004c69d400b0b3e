import Foundation
import Testing
import TidingsModel

@Suite struct ArticleIdentityTests {
    let feed = FeedIdentity(id: "0123456789abcdef", url: "https://example.com/feed")

    @Test func idIsSHA256OfThePrimaryKeyAndIndependentOfTime() {
        let entry = Entry(guid: "tag:example.com,2026:1", url: "https://Example.com:443/1?utm_source=x#top", title: "One")
        let a = Article.make(from: entry, feed: feed, seenAt: Date(timeIntervalSince1970: 0))
        let b = Article.make(from: entry, feed: feed, seenAt: Date())
        #expect(a.id == b.id)
        // An identifying link: the id is its canonical form's, whatever feed carries it.
        #expect(a.id == String(SHA256.hex("link\n//example.com/1").prefix(32)))
        // No link: the feed and the guid, as before cross-feed identity.
        let guidOnly = Article.make(from: Entry(guid: "tag:example.com,2026:1"), feed: feed, seenAt: Date())
        #expect(guidOnly.id == String(SHA256.hex("0123456789abcdef\nguid\ntag:example.com,2026:1").prefix(32)))
    }

    func ids(_ entries: [Entry], home: String? = nil) -> [String] {
        let f = FeedIdentity(id: feed.id, url: feed.url, homePageURL: home)
        return Article.make(from: entries, feed: f, seenAt: Date()).map(\.id)
    }

    @Test func aLinkIsAKeyOnlyWhenItIdentifiesOneItem() {
        // Every item links to the home page: never a key, the guids decide.
        let home = ids([Entry(guid: "a", url: "https://blog.example/"), Entry(guid: "b", url: "https://blog.example/")],
                       home: "https://blog.example")
        #expect(home[0] == String(SHA256.hex("\(feed.id)\nguid\na").prefix(32)))
        #expect(home[1] == String(SHA256.hex("\(feed.id)\nguid\nb").prefix(32)))
        // The feed's home page alone is no key either.
        #expect(ids([Entry(guid: "a", url: "http://BLOG.example/")], home: "https://blog.example/")[0]
            == String(SHA256.hex("\(feed.id)\nguid\na").prefix(32)))
        // Distinct guids sharing a link are distinct articles.
        let shared = ids([Entry(guid: "a", url: "https://x.example/p"), Entry(guid: "b", url: "https://x.example/p")])
        #expect(shared[0] != shared[1])
    }

    @Test func aGuidRepeatedInOneDocumentKeepsEveryItemApartAndTheSameIdsEachTime() {
        let live = [Entry(guid: "live", url: "https://n.example/live#u1", title: "Update 1"),
                    Entry(guid: "live", url: "https://n.example/live?u=2", title: "Update 2"),
                    Entry(guid: "live", url: "https://n.example/live", title: "Update 3a"),
                    Entry(guid: "live", url: "https://n.example/live", title: "Update 3b")]
        let first = ids(live)
        #expect(Set(first).count == 4)
        #expect(ids(live) == first)
        // An update added at the top does not renumber the others.
        #expect(Array(ids([Entry(guid: "live", url: "https://n.example/live?u=3", title: "Update 4")] + live).dropFirst(1)) == first)
    }

    @Test func aPermalinkGuidIsALinkKey() {
        let a = ids([Entry(guid: "https://news.example/story")])[0]
        let b = ids([Entry(guid: "x-1", url: "http://news.example/story?fbclid=abc")])[0]
        #expect(a == b)
        #expect(a == String(SHA256.hex("link\n//news.example/story").prefix(32)))
    }

    /// The keys of entries with no identifying link: the v1 rules.
    @Test func withoutALinkKeyTheFeedLocalRulesDecide() {
        let id = { (e: Entry) in Article.make(from: e, feed: feed, seenAt: Date()).id }
        let day = Date(timeIntervalSince1970: 1_800_000_000)
        // The guid decides when no link identifies the item.
        #expect(id(Entry(guid: "g", url: "mailto:a", title: "x")) == id(Entry(guid: "g", title: "y")))
        #expect(id(Entry(guid: "g1")) != id(Entry(guid: "g2")))
        // A guid is trimmed; an empty or blank guid is no guid.
        #expect(id(Entry(guid: "  g \n")) == id(Entry(guid: "g")))
        #expect(id(Entry(guid: "  ", url: "urn:a:1")) == id(Entry(url: "urn:a:1")))
        // Without a guid a link that is no http(s) URL decides, titles and dates aside.
        #expect(id(Entry(url: "urn:a:1", title: "x")) == id(Entry(url: "urn:a:1", title: "y", datePublished: day)))
        #expect(id(Entry(url: "urn:a:1")) != id(Entry(url: "urn:a:2")))
        // Without either: the title and the publication date together.
        #expect(id(Entry(title: "t", datePublished: day)) == id(Entry(title: "t", contentText: "other", datePublished: day)))
        #expect(id(Entry(title: "t", datePublished: day)) != id(Entry(title: "t", datePublished: day.addingTimeInterval(1))))
        #expect(id(Entry(title: "t", datePublished: day)) != id(Entry(title: "u", datePublished: day)))
        // No title: the summary, then the text stand in for it.
        #expect(id(Entry(summary: "s")) == id(Entry(summary: "s", contentText: "c")))
        #expect(id(Entry(contentText: "c1")) != id(Entry(contentText: "c2")))
        // The kinds never collide: a guid that equals a link is not that link.
        #expect(id(Entry(guid: "urn:a:1")) != id(Entry(url: "urn:a:1")))
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
