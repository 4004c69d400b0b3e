import Foundation
import Testing
import TidingsModel
@testable import TidingsParsing
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A million levels of nesting in every place a feed can nest: the parse
/// gives a clean answer (the feed's other items intact, or a clear error)
/// within 10 s, instead of overflowing the stack. 200,000 levels used to
/// kill the process. Memory is held to 512 MB by `ParseCommandTests`, which
/// runs the `tidings` executable on the same documents.
@Suite(.timeLimit(.minutes(3))) struct DeepNestingTests {
    static let depth = HostileDocuments.nestingDepth

    @Test func unescapedHTMLInADescription() throws {
        let document = try parseWithin10Seconds(HostileDocuments.rssDescriptionNestedXML(depth: Self.depth))
        try expectBothItems(document)
        let deep = try #require(document.entries.first)
        #expect(deep.contentText?.contains("deepest") == true, "the innermost text is kept")
    }

    @Test func escapedHTMLInADescription() throws {
        let document = try parseWithin10Seconds(HostileDocuments.rssDescriptionNestedEscapedHTML(depth: Self.depth))
        try expectBothItems(document)
        #expect(document.entries.first?.contentText?.contains("deepest") == true)
    }

    @Test func xhtmlContentInAtom() throws {
        let document = try parseWithin10Seconds(HostileDocuments.atomNestedXHTML(depth: Self.depth))
        try expectBothItems(document)
        #expect(document.entries.first?.contentText?.contains("deepest") == true)
    }

    @Test func nestedITunesCategories() throws {
        // Nested categories are tags, outer first; all of one name fold to
        // one. 800,000 levels: a million would pass the 32 MB document limit.
        let document = try parseWithin10Seconds(HostileDocuments.rssNestedCategories(depth: 800_000))
        try expectBothItems(document)
        #expect(document.entries.first?.tags == ["c"])
    }

    @Test func jsonFeedIsRefusedWithAClearError() throws {
        let document = HostileDocuments.jsonFeedNested(depth: Self.depth)
        let start = Self.threadCPUSeconds()
        #expect(throws: ParseError.badJSONFeed("invalid JSON")) { try FeedParser.parse(document) }
        #expect(Self.threadCPUSeconds() - start < 10)
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

    /// The parse runs on this thread alone, so its CPU time is what it
    /// costs, whatever else the machine runs at the same moment.
    private func parseWithin10Seconds(_ bytes: [UInt8]) throws -> FeedDocument {
        let start = Self.threadCPUSeconds()
        let document = try FeedParser.parse(bytes)
        let spent = Self.threadCPUSeconds() - start
        #expect(spent < 10, "took \(spent) s of CPU")
        return document
    }

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private func expectBothItems(_ document: FeedDocument) throws {
        #expect(document.entries.map(\.guid) == ["deep", "after"])
        #expect(document.entries.map(\.title) == ["deep", "after"])
    }
}
