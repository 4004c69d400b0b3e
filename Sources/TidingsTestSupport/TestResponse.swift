import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the test server does with one request.
public enum TestResponse: Sendable {
    /// A normal response; Content-Length is added.
    case send(status: Int, headers: [(String, String)], body: [UInt8])
    /// Sends the head, then the body one chunk at a time with a pause between.
    case trickle(status: Int, headers: [(String, String)], body: [UInt8], chunk: Int, pause: Double)
    /// Sends the head and `partial` of a body announced as `declaredLength`, then resets the connection.
    case reset(status: Int, headers: [(String, String)], partial: [UInt8], declaredLength: Int)

    public static func ok(_ body: String, type: String = "application/rss+xml; charset=utf-8",
                          headers: [(String, String)] = []) -> TestResponse {
        .send(status: 200, headers: [("Content-Type", type)] + headers, body: Array(body.utf8))
    }

    public static func status(_ code: Int, headers: [(String, String)] = []) -> TestResponse {
        .send(status: code, headers: headers, body: [])
    }

    public static func redirect(_ code: Int, to location: String) -> TestResponse {
        .send(status: code, headers: [("Location", location)], body: [])
    }

    func write(to fd: Int32) {
        switch self {
        case .send(let status, let headers, let body):
            Loopback.sendAll(fd, head(status, headers, length: body.count) + body)
        case .trickle(let status, let headers, let body, let chunk, let pause):
            Loopback.sendAll(fd, head(status, headers, length: body.count))
            var offset = 0
            while offset < body.count {
                let end = Swift.min(offset + chunk, body.count)
                if !Loopback.sendAll(fd, Array(body[offset..<end])) { return }
                offset = end
                Thread.sleep(forTimeInterval: pause)
            }
        case .reset(let status, let headers, let partial, let declared):
            Loopback.sendAll(fd, head(status, headers, length: declared) + partial)
            Thread.sleep(forTimeInterval: 0.05)
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
    }

    private func head(_ status: Int, _ headers: [(String, String)], length: Int) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        text += "Content-Length: \(length)\r\nConnection: close\r\n\r\n"
        return Array(text.utf8)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 404: "Not Found"
        case 410: "Gone"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
