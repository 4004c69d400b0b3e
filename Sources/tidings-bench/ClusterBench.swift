import ArgumentParser
import Foundation
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A cold poll of the same nginx corpus by one node on SQLite, one node on
/// PostgreSQL and three nodes on one PostgreSQL, in one run: the nodes' CPU
/// (summed), the wall time until the last node is done, the highest peak
/// RSS, PostgreSQL's own CPU (durable commits, as SQLite's are), and the
/// feeds nginx served more than once (two nodes polling one feed: must be 0).
struct ClusterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "A cold poll by one node on SQLite, one on PostgreSQL, three on one PostgreSQL.")

    @Option(help: "How many feeds nginx serves.") var feeds = 1_000
    @Option(help: "Concurrent transfers of each node.") var concurrency = 8
    @Option(help: "The tidingsd to run.") var tidingsd = ".build/release/tidingsd"
    @Option(help: "nginx's binary.") var nginx = "/usr/sbin/nginx"
    @Option(help: "Where the dated results (Markdown) are written; empty for none.") var results = "docs/bench"
    @Option(help: "Where to build the site and run (kept; a site already there is reused). Default: a temporary directory.")
    var directory: String?

    struct Row {
        var name: String
        var cpu = 0.0
        var wall = 0.0
        var peak = 0.0
        var postgresCPU: Double?
        var polledTwice = 0
        var requests = 0
    }

    func run() throws {
        let root = directory ?? NSTemporaryDirectory() + "tidings-cluster-bench-\(getpid())"
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: root) } }
        for leftover in ["sqlite", "postgres-1", "postgres-3", "access.log"] {
            try? FileManager.default.removeItem(atPath: root + "/" + leftover)
        }
        let site = try FeedSite(root: root, feeds: feeds, nginx: nginx)
        defer { site.stop() }
        let postgres = try PostgresServer(durable: true)
        defer { postgres.stop() }
        print("cluster benchmark: cold poll of \(feeds) feeds from nginx on 127.0.0.1, \(concurrency) transfers a node")
        var rows: [Row] = []
        for (name, nodes, engine) in [("one node, SQLite", 1, "sqlite"), ("one node, PostgreSQL", 1, "postgres-1"),
                                      ("three nodes, one PostgreSQL", 3, "postgres-3")] {
            let url = engine == "sqlite" ? nil : try postgres.makeDatabase("bench")
            let row = try coldPoll(name, nodes: nodes, url: url, site: site, postgres: postgres, in: root + "/" + engine)
            print("  \(name): \(format(row.cpu, 2)) CPU s, \(format(row.wall, 2)) s, PostgreSQL "
                  + (row.postgresCPU.map { format($0, 2) + " CPU s" } ?? "-") + ", polled twice: \(row.polledTwice)")
            rows.append(row)
        }
        let text = table(rows)
        print(text)
        if !results.isEmpty {
            let day = CorpusGenerator.formatter("yyyy-MM-dd").string(from: Date())
            let path = results + "/cluster-\(day).md"
            let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores; "
                + (try Contender.output(tidingsd, ["--version"])) + "; PostgreSQL " + (try Contender.packageVersion("postgresql-15"))
            var report = "# Cold poll: one node on SQLite, one on PostgreSQL, three on one PostgreSQL\n\n"
            report += "\(feeds) feeds (RSS 2.0, Atom, RSS 1.0; gzip, ETag, Last-Modified) from nginx on 127.0.0.1; "
            report += "\(concurrency) transfers a node; PostgreSQL on a Unix socket with fsync and synchronous commits, "
            report += "as SQLite's commits are durable. \(machine).\n\n"
            report += "`tidings-bench cluster --feeds \(feeds)`\n\n" + text + "\n"
            try report.write(toFile: path, atomically: true, encoding: .utf8)
            print("results: \(path)")
        }
    }

    /// The nodes started together on an empty state, each importing the
    /// list and polling with `--once` until no feed is due.
    private func coldPoll(_ name: String, nodes: Int, url: String?, site: FeedSite, postgres: PostgresServer,
                          in directory: String) throws -> Row {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try site.urls.joined(separator: "\n").write(toFile: directory + "/feeds.txt", atomically: true, encoding: .utf8)
        try "fetch:\n  maximum_concurrent_transfers: \(concurrency)\n"
            .write(toFile: directory + "/tidings.yaml", atomically: true, encoding: .utf8)
        // What the last run (or the site's generation) left dirty is written
        // out first, not by this run's syncs.
        sync()
        let logged = site.requestCount()
        let postgresBefore = url == nil ? nil : postgresCPU(postgres)
        let started = Date()
        let children = try (0..<nodes).map { n in
            try ChildProcess.spawn(tidingsd, ["--once", "--config", directory + "/tidings.yaml", "--feeds", directory + "/feeds.txt",
                                              "--state-dir", directory + "/state-\(n)", "--output-dir", directory + "/out",
                                              "--node-name", "node\(n)"] + (url.map { ["--state-url", $0] } ?? []),
                                   stdout: directory + "/node\(n).log", stderr: directory + "/node\(n).log")
        }
        var row = Row(name: name)
        for child in children {
            let usage = child.wait()
            guard usage.status == 0 else { throw BenchError("\(name): a node exited with \(usage.status); see \(directory)") }
            row.cpu += usage.cpu
            row.peak = max(row.peak, usage.peakMegabytes)
        }
        row.wall = Date().timeIntervalSince(started)
        // The nodes' backends have exited; the postmaster reaps them (and
        // counts their CPU) a moment later.
        usleep(500_000)
        if let postgresBefore { row.postgresCPU = postgresCPU(postgres) - postgresBefore }
        let byPath = site.requestsByPath(skipping: logged)
        row.requests = byPath.values.reduce(0, +)
        row.polledTwice = byPath.values.count { $0 > 1 }
        return row
    }

    /// CPU seconds of PostgreSQL's processes: the postmaster's own, its
    /// reaped backends', and its live children's.
    private func postgresCPU(_ server: PostgresServer) -> Double {
        guard let postmaster = server.postmasterPID else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = 0.0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let fields = Self.stat(pid), fields.count > 16 else { continue }
            let parent = pid_t(fields[3]) ?? 0
            guard pid == postmaster || parent == postmaster else { continue }
            total += (Double(fields[13]) ?? 0) + (Double(fields[14]) ?? 0)
            if pid == postmaster { total += (Double(fields[15]) ?? 0) + (Double(fields[16]) ?? 0) }
        }
        return total / ticks
    }

    /// /proc/PID/stat's fields, the command name (which may hold spaces) as one.
    private static func stat(_ pid: pid_t) -> [String]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let head = text[..<close].split(separator: " ", maxSplits: 1).map(String.init)
        return head.prefix(1) + ["(comm)"] + text[text.index(after: close)...].split(separator: " ").map(String.init)
    }

    private func table(_ rows: [Row]) -> String {
        let base = rows.first?.wall ?? 1
        var lines = [
            "| run | CPU s (nodes) | wall s | wall vs one node on SQLite | peak RSS MB | PostgreSQL CPU s | requests | feeds polled twice |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            lines.append("| \(row.name) | \(format(row.cpu, 2)) | \(format(row.wall, 2)) | \(format(row.wall / base, 2))× | "
                         + "\(format(row.peak, 0)) | \(row.postgresCPU.map { format($0, 2) } ?? "-") | \(row.requests) | \(row.polledTwice) |")
        }
        return lines.joined(separator: "\n")
    }
}
