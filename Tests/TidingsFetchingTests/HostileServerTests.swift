import Foundation
import Testing
import TidingsFetching
import TidingsTestSupport
import TidingsConfiguration

/// Servers that are slow, broken or malicious: each ends in a named failure,
/// in bounded time and memory.
@Suite(.timeLimit(.minutes(3))) struct HostileServerTests {
    @Test func bodyOverTheLimitIsAborted() async throws {
        let server = try TestHTTPServer { _ in .send(status: 200, headers: [], body: [UInt8](repeating: 0x61, count: 300_000)) }
        var policy = FetchPolicy()
        policy.maximumBodyBytes = 100_000
        let client = HTTPClient(policy: policy)
        defer { client.shutdown() }
        await #expect(throws: FetchError.tooLarge(limit: 100_000)) { try await client.fetch(FetchRequest(url: server.baseURL)) }
    }

    @Test func gzipBombIsCutAtTheLimitOfDecodedBytes() async throws {
        let bomb = Compression.gzipBomb(size: 1 << 30)  // 1 GiB of zeros in about 1 MB
        let server = try TestHTTPServer { _ in .send(status: 200, headers: [("Content-Encoding", "gzip")], body: bomb) }
        var policy = FetchPolicy()
        policy.maximumBodyBytes = 4 << 20
        let client = HTTPClient(policy: policy)
        defer { client.shutdown() }
        #expect(bomb.count < 2 << 20)
        await #expect(throws: FetchError.tooLarge(limit: 4 << 20)) { try await client.fetch(FetchRequest(url: server.baseURL)) }
    }

    @Test func tricklingServerIsCutOffByTheLowSpeedLimit() async throws {
        let server = try TestHTTPServer { _ in
            .trickle(status: 200, headers: [], body: [UInt8](repeating: 0x61, count: 100), chunk: 1, pause: 1)
        }
        var policy = FetchPolicy()
        policy.lowSpeedBytesPerSecond = 10
        policy.lowSpeedSeconds = 2
        let client = HTTPClient(policy: policy)
        defer { client.shutdown() }
        let start = Date()
        await #expect {
            try await client.fetch(FetchRequest(url: server.baseURL))
        } throws: { ($0 as? FetchError)?.kind == "timeout" }
        // The whole trickle would take 100 s; cut off, it ends after a few.
        // Timed by the server, from the request's arrival to the end of its
        // trickle (which stops when the client has gone): this test's own
        // clock, and even the start of the fetch, can wait tens of seconds
        // while other suites' blocking tests hold the cooperative pool.
        let deadline = Date().addingTimeInterval(120)
        while server.responsesFinished.isEmpty, Date() < deadline { usleep(100_000) }
        let cutOff = try #require(server.responsesFinished.first)
        let arrival = try #require(server.requestsArrived.first)
        #expect(arrival >= start)
        #expect(cutOff.timeIntervalSince(arrival) < 20, "the trickle went on for \(cutOff.timeIntervalSince(arrival)) s")
    }

    @Test func connectionResetMidBodyIsAConnectionFailure() async throws {
        let server = try TestHTTPServer { _ in
            .reset(status: 200, headers: [], partial: Array("<rss><channel>".utf8), declaredLength: 10_000)
        }
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.fetch(FetchRequest(url: server.baseURL))
        } throws: { error in
            guard let e = error as? FetchError else { return false }
            return e.kind == "connect" || e.kind == "protocol"
        }
    }

    @Test func unresolvableHostIsADNSFailure() async throws {
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.fetch(FetchRequest(url: "http://no-such-host.invalid/feed"))
        } throws: { ($0 as? FetchError)?.kind == "dns" }
    }

    @Test func refusedPortIsAConnectFailure() async throws {
        let server = try TestHTTPServer { _ in .status(200) }
        let url = server.baseURL
        server.stop()
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.fetch(FetchRequest(url: url))
        } throws: { ($0 as? FetchError)?.kind == "connect" }
    }

    @Test func redirectChainIsFollowedAndRecorded() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/a": .redirect(301, to: "/b")
            case "/b": .redirect(302, to: "/c")
            default: .ok("<rss/>")
            }
        }
        let client = HTTPClient()
        defer { client.shutdown() }
        let response = try await client.fetch(FetchRequest(url: server.baseURL + "/a"))
        #expect(response.status == 200)
        #expect(response.finalURL == server.baseURL + "/c")
        #expect(response.redirects.map(\.status) == [301, 302])
        #expect(!response.isPermanentMove)
    }

    @Test func redirectLoopEndsInANamedFailure() async throws {
        let server = try TestHTTPServer { request in .redirect(302, to: request.path == "/x" ? "/y" : "/x") }
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect(throws: FetchError.tooManyRedirects) { try await client.fetch(FetchRequest(url: server.baseURL + "/x")) }
    }

    @Test func redirectToAFileURLIsRefused() async throws {
        let server = try TestHTTPServer { _ in .redirect(302, to: "file:///etc/passwd") }
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.fetch(FetchRequest(url: server.baseURL, allowFileScheme: true))
        } throws: { ($0 as? FetchError)?.kind == "refused scheme" }
    }

    @Test func fileURLsOnlyWhenAllowed() async throws {
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.fetch(FetchRequest(url: "file:///etc/hostname"))
        } throws: { ($0 as? FetchError)?.kind == "refused scheme" }
        let path = TestPaths.feeds + "/samples/night-shift-podcast.rss"
        let response = try await client.fetch(FetchRequest(url: "file://" + path, allowFileScheme: true))
        #expect(response.body == [UInt8](FileManager.default.contents(atPath: path)!))
    }

    @Test func privateAddressesRefusedWhenAsked() async throws {
        let server = try TestHTTPServer { _ in .ok("<rss/>") }
        var policy = FetchPolicy()
        policy.refusePrivateAddresses = true
        let client = HTTPClient(policy: policy)
        defer { client.shutdown() }
        await #expect {
            try await client.fetch(FetchRequest(url: server.baseURL))
        } throws: { ($0 as? FetchError)?.kind == "refused address" }
        // "localhost" resolves to loopback too: the check is after DNS.
        await #expect {
            try await client.fetch(FetchRequest(url: "http://localhost:\(server.port)/"))
        } throws: { ($0 as? FetchError)?.kind == "refused address" }
        #expect(server.requests.isEmpty)
    }
}

@Suite(.timeLimit(.minutes(3))) struct TLSTests {
    @Test func selfSignedCertificateIsAClearTLSError() async throws {
        let server = try SelfSignedTLSServer()
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.fetch(FetchRequest(url: server.baseURL + "/"))
        } throws: { error in
            guard let e = error as? FetchError else { return false }
            return e.kind == "tls" && e.description.hasPrefix("tls: ")
        }
    }
}
