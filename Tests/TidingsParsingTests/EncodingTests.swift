import Foundation
import Testing
@testable import TidingsParsing

@Suite struct EncodingTests {
    func title(_ bytes: [UInt8], charset: String? = nil) throws -> String? {
        try FeedParser.parse(bytes, charset: charset).title
    }

    let body = "<rss version=\"2.0\"><channel><title>Größe – ümlaut</title></channel></rss>"

    @Test func utf16WithAndWithoutBOM() throws {
        let le = [UInt8](("<?xml version=\"1.0\" encoding=\"utf-16\"?>" + body).data(using: .utf16LittleEndian)!)
        let be = [UInt8](("<?xml version=\"1.0\" encoding=\"utf-16\"?>" + body).data(using: .utf16BigEndian)!)
        #expect(try title([0xFF, 0xFE] + le) == "Größe – ümlaut")
        #expect(try title(le) == "Größe – ümlaut")
        #expect(try title([0xFE, 0xFF] + be) == "Größe – ümlaut")
    }

    @Test func utf32() throws {
        let le = [UInt8](("<?xml version=\"1.0\"?>" + body).data(using: .utf32LittleEndian)!)
        #expect(try title([0xFF, 0xFE, 0x00, 0x00] + le) == "Größe – ümlaut")
        #expect(try title(le) == "Größe – ümlaut")
    }

    @Test func legacyCodePageFromTheDeclaration() throws {
        let latin1: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel><title>Gr".utf8) + [0xF6, 0xDF, 0x65]
            + Array("</title></channel></rss>".utf8)
        #expect(try title(latin1) == "Größe")
    }

    @Test func httpCharsetWinsOverTheDeclarationButNotOverABOM() throws {
        let koi8: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel><title>".utf8) + [0xF0, 0xD2, 0xC9]
            + Array("</title></channel></rss>".utf8)
        #expect(try title(koi8, charset: "koi8-r") == "При")
        let utf8WithBOM: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<rss><channel><title>é</title></channel></rss>".utf8)
        #expect(try title(utf8WithBOM, charset: "iso-8859-1") == "é")
    }

    @Test func windows1252BytesInAUTF8DocumentAreRepairedNotDropped() throws {
        let bytes: [UInt8] = Array("<rss><channel><title>it".utf8) + [0x92] + Array("s ".utf8) + [0xC3, 0xA9]
            + Array("</title><item><title>a</title></item><item><title>b</title></item></channel></rss>".utf8)
        let doc = try FeedParser.parse(bytes)
        #expect(doc.title == "it’s é")
        #expect(doc.entries.count == 2)
    }
}
