import ArgumentParser
import Foundation
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Tidings beside sfeed and newsboat over the same nginx corpus, at the
/// same concurrency, one after another: a cold poll (empty state), a warm
/// one after a tenth of the feeds changed (the rest byte-identical, same
/// mtime), and an idle one (every answer a 304). The figures go to the
/// terminal, and with every version and command to a dated Markdown file
/// beside an SVG chart of the same figures.
struct PollBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll", abstract: "Tidings beside sfeed and newsboat: cold, warm (10% changed) and idle polls.")

    @Option(help: "How many feeds nginx serves.") var feeds = 1_000
    @Option(help: "Concurrent transfers, for Tidings and each peer.") var concurrency = 8
    @Option(help: "The tidingsd to run.") var tidingsd = ".build/release/tidingsd"
    @Option(help: "nginx's binary.") var nginx = "/usr/sbin/nginx"
    @Option(help: "Peers to run beside Tidings (sfeed, newsboat).") var peers: [String] = ["sfeed", "newsboat"]
    @Option(help: "Where the dated results (Markdown and SVG) are written; empty for none.") var results = "docs/bench"
    @Option(help: "Where to build the site and run (kept afterwards; a site already there is reused). Default: a temporary directory.")
    var directory: String?
    @Flag(help: "Keep the generated site, states and logs (and say where).") var keep = false

    struct Row {
        var tool: String
        var phase: Contender.Phase
        var usage: ChildProcess.Usage
        var statuses: [String: Int]
    }

    func run() throws {
        let root = directory ?? NSTemporaryDirectory() + "tidings-poll-bench-\(getpid())"
        defer {
            if keep || directory != nil { print("kept: \(root)") } else { try? FileManager.default.removeItem(atPath: root) }
        }
        // Whatever an earlier run left beside the site starts afresh.
        for leftover in ["tidings", "sfeed", "newsboat", "access.log"] {
            try? FileManager.default.removeItem(atPath: root + "/" + leftover)
        }
        let site = try FeedSite(root: root, feeds: feeds, nginx: nginx)
        defer { site.stop() }
        let items = (0..<feeds).reduce(0) { $0 + FeedSite.itemCount($1) }
        let bytes = (0..<feeds).reduce(0) { total, n in
            total + ((try? FileManager.default.attributesOfItem(atPath: root + "/site/f/" + FeedSite.name(n))[.size] as? Int) ?? 0)
        }
        var contenders = [try Contender.tidings(tidingsd, site: site, concurrency: concurrency, in: root + "/tidings")]
        for peer in peers {
            switch peer {
            case "sfeed": contenders.append(try .sfeed(site: site, concurrency: concurrency, in: root + "/sfeed"))
            case "newsboat": contenders.append(try .newsboat(site: site, concurrency: concurrency, in: root + "/newsboat"))
            default: throw BenchError("no peer called \(peer)")
            }
        }
        let corpus = "\(feeds) feeds, \(items) items, \(format(Double(bytes) / 1e6, 0)) MB "
            + "(RSS 2.0, Atom, RSS 1.0; gzip, ETag, Last-Modified) from nginx on 127.0.0.1, "
            + "\(site.changed.count) changed for the warm poll; \(concurrency) transfers at a time"
        print("poll benchmark: " + corpus)

        var rows: [Row] = []
        for contender in contenders {
            try site.setChanged(generation: 0)
            for phase in Contender.Phase.allCases {
                if phase == .warm { try site.setChanged(generation: 1) }
                let before = try site.statuses()
                let usage = try contender.run(phase, log: root + "/\(contender.name)-\(phase).log")
                let after = try site.statuses()
                var statuses: [String: Int] = [:]
                for (status, count) in after where count > before[status, default: 0] {
                    statuses[status] = count - before[status, default: 0]
                }
                rows.append(Row(tool: contender.name, phase: phase, usage: usage, statuses: statuses))
                print("  \(contender.name) \(phase): \(format(usage.cpu, 2)) CPU s, \(format(usage.wall, 2)) s")
            }
        }
        let report = PollReport(corpus: corpus, feeds: feeds, rows: rows, contenders: contenders)
        print(report.table())
        if !results.isEmpty {
            let paths = try report.write(to: results)
            print("results: \(paths.joined(separator: ", "))")
        }
    }
}
