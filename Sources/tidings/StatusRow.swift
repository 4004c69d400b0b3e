import Foundation
import TidingsConfiguration
import TidingsModel
import TidingsStore

/// One feed as a row of `tidings status`: tab-separated for scripts
/// (with the URL), aligned on a terminal (with the title instead).
struct StatusRow {
    static let header = ["ID", "LAST POLL", "RESULT", "FAILS", "NEXT POLL", "INTERVAL", "URL", "NOTE"]
    static let tableHeader = ["ID", "FEED", "LAST POLL", "RESULT", "FAILS", "NEXT POLL", "INTERVAL"]
    var cells: [String]
    var tableCells: [String]
    /// Shown on its own line under the row, on a terminal.
    var note: String

    init(_ f: FeedRecord, now: Date) {
        let lastPoll = f.lastPollAt.map { Status.relative($0, now: now) } ?? "never"
        let next = f.disabledReason != nil ? "disabled" : f.pausedAt != nil ? "paused"
            : (f.nextPollAt.map { Status.relative($0, now: now) } ?? "now")
        let note = Self.note(f)
        cells = [f.id, lastPoll, f.lastResult ?? "-", String(f.consecutiveFailures), next, Self.interval(f), f.url,
                 note.isEmpty ? (f.displayTitle ?? "") : note]
        tableCells = [f.id, f.displayTitle ?? f.url, lastPoll, f.lastResult ?? "-", String(f.consecutiveFailures), next,
                      Self.interval(f)]
        self.note = note
    }

    static func interval(_ f: FeedRecord) -> String {
        if let own = f.operatorIntervalSeconds { return Duration.text(seconds: own) + "*" }
        return f.intervalSeconds.map { Duration.text(seconds: $0) } ?? "-"
    }

    /// What an operator should know, in words: why a feed is disabled or
    /// quarantined, a move, the last error.
    static func note(_ f: FeedRecord) -> String {
        var notes: [String] = []
        if let reason = f.disabledReason { notes.append(reason) }
        if let target = f.pendingMoveURL {
            notes.append("moving to \(target) (seen \(f.pendingMoveCount)x since \(f.pendingMoveSince.map(Timestamp.format) ?? "?"))")
        }
        if let from = f.movedFrom { notes.append("moved from \(from)") }
        if let reason = f.quarantineReason { notes.append(reason) }
        if let error = f.lastError, f.disabledReason == nil, error != f.quarantineReason { notes.append(error) }
        return notes.joined(separator: "; ")
    }

    /// Columns padded to their widest cell, the feed's title giving way
    /// (cut with "…") when the rows are wider than the terminal; a feed
    /// with something to say (an error, a move) says it on the next line.
    static func aligned(_ rows: [StatusRow], width: Int) -> [String] {
        let all = [tableHeader] + rows.map(\.tableCells)
        var widths = tableHeader.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        let excess = widths.reduce(0, +) + 2 * (tableHeader.count - 1) - width
        if excess > 0 { widths[1] = max(12, widths[1] - excess) }
        func line(_ row: [String]) -> String {
            row.indices.map { i in
                let cell = row[i].count > widths[i] ? String(row[i].prefix(max(0, widths[i] - 1))) + "…" : row[i]
                return i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var out = [line(tableHeader)]
        for row in rows {
            out.append(line(row.tableCells))
            guard !row.note.isEmpty else { continue }
            let text = "    ↳ " + row.note
            out.append(text.count > width ? String(text.prefix(width - 1)) + "…" : text)
        }
        return out
    }
}

/// `tidings status FEED`: everything known about one feed.
enum StatusDetail {
    /// - Parameter polledBy: the node that polled it last, when nodes share the state.
    static func lines(_ f: FeedRecord, articles: Int, now: Date, polledBy: String? = nil) -> [String] {
        var out: [(String, String)] = [("feed", f.id), ("url", f.url)]
        if f.addedURL != f.url { out.append(("added as", f.addedURL)) }
        out.append(("title", f.displayTitle ?? "-"))
        if f.operatorTitle != nil, let own = f.title { out.append(("feed's title", own)) }
        out.append(("category", f.category ?? "-"))
        out.append(("home page", f.homePageURL ?? "-"))
        out.append(("validators", [f.etag.map { "ETag \($0)" }, f.lastModified.map { "Last-Modified \($0)" }]
            .compactMap { $0 }.joined(separator: ", ").ifEmpty("none")))
        out.append(("interval", intervalText(f)))
        out.append(("last poll", f.lastPollAt.map {
            Status.relative($0, now: now) + ": " + (f.lastResult ?? "-") + (f.lastHTTPStatus.map { " (http \($0))" } ?? "")
        } ?? "never"))
        if let polledBy { out.append(("polled by", "node " + polledBy)) }
        if let error = f.lastError { out.append(("last error", error)) }
        out.append(("failures", "\(f.consecutiveFailures) in a row"))
        out.append(("next poll", f.disabledReason.map { "never: \($0)" }
            ?? f.pausedAt.map { "never: paused \(Status.relative($0, now: now)) (tidings resume)" }
            ?? f.nextPollAt.map { Status.relative($0, now: now) + " (" + Timestamp.format($0) + ")" } ?? "now"))
        out += requestLines(f.request)
        if f.droppedItems > 0 { out.append(("rules", "dropped \(f.droppedItems) item(s) of the last document")) }
        if let target = f.pendingMoveURL {
            out.append(("move", "pending to \(target), seen \(f.pendingMoveCount)x since "
                        + (f.pendingMoveSince.map(Timestamp.format) ?? "?")))
        }
        if let from = f.movedFrom { out.append(("moved from", from)) }
        if let reason = f.quarantineReason { out.append(("quarantine", reason)) }
        out.append(("articles", String(articles)))
        out.append(("added", Timestamp.format(f.addedAt)))
        let width = out.map(\.0.count).max() ?? 0
        return out.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }
    }

    /// How the feed is requested, secrets shown only as where they are read from.
    static func requestLines(_ settings: FeedRequestSettings?) -> [(String, String)] {
        guard let s = settings?.redacted else { return [] }
        var out: [(String, String)] = []
        if let agent = s.userAgent { out.append(("user agent", agent)) }
        for header in s.headers ?? [] { out.append(("header", header)) }
        if let cookie = s.cookie { out.append(("cookie", cookie)) }
        if let version = s.httpVersion { out.append(("http version", version)) }
        if let ip = s.ipVersion { out.append(("ip version", "IPv" + ip + " only")) }
        if let ca = s.caFile { out.append(("ca file", ca)) }
        if s.insecureTLS == true { out.append(("tls", "INSECURE: certificates not checked (--insecure-tls)")) }
        if let file = s.passwordFile { out.append(("credentials", "basic, user \(s.username ?? ""), password from \(file)")) }
        if let file = s.bearerTokenFile { out.append(("credentials", "bearer token from \(file)")) }
        if let proxy = s.proxy { out.append(("proxy", proxy)) }
        if s.proxyDisabled == true { out.append(("proxy", "none (--no-proxy)")) }
        return out
    }

    static func intervalText(_ f: FeedRecord) -> String {
        if let own = f.operatorIntervalSeconds { return Duration.text(seconds: own) + ", set by the operator" }
        guard let seconds = f.intervalSeconds else { return "not chosen yet (the first poll chooses it)" }
        return Duration.text(seconds: seconds) + ", from " + (f.intervalSource ?? "?") + " (±10% jitter)"
    }
}

private extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
