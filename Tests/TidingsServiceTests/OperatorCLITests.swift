import Foundation
import Testing
import TidingsModel
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The operator's CLI as a person uses it, against a local site: `add`
/// with what people paste, OPML both ways (with newsboat as the peer),
/// `poll` with and without a daemon, `set`, and `status`.
@Suite(.timeLimit(.minutes(3))) struct OperatorCLITests {
    static func rss(_ title: String, items: Int = 3) -> String {
        var s = "<rss version=\"2.0\"><channel><title>\(title)</title><link>https://site.example/</link>"
        for i in 0..<items { s += "<item><guid>\(title)-\(i)</guid><title>\(title) \(i)</title></item>" }
        return s + "</channel></rss>"
    }

    static func page(_ links: String) -> String {
        "<!DOCTYPE html><html><head><title>A site</title>\(links)</head><body><p>Hello</p></body></html>"
    }

    /// A small site: feeds, and pages that declare them in every way.
    static func site(_ request: TestRequest) -> TestResponse {
        switch request.path {
        case "/sub/feed.xml": return .ok(rss("Main"))
        case "/atom": return .ok("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom one</title></feed>",
                                 type: "application/atom+xml")
        case "/feed.json": return .ok(#"{"version":"https://jsonfeed.org/version/1.1","title":"JSON one","items":[]}"#,
                                      type: "application/feed+json")
        case "/one":
            // Relative to <base>, not to the page.
            return .ok(page(#"<base href="/sub/"><link rel="alternate" type="application/rss+xml" title="Main" href="feed.xml">"#),
                       type: "text/html; charset=utf-8")
        case "/three":
            return .ok(page("""
                <link rel="alternate" type="application/rss+xml" title="Main" href="/sub/feed.xml">
                <link rel="alternate" type="application/atom+xml" title="Atom one" href="atom">
                <link rel="alternate" type="application/feed+json" title="JSON one" href="feed.json">
                <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
                <link rel="stylesheet" type="text/css" href="style.css">
                """), type: "text/html")
        case "/blog/": return .ok(page(""), type: "text/html")
        case "/feed": return .ok(rss("Common path"))
        case "/neither": return .ok("just some words", type: "text/plain")
        default: return .status(404)
        }
    }

    func tidings(_ arguments: [String], state: String) throws -> CommandLineTests.Run {
        try CommandLineTests.run(CommandLineTests.cli, arguments + ["--state-dir", state])
    }

    func followed(_ state: String) throws -> [FeedRecord] {
        try TidingsState(stateDirectory: state, readOnly: true).all()
    }

    @Test func addFetchesWhatWasPastedAndFindsTheFeed() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let state = TestPaths.temporaryDirectory("tidings-add") + "/state"
        let base = server.baseURL

        let feed = try tidings(["add", base + "/sub/feed.xml"], state: state)
        #expect(feed.status == 0, "\(feed.err)")
        let id = ArticleIdentity.feedID(forURL: base + "/sub/feed.xml")
        #expect(feed.out == "added \(id) Main (3 items) \(base)/sub/feed.xml\n")
        #expect(try followed(state).first?.title == "Main")

        // A page declaring one feed (its href relative to <base>): that feed.
        let state2 = TestPaths.temporaryDirectory("tidings-add") + "/state"
        let one = try tidings(["add", base + "/one", "--category", "News/Local", "--interval", "2h"], state: state2)
        #expect(one.status == 0, "\(one.err)")
        #expect(one.out.hasPrefix("added \(id) Main (3 items)"))
        let added = try #require(try followed(state2).first)
        #expect(added.url == base + "/sub/feed.xml" && added.category == "News/Local" && added.operatorIntervalSeconds == 7200)

        // Three declared (and a JSON API link that is no feed): listed, nothing added.
        let three = try tidings(["add", base + "/three"], state: state2)
        #expect(three.status == 1)
        #expect(three.err.contains("declares 3 feeds"))
        for url in ["/sub/feed.xml  Main", "/atom  Atom one", "/feed.json  JSON one"] { #expect(three.err.contains(base + url)) }
        #expect(!three.err.contains("wp-json"))
        #expect(try followed(state2).count == 1)
        // --all adds them (the one followed already stays as it was).
        let all = try tidings(["add", "--all", base + "/three"], state: state2)
        #expect(all.status == 0, "\(all.err)")
        #expect(Set(try followed(state2).map(\.url)) == [base + "/sub/feed.xml", base + "/atom", base + "/feed.json"])

        // A page declaring none, with a feed at /feed.
        let common = try tidings(["add", base + "/blog/"], state: state2)
        #expect(common.status == 0, "\(common.err)")
        #expect(common.out.contains("Common path (3 items) \(base)/feed"))
    }

    @Test func addRefusesWhatIsNoFeedAndSaysWhy() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let state = TestPaths.temporaryDirectory("tidings-add") + "/state"
        let missing = try tidings(["add", server.baseURL + "/missing"], state: state)
        #expect(missing.status == 1)
        #expect(missing.err == "tidings: not added \(server.baseURL)/missing: http 404\n")
        let neither = try tidings(["add", server.baseURL + "/neither"], state: state)
        #expect(neither.status == 1)
        #expect(neither.err.contains("not added \(server.baseURL)/neither: not a feed"), "\(neither.err)")
        let refused = try tidings(["add", "ftp://files.example/feed"], state: state)
        #expect(refused.status == 64 && refused.err.contains("the ftp scheme is not fetched"))
        let unreachable = try tidings(["add", "http://127.0.0.1:9/feed"], state: state)
        #expect(unreachable.status == 1 && unreachable.err.contains("not added http://127.0.0.1:9/feed"))
        #expect(try followed(state).isEmpty)
        // --no-check adds without fetching.
        #expect(try tidings(["add", "--no-check", "http://127.0.0.1:9/feed"], state: state).status == 0)
        #expect(try followed(state).map(\.url) == ["http://127.0.0.1:9/feed"])
    }

    @Test func setChangesTheIntervalAndStatusSaysWhere() throws {
        let state = TestPaths.temporaryDirectory("tidings-set") + "/state"
        _ = try tidings(["add", "--no-check", "https://a.example/feed"], state: state)
        #expect(try tidings(["set", "https://a.example/feed", "--interval", "2h", "--title", "Mine"], state: state).status == 0)
        var detail = try tidings(["status", "https://a.example/feed"], state: state)
        #expect(detail.out.contains("interval    2h, set by the operator"), "\(detail.out)")
        #expect(detail.out.contains("title       Mine"))
        #expect(try tidings(["set", "https://a.example/feed", "--clear-interval"], state: state).status == 0)
        detail = try tidings(["status", "https://a.example/feed"], state: state)
        #expect(detail.out.contains("interval    not chosen yet"))
        let bad = try tidings(["set", "https://a.example/feed", "--interval", "5s"], state: state)
        #expect(bad.status == 64 && bad.err.contains("at least a minute"))
    }

    // MARK: - OPML

    static let minifluxShape = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0">
          <head><title>Miniflux</title><dateCreated>Sun, 29 Nov 2026 10:00:00 UTC</dateCreated></head>
          <body>
            <outline text="Tech">
              <outline title="Lobsters" text="Lobsters" xmlUrl="https://lobste.rs/rss" htmlUrl="https://lobste.rs/" type="rss"></outline>
              <outline text="Swift">
                <outline title="Swift.org" text="Swift.org" xmlUrl="https://www.swift.org/atom.xml" htmlUrl="https://www.swift.org/" type="rss"></outline>
              </outline>
            </outline>
            <outline text="News &amp; Views">
              <outline title="A &amp; B" text="A &amp; B" xmlUrl="https://ab.example/feed?x=1&amp;y=2" type="rss"></outline>
            </outline>
            <outline title="Loose" text="Loose" xmlUrl="https://loose.example/rss" type="rss" category="/Later"></outline>
          </body>
        </opml>
        """

    @Test func importReadsNestedCategoriesAndIsIdempotent() throws {
        let root = TestPaths.temporaryDirectory("tidings-opml")
        try Self.minifluxShape.write(toFile: root + "/miniflux.opml", atomically: true, encoding: .utf8)
        let first = try tidings(["import", root + "/miniflux.opml"], state: root + "/state")
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out == "imported 4 new feeds of 4 in \(root)/miniflux.opml\n")
        let feeds = Dictionary(uniqueKeysWithValues: try followed(root + "/state").map { ($0.url, $0) })
        #expect(feeds["https://lobste.rs/rss"]?.category == "Tech")
        #expect(feeds["https://www.swift.org/atom.xml"]?.category == "Tech/Swift")
        #expect(feeds["https://ab.example/feed?x=1&y=2"]?.title == "A & B")
        #expect(feeds["https://ab.example/feed?x=1&y=2"]?.category == "News & Views")
        #expect(feeds["https://loose.example/rss"]?.category == "Later")
        #expect(try tidings(["import", root + "/miniflux.opml"], state: root + "/state").out.hasPrefix("imported 0 new feeds of 4"))

        // A list of URLs, one a line.
        try "# mine\nhttps://one.example/feed\n\nhttps://lobste.rs/rss\n".write(toFile: root + "/list.txt", atomically: true, encoding: .utf8)
        #expect(try tidings(["import", root + "/list.txt"], state: root + "/state").out.hasPrefix("imported 1 new feed of 2"))
    }

    /// FreshRSS's export: OPML 2.0 with its own namespaced attributes and
    /// categories one level deep.
    @Test func importReadsFreshRSSExports() throws {
        let root = TestPaths.temporaryDirectory("tidings-opml")
        let freshRSS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0" xmlns:frss="https://freshrss.org/opml">
            	<head>
            		<title>FreshRSS</title>
            		<dateCreated>Sun, 29 Nov 2026 10:00:00 +0000</dateCreated>
            	</head>
            	<body>
            		<outline text="Sans catégorie">
            			<outline text="FreshRSS releases" type="rss" xmlUrl="https://github.com/FreshRSS/FreshRSS/releases.atom" htmlUrl="https://github.com/FreshRSS/FreshRSS/" description="FreshRSS releases @ GitHub" frss:cssFullContent="article"/>
            		</outline>
            		<outline text="Développement">
            			<outline text="LWN" type="rss" xmlUrl="https://lwn.net/headlines/rss" htmlUrl="https://lwn.net/" frss:priority="important"/>
            		</outline>
            	</body>
            </opml>
            """
        try freshRSS.write(toFile: root + "/freshrss.opml", atomically: true, encoding: .utf8)
        let result = try tidings(["import", root + "/freshrss.opml"], state: root + "/state")
        #expect(result.status == 0, "\(result.err)")
        let feeds = Dictionary(uniqueKeysWithValues: try followed(root + "/state").map { ($0.url, $0) })
        #expect(feeds["https://lwn.net/headlines/rss"]?.category == "Développement")
        #expect(feeds["https://lwn.net/headlines/rss"]?.title == "LWN")
        #expect(feeds["https://github.com/FreshRSS/FreshRSS/releases.atom"]?.homePageURL == "https://github.com/FreshRSS/FreshRSS/")
    }

    @Test func aMalformedFileIsRefusedWhole() throws {
        let root = TestPaths.temporaryDirectory("tidings-opml")
        let broken = Self.minifluxShape.replacingOccurrences(of: "</body>", with: "")
        try broken.write(toFile: root + "/broken.opml", atomically: true, encoding: .utf8)
        _ = try tidings(["add", "--no-check", "https://kept.example/feed"], state: root + "/state")
        let result = try tidings(["import", root + "/broken.opml"], state: root + "/state")
        #expect(result.status == 1)
        #expect(result.err.contains("not well-formed OPML: line"), "\(result.err)")
        #expect(result.err.contains("nothing imported"))
        #expect(try followed(root + "/state").map(\.url) == ["https://kept.example/feed"])
        // An external entity is never fetched (a local server records any try).
        let server = try TestHTTPServer { _ in .ok("x", type: "text/plain") }
        defer { server.stop() }
        let entity = """
            <?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "\(server.baseURL)/evil">]>
            <opml version="2.0"><body><outline text="&x;" xmlUrl="https://e.example/feed"/></body></opml>
            """
        try entity.write(toFile: root + "/entity.opml", atomically: true, encoding: .utf8)
        _ = try tidings(["import", root + "/entity.opml"], state: root + "/state")
        #expect(server.requests.isEmpty, "the OPML parser fetched \(server.requests.map(\.path))")
    }

    /// newsboat, a real peer: what Tidings exports it imports, and what it
    /// exports Tidings imports, with the same set of URLs both ways.
    @Test func opmlRoundTripsThroughNewsboat() throws {
        let newsboat = "/usr/bin/newsboat"
        try #require(FileManager.default.isExecutableFile(atPath: newsboat), "newsboat is missing: make judges installs it")
        let root = TestPaths.temporaryDirectory("tidings-newsboat")
        try Self.minifluxShape.write(toFile: root + "/in.opml", atomically: true, encoding: .utf8)
        _ = try tidings(["import", root + "/in.opml"], state: root + "/state")
        let urls = Set(try followed(root + "/state").map(\.url))
        #expect(urls.count == 4)
        let exported = try tidings(["export", "--output", root + "/tidings.opml"], state: root + "/state")
        #expect(exported.status == 0, "\(exported.err)")

        // newsboat keeps its own files under $HOME; it gets a scratch one.
        let home = root + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        func newsboatRun(_ arguments: [String]) throws -> CommandLineTests.Run {
            try CommandLineTests.run("/usr/bin/env", ["HOME=" + home, "XDG_CONFIG_HOME=" + home + "/.config",
                                                      "XDG_DATA_HOME=" + home + "/.local/share", newsboat] + arguments)
        }
        let imported = try newsboatRun(["-i", root + "/tidings.opml"])
        #expect(imported.status == 0, "\(imported.err)")
        let back = try newsboatRun(["-e"])
        #expect(back.status == 0)
        try back.out.write(toFile: root + "/newsboat.opml", atomically: true, encoding: .utf8)

        let fresh = root + "/fresh"
        let again = try tidings(["import", root + "/newsboat.opml"], state: fresh)
        #expect(again.status == 0, "\(again.err)")
        #expect(Set(try followed(fresh).map(\.url)) == urls, "newsboat gave back \(back.out)")
    }

    @Test func exportWritesOPML2WithNestedCategories() throws {
        let root = TestPaths.temporaryDirectory("tidings-opml")
        try Self.minifluxShape.write(toFile: root + "/in.opml", atomically: true, encoding: .utf8)
        _ = try tidings(["import", root + "/in.opml"], state: root + "/state")
        let out = try tidings(["export"], state: root + "/state").out
        #expect(out.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">"))
        #expect(out.contains("""
                <outline text="Tech" title="Tech">
                  <outline type="rss" text="Lobsters" title="Lobsters" xmlUrl="https://lobste.rs/rss" htmlUrl="https://lobste.rs/"/>
                  <outline text="Swift" title="Swift">
            """), "\(out)")
        #expect(out.contains(#"xmlUrl="https://ab.example/feed?x=1&amp;y=2""#))
        // It reads back as it was.
        try out.write(toFile: root + "/out.opml", atomically: true, encoding: .utf8)
        _ = try tidings(["import", root + "/out.opml"], state: root + "/again")
        let categories = Set(try followed(root + "/again").map { "\($0.url) \($0.category ?? "-")" })
        #expect(categories == Set(try followed(root + "/state").map { "\($0.url) \($0.category ?? "-")" }))
    }

    // MARK: - poll

    @Test func pollWithoutADaemonPollsInTheCommandItself() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-poll")
        _ = try tidings(["add", server.baseURL + "/sub/feed.xml"], state: root + "/state")
        _ = try tidings(["add", server.baseURL + "/feed"], state: root + "/state")
        let polled = try tidings(["poll", server.baseURL + "/feed", "--output-dir", root + "/out"], state: root + "/state")
        #expect(polled.status == 0, "\(polled.err)")
        #expect(polled.lines.last?.hasPrefix("polled 1 feeds") == true, "\(polled.out)")
        #expect(TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 3, "only the feed asked for")
        let requests = server.requests.filter { $0.path == "/sub/feed.xml" }.count
        #expect(requests == 1, "the other feed was fetched only by add")
    }

    @Test func pollBesideARunningDaemonAsksItAndItPollsWithinSeconds() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-poll")
        _ = try tidings(["add", server.baseURL + "/feed"], state: root + "/state")
        let daemon = try ChildProcess.spawn(CommandLineTests.daemon, ["--state-dir", root + "/state", "--output-dir", root + "/out",
                                                                      "--interval", "1h"], stderr: root + "/daemon.log")
        defer { daemon.signal(SIGKILL) }
        let deadline = Date().addingTimeInterval(20)
        while TestPaths.files(under: root + "/out/articles", suffix: ".json").count < 3, Date() < deadline { usleep(50_000) }
        let before = server.requests.filter { $0.path == "/feed" }.count
        #expect(before == 2, "add, then the daemon's first poll")
        let asked = Date()
        let polled = try tidings(["poll", server.baseURL + "/feed"], state: root + "/state")
        #expect(polled.status == 0)
        #expect(polled.lines.last == "the running daemon polls it within seconds")
        while server.requests.filter({ $0.path == "/feed" }).count == before, Date().timeIntervalSince(asked) < 10 { usleep(50_000) }
        #expect(server.requests.filter { $0.path == "/feed" }.count == before + 1)
        #expect(Date().timeIntervalSince(asked) < 3, "the daemon polled \(Date().timeIntervalSince(asked)) s after")
    }
}
