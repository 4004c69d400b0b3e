import Foundation
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A publisher for the poll benchmarks: nginx on 127.0.0.1 serving `feeds`
/// generated feeds (RSS 2.0, Atom, RSS 1.0 in turn; 15 to 35 items, 25 on
/// average, with full HTML articles) with gzip, ETag and Last-Modified.
/// Feeds are spread over 64 host names under `.localhost` (libcurl, and so
/// every client here, resolves them to 127.0.0.1 without DNS), so a
/// per-host connection limit does not turn the run into a queue on one host.
///
/// A feed at generation `g` carries items `g ..< g + count`, newest first:
/// a changed feed gained one item and lost its oldest, the rest byte for
/// byte the same. Every file's mtime is fixed by its generation, so putting
/// a feed back to generation 0 gives it back its ETag and Last-Modified.
struct FeedSite {
    let root: String
    let feeds: Int
    let port: UInt16
    private let server: ChildProcess

    static let baseTime: time_t = 1_760_000_000

    init(root: String, feeds: Int, nginx: String) throws {
        self.root = root
        self.feeds = feeds
        try FileManager.default.createDirectory(atPath: root + "/site/f", withIntermediateDirectories: true)
        chmod(root, 0o755)
        // A site kept from an earlier run (`--directory`) is used as it is:
        // generating ten thousand feeds takes minutes.
        for n in 0..<feeds where !Self.isWritten(feed: n, root: root) {
            try Self.write(feed: n, generation: 0, root: root)
        }
        port = try Self.freePort()
        try Self.nginxConfiguration(root: root, port: port)
            .write(toFile: root + "/nginx.conf", atomically: true, encoding: .utf8)
        server = try ChildProcess.spawn(nginx, ["-p", root, "-c", root + "/nginx.conf", "-g", "daemon off;"],
                                        stderr: root + "/nginx.stderr")
        try Self.waitForPort(port)
    }

    func stop() {
        server.signal(SIGQUIT)
        _ = server.wait()
    }

    func url(_ n: Int) -> String { "http://h\(n % 64).localhost:\(port)/f/\(Self.name(n))" }

    var urls: [String] { (0..<feeds).map(url) }

    /// The feeds a warm phase changes: every tenth.
    var changed: [Int] { Array(stride(from: 0, to: feeds, by: 10)) }

    /// Puts every feed of `changed` at this generation.
    func setChanged(generation: Int) throws {
        for n in changed { try Self.write(feed: n, generation: generation, root: root) }
    }

    /// Requests nginx has answered so far, by status, from its access log.
    func statuses() throws -> [String: Int] {
        let log = (try? String(contentsOfFile: root + "/access.log", encoding: .utf8)) ?? ""
        var counts: [String: Int] = [:]
        for line in log.split(separator: "\n") { counts[String(line.prefix(3)), default: 0] += 1 }
        return counts
    }

    /// Requests nginx answered after the first `skipping`, by path.
    func requestsByPath(skipping: Int) -> [String: Int] {
        let log = (try? String(contentsOfFile: root + "/access.log", encoding: .utf8)) ?? ""
        var counts: [String: Int] = [:]
        for line in log.split(separator: "\n").dropFirst(skipping) {
            counts[String(line.dropFirst(4)), default: 0] += 1
        }
        return counts
    }

    /// How many requests nginx has answered so far.
    func requestCount() -> Int {
        guard let data = FileManager.default.contents(atPath: root + "/access.log") else { return 0 }
        return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    /// Whether feed n is there at generation 0 (its mtime says so).
    static func isWritten(feed n: Int, root: String) -> Bool {
        var info = stat()
        return stat(root + "/site/f/" + name(n), &info) == 0 && info.st_mtim.tv_sec == baseTime && info.st_size > 0
    }

    static func name(_ n: Int) -> String { "feed-\(n).\(["rss", "atom", "rdf"][n % 3])" }

    static func itemCount(_ n: Int) -> Int { 15 + (n * 7) % 21 }

    static func write(feed n: Int, generation: Int, root: String) throws {
        let items = generation..<(generation + itemCount(n))
        let text: String
        switch n % 3 {
        case 0: text = rss(n, items: items)
        case 1: text = atom(n, items: items)
        default: text = rdf(n, items: items)
        }
        let path = root + "/site/f/" + name(n)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        let mtime = baseTime + time_t(generation * 3600)
        var times = [timespec(tv_sec: mtime, tv_nsec: 0), timespec(tv_sec: mtime, tv_nsec: 0)]
        utimensat(AT_FDCWD, path, &times, 0)
    }

    /// One item's words, the same whichever generation carries it.
    private static func generator(feed n: Int, item k: Int) -> CorpusGenerator {
        CorpusGenerator(seed: UInt64(n) &* 1_000_003 &+ UInt64(k) &* 7919 &+ 11)
    }

    private static func date(_ k: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(1_750_000_000 + k * 3600)) }

    private static var rfc822: DateFormatter { CorpusGenerator.rfc822 }
    private static var iso: DateFormatter { CorpusGenerator.iso }

    static func rss(_ n: Int, items: Range<Int>) -> String {
        var channel = CorpusGenerator(seed: UInt64(n))
        var s = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><title>Gazette \(n) &amp; Friends</title><link>https://site\(n).example.com/</link>
            <description>\(channel.sentence(12))</description><language>en</language>\n
            """
        for k in items.reversed() {
            var g = generator(feed: n, item: k)
            s += """
                <item><title>\(g.sentence(9))</title><link>https://site\(n).example.com/\(k)</link>
                <guid isPermaLink="false">site\(n)-\(k)</guid><pubDate>\(rfc822.string(from: date(k)))</pubDate>
                <dc:creator>\(g.word().capitalized) \(g.word().capitalized)</dc:creator><category>\(g.word())</category>
                <description>\(g.sentence(25))</description>
                <content:encoded><![CDATA[\(g.article())]]></content:encoded>\n
                """
            if k % 5 == 0 { s += "<enclosure url=\"https://cdn.example.com/\(n)/\(k).mp3\" length=\"\(g.rng.next() % 90_000_000)\" type=\"audio/mpeg\"/>\n" }
            s += "</item>\n"
        }
        return s + "</channel></rss>\n"
    }

    static func atom(_ n: Int, items: Range<Int>) -> String {
        var channel = CorpusGenerator(seed: UInt64(n))
        var s = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://blog\(n).example.net/">
            <title>Notes \(n)</title><link href="/"/><link rel="self" href="/feed.atom"/><id>tag:blog\(n),2025:feed</id>
            <updated>\(iso.string(from: date(items.upperBound - 1)))</updated><author><name>\(channel.word().capitalized)</name></author>\n
            """
        for k in items.reversed() {
            var g = generator(feed: n, item: k)
            let body = g.article()
            let content = k % 2 == 0
                ? "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">\(body.replacingOccurrences(of: "&#8220;", with: "\u{201C}").replacingOccurrences(of: "&#8221;", with: "\u{201D}"))</div></content>"
                : "<content type=\"html\">\(g.escape(body))</content>"
            let when = iso.string(from: date(k))
            s += """
                <entry><title type="html">\(g.escape(g.sentence(8)))</title><link href="\(k).html"/>
                <id>tag:blog\(n),2025:\(k)</id><published>\(when)</published><updated>\(when)</updated>
                <category term="\(g.word())"/><summary>\(g.sentence(20))</summary>\(content)</entry>\n
                """
        }
        return s + "</feed>\n"
    }

    static func rdf(_ n: Int, items: Range<Int>) -> String {
        var channel = CorpusGenerator(seed: UInt64(n))
        let links = items.reversed().map { "<rdf:li rdf:resource=\"https://press\(n).example.org/\($0)\"/>" }.joined()
        var s = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
              xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel rdf:about="https://press\(n).example.org/rss"><title>Press \(n)</title>
            <link>https://press\(n).example.org/</link><description>\(channel.sentence(10))</description>
            <items><rdf:Seq>\(links)</rdf:Seq></items></channel>\n
            """
        for k in items.reversed() {
            var g = generator(feed: n, item: k)
            s += """
                <item rdf:about="https://press\(n).example.org/\(k)"><title>\(g.sentence(9))</title>
                <link>https://press\(n).example.org/\(k)</link><dc:date>\(iso.string(from: date(k)))</dc:date>
                <dc:creator>\(g.word().capitalized) \(g.word().capitalized)</dc:creator><dc:subject>\(g.word())</dc:subject>
                <description>\(g.sentence(25))</description>
                <content:encoded><![CDATA[\(g.article())]]></content:encoded></item>\n
                """
        }
        return s + "</rdf:RDF>\n"
    }

    static func nginxConfiguration(root: String, port: UInt16) -> String {
        """
        worker_processes 1;
        pid \(root)/nginx.pid;
        error_log \(root)/error.log warn;
        events { worker_connections 4096; }
        http {
            log_format status '$status $uri';
            access_log \(root)/access.log status;
            client_body_temp_path \(root)/tmp-body;
            proxy_temp_path \(root)/tmp-proxy;
            fastcgi_temp_path \(root)/tmp-fastcgi;
            uwsgi_temp_path \(root)/tmp-uwsgi;
            scgi_temp_path \(root)/tmp-scgi;
            types { application/rss+xml rss; application/atom+xml atom; application/rdf+xml rdf; }
            gzip on;
            gzip_types application/rss+xml application/atom+xml application/rdf+xml;
            keepalive_requests 1000000;
            # A date after Last-Modified is "not modified", as Apache and most servers
            # answer: sfeed's fetch (curl -z) sends the time it last fetched.
            if_modified_since before;
            server {
                listen 127.0.0.1:\(port);
                root \(root)/site;
                etag on;
            }
        }
        """
    }

    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw BenchError("no free port") }
        return UInt16(bigEndian: addr.sin_port)
    }

    static func waitForPort(_ port: UInt16) throws {
        for _ in 0..<200 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = port.bigEndian
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if rc == 0 { return }
            usleep(50_000)
        }
        throw BenchError("nginx did not start; see its error log")
    }
}
