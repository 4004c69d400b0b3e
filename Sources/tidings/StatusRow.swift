import Foundation
import TidingsConfiguration
import TidingsModel
import TidingsStore

/// One feed as a row of `tidings status`.
struct StatusRow {
    static let header = ["ID", "LAST POLL", "RESULT", "FAILS", "NEXT POLL", "INTERVAL", "URL", "NOTE"]
    var cells: [String]

    init(_ f: FeedRecord, now: Date) {
        cells = [
            f.id,
            f.lastPollAt.map { Status.relative($0, now: now) } ?? "never",
            f.lastResult ?? "-",
            String(f.consecutiveFailures),
            f.disabledReason != nil ? "disabled" : (f.nextPollAt.map { Status.relative($0, now: now) } ?? "now"),
            Self.interval(f),
            f.url,
            Self.note(f),
        ]
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
        if notes.isEmpty, let title = f.displayTitle { notes.append(title) }
        return notes.joined(separator: "; ")
    }

    /// Columns padded to their widest cell; when the rows are wider than
    /// the terminal, the URL and the note give way (cut with "…"), the
    /// note first.
    static func aligned(_ rows: [StatusRow], width: Int) -> [String] {
        let all = [header] + rows.map(\.cells)
        var widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        let gaps = 2 * (header.count - 1)
        let url = 6, note = 7
        var excess = widths.reduce(0, +) + gaps - width
        for column in [note, url] where excess > 0 {
            let floor = column == url ? 24 : 12
            let cut = min(excess, max(0, widths[column] - floor))
            widths[column] -= cut
            excess -= cut
        }
        return all.map { row in
            row.indices.map { i in
                let cell = row[i].count > widths[i] ? String(row[i].prefix(max(0, widths[i] - 1))) + "…" : row[i]
                return i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}

/// `tidings status FEED`: everything known about one feed.
enum StatusDetail {
    static func lines(_ f: FeedRecord, articles: Int, now: Date) -> [String] {
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
        if let error = f.lastError { out.append(("last error", error)) }
        out.append(("failures", "\(f.consecutiveFailures) in a row"))
        out.append(("next poll", f.disabledReason.map { "never: \($0)" }
            ?? f.nextPollAt.map { Status.relative($0, now: now) } ?? "now"))
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

    static func intervalText(_ f: FeedRecord) -> String {
        if let own = f.operatorIntervalSeconds { return Duration.text(seconds: own) + ", set by the operator" }
        guard let seconds = f.intervalSeconds else { return "not chosen yet (the first poll chooses it)" }
        return Duration.text(seconds: seconds) + ", from " + (f.intervalSource ?? "?") + " (±10% jitter)"
    }
}

private extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
