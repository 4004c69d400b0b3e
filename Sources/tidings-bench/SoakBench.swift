import ArgumentParser
import Foundation
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A running daemon in its steady state: `tidingsd` (not `--once`) on
/// thousands of feeds with a short interval, every feed answering 304 after
/// the first round. After the first round and one more interval, it
/// measures for `--seconds` the daemon's CPU time per poll (from
/// /proc/PID/stat, polls counted in nginx's access log) and its resident
/// memory at the start and the end of the window.
struct SoakBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "A running tidingsd on a short interval: CPU per 304 poll, memory over time.")

    @Option(help: "How many feeds nginx serves.") var feeds = 1_000
    @Option(help: "Seconds measured, after the first round and one interval.") var seconds = 120
    @Option(help: "The poll interval in seconds (default: 15 per 1,000 feeds, so 67 polls a second).") var interval: Double?
    @Option(help: "The tidingsd to run.") var tidingsd = ".build/release/tidingsd"
    @Option(help: "nginx's binary.") var nginx = "/usr/sbin/nginx"
    @Option(help: "Where the dated results (Markdown) are written; empty for none.") var results = "docs/bench"
    @Option(help: "Where to build the site and run (kept afterwards; a site already there is reused). Default: a temporary directory.")
    var directory: String?
    @Flag(help: "Keep the generated site, state and logs (and say where).") var keep = false

    struct Sample {
        var at: Date
        var cpu: Double
        var residentMegabytes: Double
        var requests: Int
    }

    func run() throws {
        let root = directory ?? NSTemporaryDirectory() + "tidings-soak-bench-\(getpid())"
        defer {
            if keep || directory != nil { print("kept: \(root)") } else { try? FileManager.default.removeItem(atPath: root) }
        }
        // Whatever an earlier run left beside the site starts afresh.
        for leftover in ["tidings", "sfeed", "newsboat", "access.log"] {
            try? FileManager.default.removeItem(atPath: root + "/" + leftover)
        }
        let site = try FeedSite(root: root, feeds: feeds, nginx: nginx)
        defer { site.stop() }
        let every = interval ?? 15 * Double(feeds) / 1000
        let directory = root + "/tidings"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            poll_interval_seconds: \(every)
            minimum_interval_seconds: \(every)
            maximum_interval_seconds: \(every)
            fetch:
              maximum_concurrent_transfers: 8

            """.write(toFile: directory + "/tidings.yaml", atomically: true, encoding: .utf8)
        try site.urls.joined(separator: "\n").write(toFile: directory + "/feeds.txt", atomically: true, encoding: .utf8)
        let command = [tidingsd, "--allow-short-intervals", "--config", directory + "/tidings.yaml", "--feeds", directory + "/feeds.txt",
                       "--state-dir", directory + "/state", "--output-dir", directory + "/out"]
        print("soak: \(feeds) feeds, interval \(format(every, 0)) s, \(seconds) s measured: \(command.joined(separator: " "))")
        let daemon = try ChildProcess.spawn(command[0], Array(command.dropFirst()), stderr: directory + "/tidingsd.log")
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let started = Date()
        while site.requestCount() < feeds {
            guard Self.sample(daemon.pid, site) != nil else { throw BenchError("tidingsd ended; see \(directory)/tidingsd.log") }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let firstRound = Date().timeIntervalSince(started)
        print("  first round (cold, \(feeds) feeds): \(format(firstRound, 1)) s; waiting one interval")
        Thread.sleep(forTimeInterval: every)
        guard let start = Self.sample(daemon.pid, site) else { throw BenchError("tidingsd ended; see \(directory)/tidingsd.log") }
        let statusesBefore = try site.statuses()
        var end = start
        var peak = start.residentMegabytes
        while end.at.timeIntervalSince(start.at) < Double(seconds) {
            Thread.sleep(forTimeInterval: min(10, Double(seconds) - end.at.timeIntervalSince(start.at) + 0.01))
            guard let next = Self.sample(daemon.pid, site) else { throw BenchError("tidingsd ended; see \(directory)/tidingsd.log") }
            end = next
            peak = max(peak, next.residentMegabytes)
        }
        let statusesAfter = try site.statuses()
        var statuses: [String: Int] = [:]
        for (status, count) in statusesAfter where count > statusesBefore[status, default: 0] {
            statuses[status] = count - statusesBefore[status, default: 0]
        }
        let polls = end.requests - start.requests
        let cpu = end.cpu - start.cpu
        let window = end.at.timeIntervalSince(start.at)
        let byStatus = statuses.keys.sorted().map { "\($0): \(statuses[$0]!)" }.joined(separator: ", ")
        let table = """
            | feeds | interval s | window s | polls | polls/s | requests by status | CPU s | CPU ms a poll | RSS MB at start | RSS MB at end | highest RSS MB sampled |
            |---|---|---|---|---|---|---|---|---|---|---|
            | \(feeds) | \(format(every, 0)) | \(format(window, 0)) | \(polls) | \(format(Double(polls) / window, 1)) | \(byStatus) | \(format(cpu, 2)) | \(format(cpu * 1000 / Double(max(polls, 1)), 3)) | \(format(start.residentMegabytes, 1)) | \(format(end.residentMegabytes, 1)) | \(format(peak, 1)) |
            """
        print(table)
        guard !results.isEmpty else { return }
        let report = PollReport(corpus: "", feeds: feeds, rows: [], contenders: [])
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        let path = results + "/soak-\(report.day)-\(feeds).md"
        let text = """
            # Steady-state soak, \(report.day), \(feeds) feeds

            `tidings-bench soak --feeds \(feeds) --seconds \(seconds)` (`make bench`), one run. Machine: \(BenchMachine.description).

            `tidingsd` runs as a daemon on \(feeds) feeds from nginx on 127.0.0.1 (the poll benchmark's corpus), every
            interval bound set to \(format(every, 0)) s; the first round (cold) took \(format(firstRound, 1)) s. After one
            more interval, the window below is measured: CPU from /proc/PID/stat, polls from nginx's access log,
            resident memory (VmRSS) sampled every 10 s.

            \(table)

            Command: `\(command.joined(separator: " "))`

            Version: \((try? Contender.output(tidingsd, ["--version"])) ?? "?")

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print("results: \(path)")
    }

    /// CPU seconds and resident memory of a running process; nil once it ended.
    static func sample(_ pid: pid_t, _ site: FeedSite) -> Sample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime 14 and stime 15 (1-based).
        guard fields.count > 13, fields[0] != "Z", let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Double($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        return Sample(at: Date(), cpu: (user + system) / ticks, residentMegabytes: rss / 1024, requests: site.requestCount())
    }
}
