import Foundation
import Testing
import TidingsModel
@testable import TidingsParsing

/// One character that XML forbids (a C0 control, NUL, U+FFFE, U+FFFF)
/// inside one item must not change any other item. Six items, the
/// character in the second one's title, escaped-HTML description or CDATA
/// description: all six come out with their markup, as feedparser and
/// sfeed give them. (Before, a vertical tab left 2 of 6 intact, a NUL
/// dropped every later item.)
@Suite struct ControlCharacterTests {
    /// Every character XML 1.0 forbids that a feed's bytes can carry.
    static let forbidden: [[UInt8]] = (Array(0x00...0x08) + [0x0B, 0x0C] + Array(0x0E...0x1F)).map { [UInt8($0)] }
        + [[0xEF, 0xBF, 0xBE], [0xEF, 0xBF, 0xBF]]

    enum Place: String, CaseIterable { case title, escapedHTML, cdata }

    static func feed(with character: [UInt8], in place: Place) -> [UInt8] {
        var out = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>c</title>".utf8)
        for n in 1...6 {
            let spoiled = n == 2
            var title = Array("Item \(n)".utf8)
            var description = Array("&lt;p&gt;Para \(n) with &lt;b&gt;bold&lt;/b&gt; text&lt;/p&gt;".utf8)
            switch place {
            case .title where spoiled: title.insert(contentsOf: character, at: 4)
            case .escapedHTML where spoiled: description.insert(contentsOf: character, at: 12)
            case .cdata:
                description = Array("<![CDATA[<p>Para \(n) with <b>bold</b> text</p>]]>".utf8)
                if spoiled { description.insert(contentsOf: character, at: 18) }
            default: break
            }
            out += Array("<item><guid>\(n)</guid><title>".utf8) + title + Array("</title><description>".utf8)
                + description + Array("</description></item>".utf8)
        }
        return out + Array("</channel></rss>".utf8)
    }

    @Test(arguments: forbidden, Place.allCases)
    func oneItemsCharacterNeverSpoilsAnother(character: [UInt8], place: Place) throws {
        let document = try FeedParser.parse(Self.feed(with: character, in: place))
        let name = character.map { String(format: "%02X", $0) }.joined()
        try #require(document.entries.count == 6, "\(name) in \(place): \(document.entries.count) of 6 items")
        for (i, entry) in document.entries.enumerated() where i != 1 {
            #expect(entry.contentHTML == "<p>Para \(i + 1) with <b>bold</b> text</p>", "\(name) in \(place), item \(i + 1)")
            #expect(entry.title == "Item \(i + 1)", "\(name) in \(place), item \(i + 1)")
        }
        // In the item that held it, the character is gone: dropped, or a
        // space for vertical tab and form feed.
        let space = character == [0x0B] || character == [0x0C] ? " " : ""
        let spoiled = document.entries[1]
        switch place {
        case .title: #expect(spoiled.title == "Item 2")
        case .escapedHTML: #expect(spoiled.contentHTML == "<p>Par\(space)a 2 with <b>bold</b> text</p>")
        case .cdata: #expect(spoiled.contentHTML == "<p>Para 2\(space) with <b>bold</b> text</p>")
        }
    }

    /// Any error libxml2 recovers from used to switch off entity references
    /// for the rest of the document: a mismatched tag in the first item
    /// turned every later `&lt;b&gt;` into the text `b`.
    @Test func aMismatchedTagInOneItemKeepsLaterItemsMarkup() throws {
        let xml = "<rss><channel><item><title>a<b>x</title><description>&lt;i&gt;1&lt;/i&gt;</description></item>"
            + "<item><title>2</title><description>&lt;i&gt;2&lt;/i&gt;</description></item></channel></rss>"
        let entries = try FeedParser.parse(Array(xml.utf8)).entries
        #expect(entries.map(\.contentHTML) == ["<i>1</i>", "<i>2</i>"])
    }

    @Test func verticalTabAndFormFeedSeparateWords() throws {
        let xml = "<rss><channel><item><title>one\u{0B}two\u{0C}three\u{01}four</title></item></channel></rss>"
        #expect(try FeedParser.parse(Array(xml.utf8)).entries.first?.title == "one two threefour")
    }

    @Test func characterReferencesToForbiddenCharactersHarmNothing() throws {
        var xml = "<rss><channel>"
        for n in 1...3 { xml += "<item><title>T&#\(n == 2 ? "x0B" : "65");\(n)</title><description>&lt;b&gt;b\(n)&lt;/b&gt;</description></item>" }
        xml += "</channel></rss>"
        let entries = try FeedParser.parse(Array(xml.utf8)).entries
        #expect(entries.map(\.contentHTML) == ["<b>b1</b>", "<b>b2</b>", "<b>b3</b>"])
        #expect(entries[0].title == "TA1")
        #expect(entries[2].title == "TA3")
    }

    /// The eight-bytes-at-a-time scan agrees with a byte-by-byte reading at
    /// every offset, so that no forbidden character hides in a word.
    @Test func scanFindsEveryForbiddenCharacterAtEveryOffset() {
        for character in Self.forbidden {
            for offset in 0..<24 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 40)
                bytes.replaceSubrange(offset..<(offset + character.count), with: character)
                #expect(ForbiddenCharacters.firstForbidden(bytes) == offset, "\(character) at \(offset)")
            }
        }
        let allowed = Array("tab\tnewline\ncr\r é € 😀 \u{FFFD}".utf8)
        #expect(ForbiddenCharacters.firstForbidden(allowed) == nil)
        #expect(ForbiddenCharacters.remove(allowed) == allowed)
    }
}
