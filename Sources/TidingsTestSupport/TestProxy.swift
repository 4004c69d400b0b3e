import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small forwarding proxy on 127.0.0.1 for tests, HTTP or SOCKS5, that
/// records what passed through it: each target as the client named it
/// (a host name stays a name: a SOCKS5 client that resolved it itself
/// sends an address instead, which is how a DNS leak shows). Every target
/// is reached on 127.0.0.1 at the port named, whatever the host, so a
/// feed at `http://feeds.example:PORT/` reaches the test server at PORT.
public final class TestProxy: @unchecked Sendable {
    public enum Kind: Sendable { case http, socks5 }

    public let port: UInt16
    public let kind: Kind
    public var url: String { (kind == .http ? "http" : "socks5h") + "://127.0.0.1:\(port)" }
    private let listener: Int32
    private let seen = Mutex<[String]>([])
    private let stopped = Mutex(false)

    /// What passed: for HTTP, each request's absolute URL; for SOCKS5,
    /// each `host:port` connected to.
    public var targets: [String] { seen.withLock { $0 } }

    public init(_ kind: Kind) throws {
        self.kind = kind
        (listener, port) = try Loopback.listen(port: 0, backlog: 64)
        Thread { [self] in acceptLoop() }.start()
    }

    deinit { stop() }

    public func stop() {
        let already = stopped.withLock { s -> Bool in defer { s = true }; return s }
        if !already {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private func acceptLoop() {
        while !stopped.withLock({ $0 }) {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EBADF || errno == EINVAL || stopped.withLock({ $0 }) { return }
                continue
            }
            Thread { [self] in
                defer { close(client) }
                switch kind {
                case .http: serveHTTP(client)
                case .socks5: serveSOCKS(client)
                }
            }.start()
        }
    }

    private func serveHTTP(_ client: Int32) {
        var head: [UInt8] = []
        while !head.ends(with: [13, 10, 13, 10]) {
            guard let byte = readExactly(client, 1)?.first else { return }
            head.append(byte)
        }
        var lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count == 3, let target = URLComponents(string: String(parts[1])) else { return }
        seen.withLock { $0.append(String(parts[1])) }
        let path = (target.percentEncodedPath.isEmpty ? "/" : target.percentEncodedPath)
            + (target.percentEncodedQuery.map { "?" + $0 } ?? "")
        lines[0] = "\(parts[0]) \(path) \(parts[2])"
        lines.removeAll { $0.lowercased().hasPrefix("proxy-") }
        guard let upstream = Loopback.connect(port: UInt16(target.port ?? 80)) else { return }
        defer { close(upstream) }
        _ = Loopback.sendAll(upstream, Array(lines.joined(separator: "\r\n").utf8))
        relay(client, upstream)
    }

    private func serveSOCKS(_ client: Int32) {
        guard let greeting = readExactly(client, 2), greeting[0] == 5,
              readExactly(client, Int(greeting[1])) != nil, Loopback.sendAll(client, [5, 0]),
              let request = readExactly(client, 4), request[0] == 5, request[1] == 1 else { return }
        let host: String
        switch request[3] {
        case 1:
            guard let a = readExactly(client, 4) else { return }
            host = a.map(String.init).joined(separator: ".")
        case 3:
            guard let n = readExactly(client, 1)?.first, let name = readExactly(client, Int(n)) else { return }
            host = String(decoding: name, as: UTF8.self)
        case 4:
            guard let a = readExactly(client, 16) else { return }
            host = "[" + a.map { String($0, radix: 16) }.joined(separator: ":") + "]"
        default: return
        }
        guard let p = readExactly(client, 2) else { return }
        let port = UInt16(p[0]) << 8 | UInt16(p[1])
        seen.withLock { $0.append("\(host):\(port)") }
        guard let upstream = Loopback.connect(port: port) else {
            _ = Loopback.sendAll(client, [5, 5, 0, 1, 0, 0, 0, 0, 0, 0])
            return
        }
        defer { close(upstream) }
        guard Loopback.sendAll(client, [5, 0, 0, 1, 127, 0, 0, 1, 0, 0]) else { return }
        relay(client, upstream)
    }

    /// Both ways until either side closes.
    private func relay(_ a: Int32, _ b: Int32) {
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = poll(&fds, 2, 10_000)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            for i in 0..<2 where fds[i].revents != 0 {
                let got = read(fds[i].fd, &buffer, buffer.count)
                if got <= 0 { return }
                if !Loopback.sendAll(fds[1 - i].fd, Array(buffer[0..<got])) { return }
            }
        }
    }

    private func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: max(count, 1))
        while out.count < count {
            let n = read(fd, &buffer, count - out.count)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return nil }
            out += buffer[0..<n]
        }
        return out
    }

}

private extension [UInt8] {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
