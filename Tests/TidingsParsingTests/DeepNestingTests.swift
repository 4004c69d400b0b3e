import Foundation
import Testing
import TidingsModel
@testable import TidingsParsing

/// A million levels of nesting in every place a feed can nest: the parse
/// gives a clean answer (the feed's other items intact, or a clear error)
/// within 10 s, instead of overflowing the stack. 200,000 levels used to
/// kill the process. Memory is held to 512 MB by `ParseCommandTests`, which
/// runs the `tidings` executable on the same documents.
@Suite struct DeepNestingTests {
    static let depth = 1_000_000

    @Test func unescapedHTMLInADescription() throws {
        let document = try parseWithin10Seconds(Self.rssDescriptionNestedXML(depth: Self.depth))
        try expectBothItems(document)
        let deep = try #require(document.entries.first)
        #expect(deep.contentText?.contains("deepest") == true, "the innermost text is kept")
    }

    @Test func escapedHTMLInADescription() throws {
        let document = try parseWithin10Seconds(Self.rssDescriptionNestedEscapedHTML(depth: Self.depth))
        try expectBothItems(document)
        #expect(document.entries.first?.contentText?.contains("deepest") == true)
    }

    @Test func xhtmlContentInAtom() throws {
        let document = try parseWithin10Seconds(Self.atomNestedXHTML(depth: Self.depth))
        try expectBothItems(document)
        #expect(document.entries.first?.contentText?.contains("deepest") == true)
    }

    @Test func nestedITunesCategories() throws {
        // Nested categories are tags, outer first; all of one name fold to
        // one. 800,000 levels: a million would pass the 32 MB document limit.
        let document = try parseWithin10Seconds(Self.rssNestedCategories(depth: 800_000))
        try expectBothItems(document)
        #expect(document.entries.first?.tags == ["c"])
    }

    @Test func jsonFeedIsRefusedWithAClearError() throws {
        let start = Date()
        #expect(throws: ParseError.badJSONFeed("invalid JSON")) {
            try FeedParser.parse(Self.jsonFeedNested(depth: Self.depth))
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    /// Nesting just past the tree's bound keeps every level's text and the
    /// elements above the bound: deeper markup is flattened, nothing lost.
    @Test func nestingPastTheBoundIsFlattenedNotDropped() throws {
        let depth = XMLTreeBuilder.maximumDepth + 50
        let inner = (0..<depth).map { "<span>\($0) " }.joined() + String(repeating: "</span>", count: depth)
        let xml = "<rss><channel><item><title>t</title><description><p>start</p>\(inner)<p>end</p></description></item></channel></rss>"
        let entry = try #require(try FeedParser.parse(Array(xml.utf8)).entries.first)
        let text = try #require(entry.contentText)
        #expect(text.hasPrefix("start"))
        #expect(text.hasSuffix("end"))
        #expect(text.contains((0..<depth).map(String.init).joined(separator: " ")), "every level's text, in order")
    }

    // MARK: - Documents (also used by ParseCommandTests)

    static func rssDescriptionNestedXML(depth: Int) -> [UInt8] {
        rss(item: "<description>" + String(repeating: "<div>", count: depth) + "deepest"
            + String(repeating: "</div>", count: depth) + "</description>")
    }

    static func rssDescriptionNestedEscapedHTML(depth: Int) -> [UInt8] {
        rss(item: "<description>" + String(repeating: "&lt;div&gt;", count: depth) + "deepest</description>")
    }

    static func rssNestedCategories(depth: Int) -> [UInt8] {
        rss(item: String(repeating: "<i:category text=\"c\">", count: depth) + String(repeating: "</i:category>", count: depth))
    }

    static func atomNestedXHTML(depth: Int) -> [UInt8] {
        let content = "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
            + String(repeating: "<b>", count: depth) + "deepest" + String(repeating: "</b>", count: depth) + "</div></content>"
        return Array(("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>"
            + "<entry><id>deep</id><title>deep</title>\(content)</entry>"
            + "<entry><id>after</id><title>after</title></entry></feed>").utf8)
    }

    static func jsonFeedNested(depth: Int) -> [UInt8] {
        Array(("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{\"id\":\"1\",\"x\":"
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}]}").utf8)
    }

    private static func rss(item: String) -> [UInt8] {
        Array(("<rss version=\"2.0\" xmlns:i=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><channel><title>t</title>"
            + "<item><guid>deep</guid><title>deep</title>\(item)</item>"
            + "<item><guid>after</guid><title>after</title></item></channel></rss>").utf8)
    }

    private func parseWithin10Seconds(_ bytes: [UInt8]) throws -> FeedDocument {
        let start = Date()
        let document = try FeedParser.parse(bytes)
        #expect(Date().timeIntervalSince(start) < 10, "took \(Date().timeIntervalSince(start)) s")
        return document
    }

    private func expectBothItems(_ document: FeedDocument) throws {
        #expect(document.entries.map(\.guid) == ["deep", "after"])
        #expect(document.entries.map(\.title) == ["deep", "after"])
    }
}
