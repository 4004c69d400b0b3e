import Foundation
import Testing
import TidingsModel
@testable import TidingsParsing
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Documents written to hurt a parser: they must yield a result or a clear
/// error, quickly, and never read files or the network.
@Suite(.timeLimit(.minutes(2))) struct HostileDocumentTests {
    @Test func externalEntityIsNeverResolved() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <rss version="2.0"><channel><title>t&xxe;</title><item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>
            """
        let doc = try FeedParser.parse(Array(xml.utf8))
        let everything = "\(doc)"
        #expect(!everything.contains("root:"))
        // The reference stays as written: visible, harmless, and nothing read.
        #expect(doc.title == "t&xxe;")
    }

    /// Every external reference a document can make points at a live local
    /// server that records requests: none may arrive.
    @Test(.timeLimit(.minutes(1)))
    func externalDTDAndEntitiesAreNeverFetched() throws {
        let server = try TestHTTPServer { _ in .ok("<!ENTITY leak \"fetched\">", type: "application/xml-dtd") }
        defer { server.stop() }
        let base = server.baseURL
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "\(base)/doctype.dtd" [
              <!ENTITY % remote SYSTEM "\(base)/parameter.ent"> %remote;
              <!ENTITY general SYSTEM "\(base)/general.ent">
            ]>
            <rss version="2.0"><channel><title>ok</title><item><title>a &general; &leak;</title></item></channel></rss>
            """
        let doc = try FeedParser.parse(Array(xml.utf8), url: base + "/feed.xml")
        #expect(doc.title == "ok")
        #expect(doc.entries.first?.title?.contains("fetched") == false)
        // libxml2 would fetch synchronously during the parse; give a stray
        // connection a moment to land before looking.
        usleep(200_000)
        #expect(server.requests.isEmpty, "fetched: \(server.requests.map(\.path))")
    }

    @Test func billionLaughsFinishesWithoutExpansion() throws {
        var decl = "<!ENTITY lol0 \"lol\">"
        for i in 1...12 {
            decl += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">"
        }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [\(decl)]><rss><channel><title>&lol12;</title><item><title>x</title></item></channel></rss>"
        let start = Date()
        let doc = try FeedParser.parse(Array(xml.utf8))
        #expect(Date().timeIntervalSince(start) < 5)
        #expect((doc.title ?? "").count < 100)
        #expect(doc.entries.count == 1)
    }

    @Test func simpleDeclaredEntityIsHonoured() throws {
        let xml = "<!DOCTYPE rss [<!ENTITY site \"Example\">]><rss><channel><title>&site; news</title></channel></rss>"
        #expect(try FeedParser.parse(Array(xml.utf8)).title == "Example news")
    }

    @Test func documentOverTheLimitIsRefused() {
        let bytes = Array("<rss><channel><title>".utf8) + [UInt8](repeating: 0x61, count: 2000) + Array("</title></channel></rss>".utf8)
        #expect(throws: ParseError.tooLarge(limit: 1000)) { try FeedParser.parse(bytes, maximumBytes: 1000) }
    }

    @Test func hundredMegabyteDocumentIsRefusedUpFront() {
        var bytes = [UInt8](repeating: 0x20, count: 100 << 20)
        bytes.replaceSubrange(0..<5, with: Array("<rss>".utf8))
        #expect(throws: ParseError.tooLarge(limit: FeedParser.defaultMaximumBytes)) { try FeedParser.parse(bytes) }
    }

    @Test func htmlPageIsNotAFeed() {
        let html = "<!DOCTYPE html><html><head><title>Home</title></head><body><p>hi</p></body></html>"
        #expect(throws: ParseError.notAFeed("an HTML page")) { try FeedParser.parse(Array(html.utf8)) }
    }

    @Test func otherXMLIsNotAFeedAndSaysWhatItIs() {
        #expect(throws: ParseError.notAFeed("an XML document whose root element is <svg>")) {
            try FeedParser.parse(Array("<svg xmlns='http://www.w3.org/2000/svg'></svg>".utf8))
        }
    }

    @Test(arguments: [[UInt8](), Array("   ".utf8), [0xFF, 0xFE, 0x00], Array("{not json".utf8), Array("<".utf8)])
    func garbageGivesAnError(bytes: [UInt8]) {
        #expect(throws: ParseError.self) { try FeedParser.parse(bytes) }
    }

    /// Every fixture cut at many offsets, and random bytes: a result or an
    /// error, never a crash or a hang; and a cut document (a download that
    /// stopped) keeps every item that was complete before the cut.
    @Test func truncatedAndRandomInputNeverCrashes() throws {
        let dir = Bundle.module.resourcePath! + "/Fixtures"
        let files = TestPaths.files(under: dir, suffix: "").filter { !$0.hasSuffix(".expected.json") && !$0.hasSuffix(".article.json") }
        #expect(files.count >= 8)
        var runs = 0
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            let step = max(1, bytes.count / 97)
            let isXML = !file.hasSuffix(".json")
            for cut in stride(from: 0, through: bytes.count, by: step) {
                let prefix = Array(bytes[..<cut])
                let parsed = try? FeedParser.parse(prefix)
                runs += 1
                guard isXML else { continue }
                let complete = Self.occurrences(of: "</item>", in: prefix) + Self.occurrences(of: "</entry>", in: prefix)
                if complete > 0 {
                    #expect((parsed?.entries.count ?? 0) >= complete,
                            "\(URL(fileURLWithPath: file).lastPathComponent) cut at \(cut): \(complete) complete items, \(parsed?.entries.count ?? -1) parsed")
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 0..<4096, using: &rng)
            var noise = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if Bool.random() { noise = Array("<rss><channel><item><title>".utf8) + noise }
            _ = try? FeedParser.parse(noise)
            runs += 1
        }
        #expect(runs > 500)
    }

    static func occurrences(of needle: String, in bytes: [UInt8]) -> Int {
        let n = Array(needle.utf8)
        guard bytes.count >= n.count else { return 0 }
        return (0...(bytes.count - n.count)).count { bytes[$0..<($0 + n.count)].elementsEqual(n) }
    }
}
