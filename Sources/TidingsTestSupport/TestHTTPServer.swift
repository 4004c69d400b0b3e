import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 for tests, scriptable so that it can
/// misbehave: trickle bytes, reset a connection mid-body, lie about lengths.
/// One thread accepts; each connection gets a thread; every response closes
/// its connection. It records the requests it saw.
public final class TestHTTPServer: @unchecked Sendable {
    public let port: UInt16
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let handler: @Sendable (TestRequest) -> TestResponse
    private let seen = Mutex<[TestRequest]>([])
    private let stopped = Mutex(false)

    /// `port`: 0 for any free one; a given one to start again where a stopped server was.
    public init(port wanted: UInt16 = 0, handler: @escaping @Sendable (TestRequest) -> TestResponse) throws {
        self.handler = handler
        (listener, port) = try Loopback.listen(port: wanted, backlog: 128)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    public var requests: [TestRequest] { seen.withLock { $0 } }

    /// When each response finished, in the server's own threads: the
    /// moment a trickle found its client gone, for instance. Tests time
    /// what clients do by it, not by their own clock, which can wait on a
    /// busy cooperative pool.
    public var responsesFinished: [Date] { finished.withLock { $0 } }
    private let finished = Mutex<[Date]>([])

    /// When each request had arrived, by the server's clock.
    public var requestsArrived: [Date] { arrived.withLock { $0 } }
    private let arrived = Mutex<[Date]>([])

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
                // Only a closed listener ends the loop. Anything else
                // (EMFILE while other suites hold many descriptors, a client
                // gone before its accept) is passing: a server that stopped
                // accepting would leave clients waiting until they time out.
                if errno == EBADF || errno == EINVAL || stopped.withLock({ $0 }) { return }
                if errno != EINTR { usleep(10_000) }
                continue
            }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !buffer.containsHeaderEnd {
            let n = read(fd, &chunk, chunk.count)
            // A signal (SIGCHLD: tests spawn processes all the time) is no
            // end of the request.
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            buffer += chunk[0..<n]
            if buffer.count > 1 << 20 { return }
        }
        guard let request = TestRequest(parsing: buffer) else { return }
        arrived.withLock { $0.append(Date()) }
        seen.withLock { $0.append(request) }
        handler(request).write(to: fd)
        finished.withLock { $0.append(Date()) }
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

public struct TestRequest: Sendable {
    public let method: String
    public let path: String
    /// Header names lower-cased.
    public let headers: [String: String]

    init?(parsing bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let first = lines.removeFirst().split(separator: " ")
        guard first.count >= 2 else { return nil }
        method = String(first[0])
        path = String(first[1])
        var h: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            h[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        headers = h
    }
}

extension [UInt8] {
    fileprivate var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
            return true
        }
        return false
    }
}
