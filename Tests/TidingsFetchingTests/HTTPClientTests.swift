import Foundation
import Synchronization
import Testing
import TidingsFetching
import TidingsTestSupport
import TidingsConfiguration

/// The client against a real HTTP server on 127.0.0.1.
@Suite(.timeLimit(.minutes(2))) struct HTTPClientTests {
    static let feed = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>"

    @Test func conditionalGetWithETagGets304() async throws {
        let server = try TestHTTPServer { request in
            if request.headers["if-none-match"] == "\"v1\"" { return .status(304) }
            return .ok(Self.feed, headers: [("ETag", "\"v1\"")])
        }
        let client = HTTPClient()
        defer { client.shutdown() }
        let first = try await client.fetch(FetchRequest(url: server.baseURL + "/feed"))
        #expect(first.status == 200)
        #expect(first.etag == "\"v1\"")
        #expect(String(decoding: first.body, as: UTF8.self) == Self.feed)
        let second = try await client.fetch(FetchRequest(url: server.baseURL + "/feed", etag: first.etag))
        #expect(second.isNotModified)
        #expect(second.body.isEmpty)
    }

    @Test func conditionalGetWithLastModifiedGets304() async throws {
        let stamp = "Wed, 25 Nov 2026 10:00:00 GMT"
        let server = try TestHTTPServer { request in
            request.headers["if-modified-since"] == stamp ? .status(304) : .ok(Self.feed, headers: [("Last-Modified", stamp)])
        }
        let client = HTTPClient()
        defer { client.shutdown() }
        let first = try await client.fetch(FetchRequest(url: server.baseURL))
        #expect(first.lastModified == stamp)
        let second = try await client.fetch(FetchRequest(url: server.baseURL, lastModified: first.lastModified))
        #expect(second.status == 304)
    }

    @Test func sendsIdentifiableAgentFeedAcceptAndEveryEncoding() async throws {
        let server = try TestHTTPServer { _ in .ok(Self.feed) }
        var policy = FetchPolicy()
        policy.userAgent = "TidingsTest/1.0 (+https://example.invalid)"
        let client = HTTPClient(policy: policy)
        defer { client.shutdown() }
        _ = try await client.fetch(FetchRequest(url: server.baseURL))
        let headers = try #require(server.requests.first?.headers)
        #expect(headers["user-agent"] == "TidingsTest/1.0 (+https://example.invalid)")
        #expect(headers["accept"]?.hasPrefix("application/rss+xml, application/atom+xml") == true)
        let encodings = headers["accept-encoding"] ?? ""
        #expect(encodings.contains("gzip") && encodings.contains("deflate"))
        #expect(FetchPolicy.defaultUserAgent.contains(FetchPolicy.version))
    }

    @Test(arguments: ["gzip", "deflate"])
    func compressedBodiesAreDecoded(encoding: String) async throws {
        let body = Array(String(repeating: Self.feed, count: 50).utf8)
        let packed = encoding == "gzip" ? Compression.gzip(body) : Compression.deflate(body)
        let server = try TestHTTPServer { _ in .send(status: 200, headers: [("Content-Encoding", encoding)], body: packed) }
        let client = HTTPClient()
        defer { client.shutdown() }
        let response = try await client.fetch(FetchRequest(url: server.baseURL))
        #expect(packed.count < body.count / 5)
        #expect(response.body == body)
    }

    @Test func anyHTTPStatusIsAResponseWithItsHeaders() async throws {
        let server = try TestHTTPServer { _ in .status(429, headers: [("Retry-After", "120")]) }
        let client = HTTPClient()
        defer { client.shutdown() }
        let response = try await client.fetch(FetchRequest(url: server.baseURL))
        #expect(response.status == 429)
        #expect(response.retryAfter == "120")
    }

    @Test func charsetComesFromContentType() async throws {
        let server = try TestHTTPServer { _ in .ok(Self.feed, type: "text/xml; charset=\"ISO-8859-1\"") }
        let client = HTTPClient()
        defer { client.shutdown() }
        #expect(try await client.fetch(FetchRequest(url: server.baseURL)).charset == "iso-8859-1")
    }

    @Test func manyFeedsConcurrentlyOnOneClient() async throws {
        let server = try TestHTTPServer { request in .ok("<rss><channel><title>\(request.path)</title></channel></rss>") }
        let client = HTTPClient()
        defer { client.shutdown() }
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<40 {
                group.addTask { String(decoding: try await client.fetch(FetchRequest(url: server.baseURL + "/f\(i)")).body, as: UTF8.self) }
            }
            var all: [String] = []
            for try await b in group { all.append(b) }
            return all
        }
        #expect(Set(bodies).count == 40)
    }
}
