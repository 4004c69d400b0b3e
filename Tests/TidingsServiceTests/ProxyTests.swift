import Foundation
import Testing
import TidingsModel
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Proxies as operators set them (the environment, `fetch.proxy`, a feed's
/// own `--proxy` and `--no-proxy`), judged by a local proxy that records
/// what passed through it; the address guard through a proxy; a server
/// that speaks only HTTP/2.
@Suite(.timeLimit(.minutes(3))) struct ProxyTests {
    static func site(_ r: TestRequest) -> TestResponse {
        switch r.path {
        case "/a.xml": return .ok(OperatorCLITests.rss("A"))
        case "/b.xml": return .ok(OperatorCLITests.rss("B"))
        case "/c.xml": return .ok(OperatorCLITests.rss("C"))
        case "/to-loopback": return .redirect(302, to: "http://127.0.0.1:\(r.headers["x-port"] ?? "1")/a.xml")
        default: return .status(404)
        }
    }

    struct Setup {
        let server: TestHTTPServer
        let root: String
        var state: String { root + "/state" }
        var out: String { root + "/out" }

        init(_ name: String) throws {
            server = try TestHTTPServer(handler: ProxyTests.site)
            root = TestPaths.temporaryDirectory(name)
        }

        func daemon(feeds: [String], config: String = "", environment: [String: String?] = [:]) throws -> CommandLineTests.Run {
            try feeds.joined(separator: "\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
            try config.write(toFile: root + "/tidings.yaml", atomically: true, encoding: .utf8)
            var env = environment
            for name in ["http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"]
            where env[name] == nil { env[name] = .some(nil) }
            return try RealFeedsSupport.run(CommandLineTests.daemon, [
                "--once", "--config", root + "/tidings.yaml", "--feeds", root + "/feeds.txt",
                "--state-dir", state, "--output-dir", out,
            ], environment: env)
        }

        func tidings(_ arguments: [String]) throws -> CommandLineTests.Run {
            try RealFeedsSupport.run(CommandLineTests.cli, arguments + ["--state-dir", state])
        }

        func record(_ url: String) throws -> FeedRecord? { try TidingsState(stateDirectory: state, readOnly: true).find(url) }
    }

    @Test func theEnvironmentsProxyIsUsedExceptWhereNoProxySaysOtherwise() throws {
        let s = try Setup("tidings-proxy-env")
        let proxy = try TestProxy(.http)
        let port = s.server.port
        // feeds.example does not resolve here: only the proxy can reach it.
        let proxied = "http://feeds.example:\(port)/a.xml", direct = "http://direct.localhost:\(port)/b.xml"
        let run = try s.daemon(feeds: [proxied, direct],
                               environment: ["http_proxy": proxy.url, "no_proxy": "localhost,.localhost"])
        #expect(run.status == 0, "\(run.err)")
        #expect(proxy.targets == [proxied])
        #expect(try s.record(proxied)?.lastResult == "ok" && s.record(direct)?.lastResult == "ok")
    }

    @Test func socks5hResolvesNamesAtTheProxyAndAFeedsOwnSettingWins() throws {
        let s = try Setup("tidings-proxy-socks")
        let socks = try TestProxy(.socks5)
        let http = try TestProxy(.http)
        let port = s.server.port
        let viaSocks = "http://feeds.invalid-name.example:\(port)/a.xml"
        let viaHTTP = "http://other.invalid-name.example:\(port)/b.xml"
        let direct = "http://127.0.0.1:\(port)/c.xml"
        for (url, options) in [(viaHTTP, ["--proxy", http.url]), (direct, ["--no-proxy"])] {
            let added = try s.tidings(["add", "--no-check", url] + options)
            #expect(added.status == 0, "\(added.err)")
        }
        let run = try s.daemon(feeds: [viaSocks], config: "fetch:\n  proxy: \(socks.url)\n",
                               environment: ["http_proxy": "http://127.0.0.1:9"])
        #expect(run.status == 0, "\(run.err)")
        // The name, not an address: nothing was resolved on this machine.
        #expect(socks.targets == ["feeds.invalid-name.example:\(port)"])
        #expect(http.targets == [viaHTTP])
        for url in [viaSocks, viaHTTP, direct] { #expect(try s.record(url)?.lastResult == "ok", "\(url)") }
        let detail = try s.tidings(["status", viaHTTP])
        #expect(detail.out.contains("proxy") && detail.out.contains(http.url), "\(detail.out)")
    }

    @Test func throughAProxyTheGuardJudgesTheTargetNotTheProxy() throws {
        let s = try Setup("tidings-proxy-guard")
        let proxy = try TestProxy(.http)
        let port = s.server.port
        let allowed = "http://feeds.example:\(port)/a.xml"
        let loopback = "http://127.0.0.1:\(port)/b.xml"
        let metadata = "http://169.254.169.254/latest/meta-data/"
        let redirected = "http://feeds.example:\(port)/to-loopback"
        let added = try s.tidings(["add", "--no-check", redirected, "--header", "X-Port: \(port)"])
        #expect(added.status == 0)
        let run = try s.daemon(feeds: [allowed, loopback, metadata],
                               config: "fetch:\n  proxy: \(proxy.url)\n  refuse_private_addresses: true\n")
        #expect(run.status == 0, "\(run.err)")
        // The proxy is on loopback, and was used; the targets on loopback
        // and link-local were refused before anything was sent.
        #expect(try s.record(allowed)?.lastResult == "ok")
        #expect(try s.record(loopback)?.lastResult == "refused address")
        #expect(try s.record(loopback)?.lastError?.contains("127.0.0.1 is a private address") == true)
        let metadataError = try s.record(metadata)?.lastError
        #expect(metadataError?.contains("link-local") == true, "\(String(describing: metadataError))")
        #expect(try s.record(redirected)?.lastResult == "refused address")
        #expect(proxy.targets.sorted() == [allowed, redirected].sorted())
        #expect(!s.server.requests.contains { $0.path == "/b.xml" })
    }

    @Test func linkLocalIsRefusedDirectlyUnlessAllowed() throws {
        let s = try Setup("tidings-link-local")
        let metadata = "http://169.254.169.254/latest/meta-data/"
        let run = try s.daemon(feeds: [metadata])
        #expect(run.status == 0)
        let refused = try #require(try s.record(metadata))
        #expect(refused.lastResult == "refused address" && refused.lastError?.contains("fetch.allow_link_local_addresses") == true,
                "\(String(describing: refused.lastError))")
        // Allowed, it is dialled (and, with no such host here, fails to connect).
        try "fetch:\n  allow_link_local_addresses: true\n  connect_timeout_seconds: 1\n"
            .write(toFile: s.root + "/allow.yaml", atomically: true, encoding: .utf8)
        _ = try s.tidings(["poll", metadata])
        _ = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--config", s.root + "/allow.yaml",
                                                               "--state-dir", s.state, "--output-dir", s.out])
        #expect(try s.record(metadata)?.lastResult != "refused address")
    }

    @Test func aFeedThatSpeaksOnlyHTTP2IsReadWithHTTPVersion2() throws {
        let nginx = try TestNginx(files: ["feed.xml": OperatorCLITests.rss("Two")], listenOptions: "http2")
        let root = TestPaths.temporaryDirectory("tidings-http2")
        let state = root + "/state"
        let url = "http://127.0.0.1:\(nginx.port)/feed.xml"
        let plain = try RealFeedsSupport.run(CommandLineTests.cli, ["add", url, "--state-dir", state])
        #expect(plain.status == 1, "\(plain.out)")
        let two = try RealFeedsSupport.run(CommandLineTests.cli, ["add", url, "--http-version", "2", "--state-dir", state])
        #expect(two.status == 0 && two.out.contains("Two (3 items)"), "\(two.err)")
        let run = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--state-dir", state, "--output-dir", root + "/out"])
        #expect(run.status == 0)
        #expect(try TidingsState(stateDirectory: state, readOnly: true).find(url)?.lastResult == "ok")
        let log = try String(contentsOfFile: nginx.root + "/access.log", encoding: .utf8)
        #expect(log.contains("HTTP/2.0"), "\(log)")
    }
}
