import ArgumentParser
import Foundation
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `tidingsd --once` against nginx serving thousands of generated feeds on
/// 127.0.0.1 (gzip, ETag, Last-Modified): a cold poll, then a warm one after
/// 10% of the feeds changed. nginx's own access log counts the answers.
struct PollBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll", abstract: "tidingsd --once against nginx: cold, then warm with 10% changed.")

    @Option(help: "How many feeds nginx serves.") var feeds = 10_000
    @Option(help: "The tidingsd to run.") var tidingsd = ".build/release/tidingsd"
    @Option(help: "nginx's binary.") var nginx = "/usr/sbin/nginx"
    @Flag(help: "Keep the generated site, state and logs (and say where).") var keep = false

    func run() throws {
        let root = NSTemporaryDirectory() + "tidings-poll-bench-\(getpid())"
        defer {
            if keep { print("kept: \(root)") } else { try? FileManager.default.removeItem(atPath: root) }
        }
        try FileManager.default.createDirectory(atPath: root + "/site/f", withIntermediateDirectories: true)
        chmod(root, 0o755)
        var generator = CorpusGenerator(seed: 7)
        for n in 0..<feeds { try write(feed: n, generation: 0, into: root, generator: &generator) }

        let port = try freePort()
        try nginxConfiguration(root: root, port: port).write(toFile: root + "/nginx.conf", atomically: true, encoding: .utf8)
        let server = try ChildProcess.spawn(nginx, ["-p", root, "-c", root + "/nginx.conf", "-g", "daemon off;"],
                                           stderr: root + "/nginx.stderr")
        defer {
            server.signal(SIGQUIT)
            _ = server.wait()
        }
        try waitForPort(port)
        let list = (0..<feeds).map { "http://127.0.0.1:\(port)/f/\(name($0))" }.joined(separator: "\n")
        try list.write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)

        let cold = try poll(root: root, importing: true)
        let coldStatuses = try statuses(root: root, skipping: 0)

        let changed = feeds / 10
        for n in stride(from: 0, to: feeds, by: feeds / changed).prefix(changed) {
            try write(feed: n, generation: 1, into: root, generator: &generator)
        }
        let warm = try poll(root: root, importing: false)
        let warmStatuses = try statuses(root: root, skipping: coldStatuses.values.reduce(0, +))

        print("poll benchmark: \(feeds) feeds on nginx 127.0.0.1:\(port) (gzip, ETag, Last-Modified), tidingsd --once")
        print(pad("", 26) + pad("wall s", 9) + pad("cpu s", 9) + pad("cpu ms/feed", 13) + pad("peak MB", 9) + "requests by status")
        for (label, usage, counts) in [("cold (empty state)", cold, coldStatuses), ("warm (\(changed) changed)", warm, warmStatuses)] {
            let byStatus = counts.keys.sorted().map { "\($0): \(counts[$0]!)" }.joined(separator: ", ")
            print(pad(label, 26) + pad(format(usage.wall, 2), 9) + pad(format(usage.cpu, 2), 9)
                  + pad(format(usage.cpu * 1000 / Double(feeds), 3), 13) + pad(format(usage.peakMegabytes, 0), 9) + byStatus)
        }
        print("warm CPU per feed is \(format(100 * warm.cpu / max(cold.cpu, 0.001), 1))% of cold")
    }

    func name(_ n: Int) -> String { "feed-\(n).\(n % 5 >= 3 ? "atom" : "rss")" }

    func write(feed n: Int, generation: Int, into root: String, generator: inout CorpusGenerator) throws {
        generator.rng = SplitMix(state: UInt64(n * 31 + generation))
        let items = 3 + n % 3 + generation
        let text = n % 5 >= 3 ? generator.atom(n, items: items) : generator.rss(n, items: items)
        let path = root + "/site/f/" + name(n)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
    }

    func poll(root: String, importing: Bool) throws -> ChildProcess.Usage {
        var args = ["--once", "--state-dir", root + "/state", "--output-dir", root + "/out"]
        if importing { args += ["--feeds", root + "/feeds.txt"] }
        let usage = try ChildProcess.spawn(tidingsd, args, stdout: root + "/tidingsd.out", stderr: root + "/tidingsd.log").wait()
        guard usage.status == 0 else { throw BenchError("tidingsd exited with \(usage.status); see \(root)/tidingsd.log") }
        return usage
    }

    /// Status codes from nginx's access log (one status per line), after the first `skipping` lines.
    func statuses(root: String, skipping: Int) throws -> [String: Int] {
        let log = try String(contentsOfFile: root + "/access.log", encoding: .utf8)
        var counts: [String: Int] = [:]
        for line in log.split(separator: "\n").dropFirst(skipping) { counts[String(line.prefix(3)), default: 0] += 1 }
        return counts
    }

    func nginxConfiguration(root: String, port: UInt16) -> String {
        """
        worker_processes 1;
        pid \(root)/nginx.pid;
        error_log \(root)/error.log warn;
        events { worker_connections 1024; }
        http {
            log_format status '$status';
            access_log \(root)/access.log status;
            client_body_temp_path \(root)/tmp-body;
            proxy_temp_path \(root)/tmp-proxy;
            fastcgi_temp_path \(root)/tmp-fastcgi;
            uwsgi_temp_path \(root)/tmp-uwsgi;
            scgi_temp_path \(root)/tmp-scgi;
            types { application/rss+xml rss; application/atom+xml atom; }
            gzip on;
            gzip_types application/rss+xml application/atom+xml;
            keepalive_requests 1000000;
            server {
                listen 127.0.0.1:\(port);
                root \(root)/site;
                etag on;
            }
        }
        """
    }

    func freePort() throws -> UInt16 {
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

    func waitForPort(_ port: UInt16) throws {
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
