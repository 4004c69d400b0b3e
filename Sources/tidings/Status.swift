import ArgumentParser
import Foundation
import TidingsConfiguration
import TidingsModel
import TidingsStore
#if canImport(Glibc)
import Glibc
#endif

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how polling is going: a summary, then every feed, failing ones first; or one feed in full.",
        discussion: """
            On a terminal: a summary line, then aligned columns fitted to its width. Piped: the \
            same rows as tab-separated values (a header, no summary), for scripts; --json gives \
            every recorded field. With a FEED (URL or id): everything known about that feed.
            """)

    @OptionGroup var state: StateOptions

    @Flag(help: "Print JSON (one object per feed, every recorded field).")
    var json = false

    @Flag(help: "Aligned columns even when standard output is not a terminal (width: $COLUMNS, else 100).")
    var table = false

    @Argument(help: "One feed's URL or id: show it in full.")
    var feed: String?

    func run() throws {
        let registry = try state.registry(readOnly: true)
        let now = Date()
        reportDaemonTroubles(registry, now: now)
        if let feed {
            guard let record = try registry.find(feed) else { throw CLIError("no followed feed matches \(feed)") }
            if json { return try printJSON([record]) }
            let polledBy = (try? registry.lastPollers())?[record.id]
            let articles = (try? registry.articleCount(feedID: record.id)) ?? 0
            print(StatusDetail.lines(record, articles: articles, now: now, polledBy: polledBy).joined(separator: "\n"))
            return
        }
        let feeds = Self.sortedFailingFirst(try registry.all())
        if json { return try printJSON(feeds) }
        let rows = feeds.map { StatusRow($0, now: now) }
        if table || isatty(STDOUT_FILENO) == 1 {
            print(summary(feeds, articles: (try? registry.keptArticleCount()) ?? 0, lastRound: try? registry.lastRound(),
                          outage: (try? registry.networkOutage()) ?? nil, now: now)
                  + nodesLine((try? registry.nodes()) ?? [], now: now))
            print(StatusRow.aligned(rows, width: Self.terminalWidth()).joined(separator: "\n"))
        } else {
            print(StatusRow.header.joined(separator: "\t"))
            for row in rows { print(row.cells.joined(separator: "\t")) }
        }
    }

    /// Failing feeds first (most failures first), then the rest by title;
    /// each title lower-cased once, not at every comparison.
    static func sortedFailingFirst(_ feeds: [FeedRecord]) -> [FeedRecord] {
        feeds.map { (feed: $0, title: ($0.displayTitle ?? $0.url).lowercased()) }.sorted { a, b in
            let (fa, fb) = (a.feed.isFailing, b.feed.isFailing)
            if fa != fb { return fa }
            if a.feed.consecutiveFailures != b.feed.consecutiveFailures {
                return a.feed.consecutiveFailures > b.feed.consecutiveFailures
            }
            return a.title < b.title
        }.map(\.feed)
    }

    static func outageText(_ since: Date, now: Date) -> String {
        "network unreachable since \(Timestamp.format(since)) (\(relative(since, now: now))): "
            + "polls are retried, and no feed's failure count grows meanwhile"
    }

    func summary(_ feeds: [FeedRecord], articles: Int, lastRound: (summary: String, at: Date)?, outage: Date?,
                 now: Date) -> String {
        let disabled = feeds.count { $0.disabledReason != nil }
        let paused = feeds.count { $0.pausedAt != nil && $0.disabledReason == nil }
        let failing = feeds.count { $0.isFailing && $0.disabledReason == nil && $0.pausedAt == nil }
        let moved = feeds.count { $0.movedFrom != nil || $0.pendingMoveURL != nil }
        var text = "\(feeds.count) feeds: \(feeds.count - failing - disabled - paused) healthy, \(failing) failing, "
            + "\(disabled) disabled, \(paused) paused, \(moved) moved or moving; \(articles) articles"
        if let lastRound { text += "\nlast round \(Self.relative(lastRound.at, now: now)): \(lastRound.summary)" }
        if let since = outage { text += "\n" + Self.outageText(since, now: now) }
        return text + "\n"
    }

    /// The nodes sharing the state (PostgreSQL): each with its pid, when it
    /// was last seen and the leases it holds; empty for SQLite.
    func nodesLine(_ nodes: [TidingsState.Node], now: Date) -> String {
        guard !nodes.isEmpty else { return "" }
        return "nodes: " + nodes.map {
            "\($0.name) (pid \($0.pid), seen \(Self.relative($0.lastSeen, now: now)), \($0.leases) leases)"
        }.joined(separator: "; ") + "\n"
    }

    /// The daemon's own troubles, on standard error: a storage pause, and
    /// hook events that gave up.
    func reportDaemonTroubles(_ registry: TidingsState, now: Date) {
        if let pause = try? registry.storagePause() {
            warn("polling paused since \(Timestamp.format(pause.since)): \(pause.reason); "
                      + "next try \(Self.relative(pause.retryAt, now: now))")
        }
        if let since = (try? registry.networkOutage()) ?? nil { warn(Self.outageText(since, now: now)) }
        if let failures = try? registry.hookFailures(limit: 1), let latest = failures.latest.first {
            warn("the on_article hook gave up on \(failures.count) journal event(s); the latest: "
                      + "seq \(latest.seq) (\(latest.event) \(latest.articleID)) after \(latest.attempts) tries, "
                      + "\(Self.relative(latest.at, now: now)): \(latest.error)")
        }
    }

    /// A JSON array, one feed encoded and written at a time: ten thousand
    /// feeds never sit in memory as one encoded document.
    func printJSON(_ feeds: [FeedRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, e in
            var c = e.singleValueContainer()
            try c.encode(Timestamp.format(date))
        }
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Each object indented as the array's element; JSON strings hold
        // no raw newline, so every newline byte is layout. Control
        // characters are escaped by JSON itself.
        var out: [UInt8] = Array("[".utf8)
        for (i, feed) in feeds.enumerated() {
            out += Array((i == 0 ? "\n  " : ",\n  ").utf8)
            for byte in try encoder.encode(feed) {
                out.append(byte)
                if byte == UInt8(ascii: "\n") { out += [0x20, 0x20] }
            }
            if out.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out))
                out.removeAll(keepingCapacity: true)
            }
        }
        out += Array((feeds.isEmpty ? "]\n" : "\n]\n").utf8)
        FileHandle.standardOutput.write(Data(out))
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 100
    }

    /// "3m ago", "in 2h5m", "in 3d4h": one form in every row, however
    /// far (`StatusDetail` adds the absolute time where there is room).
    static func relative(_ date: Date, now: Date) -> String {
        let delta = date.timeIntervalSince(now)
        let magnitude = abs(delta)
        let text: String
        switch magnitude {
        case ..<60: text = "\(Int(magnitude))s"
        case ..<3600: text = "\(Int(magnitude / 60))m"
        case ..<86_400: text = "\(Int(magnitude / 3600))h\(Int(magnitude.truncatingRemainder(dividingBy: 3600) / 60))m"
        default: text = "\(Int(magnitude / 86_400))d\(Int(magnitude.truncatingRemainder(dividingBy: 86_400) / 3600))h"
        }
        return delta < 0 ? "\(text) ago" : "in \(text)"
    }
}

extension FeedRecord {
    var isFailing: Bool { consecutiveFailures > 0 || disabledReason != nil || quarantinedHash != nil }
}
