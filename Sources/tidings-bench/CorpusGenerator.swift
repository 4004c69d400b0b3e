import Foundation

/// Writes a corpus of realistic feeds: RSS 2.0 with full HTML articles in
/// `content:encoded`, Atom with HTML and XHTML content, named entities,
/// varied dates and enclosures. Deterministic for a given seed, so every run
/// measures the same bytes.
struct CorpusGenerator {
    var rng: SplitMix

    init(seed: UInt64) { rng = SplitMix(state: seed) }

    static let words = """
        harbour council ferry timetable residents meeting operator engineers winter spring crossing \
        vessel refit schedule committee figures contract tender hospital commute shifts promise storm \
        lifeboat volunteers tide cliffs power network supplies market traders restoration weekend \
        library budget school teachers parents railway station platform signal delays repairs bridge
        """.split(separator: " ").map(String.init)

    mutating func word() -> String { Self.words[Int(rng.next() % UInt64(Self.words.count))] }

    mutating func sentence(_ n: Int) -> String {
        var s = (0..<n).map { _ in word() }.joined(separator: " ")
        s = s.prefix(1).uppercased() + s.dropFirst()
        return s + "."
    }

    mutating func article() -> String {
        var html = "<p><strong>\(sentence(14))</strong></p>\n"
        for _ in 0..<(2 + Int(rng.next() % 3)) {
            html += "<p>\(sentence(20)) \(sentence(16)) &#8220;\(sentence(9))&#8221; said the \(word()).</p>\n"
        }
        html += "<blockquote><p>\(sentence(12))</p></blockquote>\n<p><img src=\"/img/\(rng.next() % 10000).jpg\" alt=\"\(sentence(5))\"/></p>\n"
        html += "<p>Additional reporting by \(word().capitalized) \(word().capitalized).</p>\n"
        return html
    }

    static func formatter(_ format: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = format
        return f
    }

    static let rfc822 = formatter("EEE, dd MMM yyyy HH:mm:ss Z")
    static let iso = formatter("yyyy-MM-dd'T'HH:mm:ssXXXXX")

    mutating func date(_ i: Int) -> (rfc822: String, iso: String) {
        let t = 1_760_000_000 - i * 3600 - Int(rng.next() % 3600)
        let d = Date(timeIntervalSince1970: TimeInterval(t))
        return (Self.rfc822.string(from: d), Self.iso.string(from: d))
    }

    mutating func rss(_ n: Int, items: Int) -> String {
        var s = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><title>Gazette \(n) &amp; Friends</title><link>https://site\(n).example.com/</link>
            <description>\(sentence(12))</description><language>en</language>\n
            """
        for i in 0..<items {
            let d = date(i)
            s += """
                <item><title>\(sentence(9))</title><link>https://site\(n).example.com/\(i)</link>
                <guid isPermaLink="false">site\(n)-\(i)</guid><pubDate>\(d.rfc822)</pubDate>
                <dc:creator>\(word().capitalized) \(word().capitalized)</dc:creator><category>\(word())</category>
                <description>\(sentence(25))</description>
                <content:encoded><![CDATA[\(article())]]></content:encoded>\n
                """
            if i % 5 == 0 { s += "<enclosure url=\"https://cdn.example.com/\(n)/\(i).mp3\" length=\"\(rng.next() % 90_000_000)\" type=\"audio/mpeg\"/>\n" }
            s += "</item>\n"
        }
        return s + "</channel></rss>\n"
    }

    mutating func atom(_ n: Int, items: Int) -> String {
        var s = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://blog\(n).example.net/">
            <title>Notes \(n)</title><link href="/"/><link rel="self" href="/feed.atom"/><id>tag:blog\(n),2025:feed</id>
            <updated>2025-10-09T12:00:00Z</updated><author><name>\(word().capitalized)</name></author>\n
            """
        for i in 0..<items {
            let d = date(i)
            let body = article()
            let content = i % 2 == 0
                ? "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">\(body.replacingOccurrences(of: "&#8220;", with: "\u{201C}").replacingOccurrences(of: "&#8221;", with: "\u{201D}"))</div></content>"
                : "<content type=\"html\">\(escape(body))</content>"
            s += """
                <entry><title type="html">\(escape(sentence(8)))</title><link href="\(i).html"/>
                <id>tag:blog\(n),2025:\(i)</id><published>\(d.iso)</published><updated>\(d.iso)</updated>
                <category term="\(word())"/><summary>\(sentence(20))</summary>\(content)</entry>\n
                """
        }
        return s + "</feed>\n"
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Writes `count` feeds into `directory` unless they are there already.
    mutating func write(count: Int, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var paths: [String] = []
        for n in 0..<count {
            let isAtom = n % 5 >= 3
            let path = "\(directory)/feed-\(n).\(isAtom ? "atom" : "rss")"
            paths.append(path)
            // Each feed has its own generator, so an existing file need not be made again.
            if FileManager.default.fileExists(atPath: path) { continue }
            rng = SplitMix(state: UInt64(n) &* 0x9E37_79B9 &+ 42)
            let items = 5 + Int(rng.next() % 11)
            let text = isAtom ? atom(n, items: items) : rss(n, items: items)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        return paths
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
