import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real nginx on 127.0.0.1 serving `files` from a temporary directory,
/// with `listen` options of the test's choosing (`http2`: a server that
/// speaks only HTTP/2 over plain TCP, as some sites do over TLS).
public final class TestNginx {
    public let port: UInt16
    public let root: String
    private let process: Process

    public init(files: [String: String], listenOptions: String = "") throws {
        root = TestPaths.temporaryDirectory("tidings-nginx")
        try FileManager.default.createDirectory(atPath: root + "/site", withIntermediateDirectories: true)
        chmod(root, 0o755)
        for (name, text) in files { try text.write(toFile: root + "/site/" + name, atomically: true, encoding: .utf8) }
        let probe = try TestHTTPServer { _ in .status(200) }
        port = probe.port
        probe.stop()
        let configuration = """
            worker_processes 1;
            daemon off;
            pid \(root)/nginx.pid;
            error_log \(root)/error.log warn;
            events { worker_connections 64; }
            http {
                access_log \(root)/access.log;
                client_body_temp_path \(root)/tmp-body;
                proxy_temp_path \(root)/tmp-proxy;
                fastcgi_temp_path \(root)/tmp-fastcgi;
                uwsgi_temp_path \(root)/tmp-uwsgi;
                scgi_temp_path \(root)/tmp-scgi;
                types { application/rss+xml xml; }
                server {
                    listen 127.0.0.1:\(port) \(listenOptions);
                    root \(root)/site;
                }
            }
            """
        try configuration.write(toFile: root + "/nginx.conf", atomically: true, encoding: .utf8)
        process = try QuietProcess.start("/usr/sbin/nginx", ["-c", root + "/nginx.conf", "-p", root],
                                         errorLog: root + "/stderr.log")
        for _ in 0..<100 {
            if Self.canConnect(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestServerError("nginx did not start: " + ((try? String(contentsOfFile: root + "/error.log", encoding: .utf8)) ?? ""))
    }

    deinit { stop() }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGQUIT)
        process.waitUntilExit()
    }

    private static func canConnect(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
