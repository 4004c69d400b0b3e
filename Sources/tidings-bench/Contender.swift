import Foundation
import TidingsTestSupport

/// One program the poll benchmark runs over the same nginx corpus: Tidings
/// (`tidingsd --once`) or a peer, each in a directory of its own with its
/// own cache, at the same number of concurrent transfers.
struct Contender {
    enum Phase: String, CaseIterable {
        case cold, warm, idle
    }

    let name: String
    let version: String
    /// The command of each phase, as run (for the results file).
    let commands: [Phase: [String]]

    func run(_ phase: Phase, log: String) throws -> ChildProcess.Usage {
        let command = commands[phase]!
        let usage = try ChildProcess.spawn(command[0], Array(command.dropFirst()), stdout: log, stderr: log).wait()
        guard usage.status == 0 else { throw BenchError("\(name) \(phase) exited with \(usage.status); see \(log)") }
        return usage
    }

    static func tidings(_ tidingsd: String, site: FeedSite, concurrency: Int, in directory: String) throws -> Contender {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "fetch:\n  maximum_concurrent_transfers: \(concurrency)\n"
            .write(toFile: directory + "/tidings.yaml", atomically: true, encoding: .utf8)
        try site.urls.joined(separator: "\n").write(toFile: directory + "/feeds.txt", atomically: true, encoding: .utf8)
        let once = [tidingsd, "--once", "--config", directory + "/tidings.yaml",
                    "--state-dir", directory + "/state", "--output-dir", directory + "/out"]
        return Contender(name: "Tidings", version: try output(tidingsd, ["--version"]),
                         commands: [.cold: once + ["--feeds", directory + "/feeds.txt"], .warm: once, .idle: once])
    }

    /// sfeed_update with the fetch function sfeed's README gives for
    /// conditional requests (`--etag-save`/`--etag-compare`, `-z`), and
    /// `maxjobs` transfers at a time.
    static func sfeed(site: FeedSite, concurrency: Int, in directory: String) throws -> Contender {
        try FileManager.default.createDirectory(atPath: directory + "/etags", withIntermediateDirectories: true)
        let feeds = (0..<site.feeds).map { "\tfeed \"feed-\($0)\" \"\(site.url($0))\"" }.joined(separator: "\n")
        let rc = """
            sfeedpath="\(directory)/feeds"
            maxjobs=\(concurrency)
            feeds() {
            \(feeds)
            }
            # fetch(name, url, feedfile): sfeed's README, "Caching, incremental data updates".
            fetch() {
            \tetag="\(directory)/etags/$(basename "$3")"
            \tcurl -L --max-redirs 0 -H "User-Agent:" -f -s -m 15 --compressed \\
            \t\t--etag-save "${etag}" --etag-compare "${etag}" -z "${etag}" "$2" 2>/dev/null
            }

            """
        try rc.write(toFile: directory + "/sfeedrc", atomically: true, encoding: .utf8)
        let command = ["/usr/bin/env", "HOME=\(directory)", "sfeed_update", directory + "/sfeedrc"]
        return Contender(name: "sfeed", version: "sfeed " + (try packageVersion("sfeed")),
                         commands: [.cold: command, .warm: command, .idle: command])
    }

    /// `newsboat -x reload` with its own URL file, cache and configuration
    /// (`reload-threads`), and a home of its own.
    static func newsboat(site: FeedSite, concurrency: Int, in directory: String) throws -> Contender {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try site.urls.joined(separator: "\n").write(toFile: directory + "/urls", atomically: true, encoding: .utf8)
        try "reload-threads \(concurrency)\n".write(toFile: directory + "/config", atomically: true, encoding: .utf8)
        let command = ["/usr/bin/env", "HOME=\(directory)", "newsboat", "-x", "reload", "-u", directory + "/urls",
                       "-c", directory + "/cache.db", "-C", directory + "/config"]
        return Contender(name: "newsboat", version: "newsboat " + (try packageVersion("newsboat")),
                         commands: [.cold: command, .warm: command, .idle: command])
    }

    static func packageVersion(_ package: String) throws -> String {
        try output("/usr/bin/dpkg-query", ["-W", "-f=${Version}", package])
    }

    /// What a command prints, trimmed.
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let file = NSTemporaryDirectory() + "tidings-bench-output-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let usage = try ChildProcess.spawn(executable, arguments, stdout: file, stderr: file).wait()
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        guard usage.status == 0 else { throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed: \(text)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
