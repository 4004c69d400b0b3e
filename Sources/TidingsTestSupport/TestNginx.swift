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
        port = try Loopback.freePort()
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
            if Loopback.canConnect(port: port) { return }
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
}
