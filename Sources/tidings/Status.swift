import ArgumentParser
import Foundation
import TidingsModel
import TidingsStore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how every feed's polling is going.",
        discussion: """
            One line per feed: id, last poll, result, consecutive failures, next poll, URL, and \
            any note (a pending or applied move, why a feed is disabled, the last error).
            """)

    @OptionGroup var state: StateOptions

    @Flag(help: "Print JSON (one object per feed, every recorded field).")
    var json = false

    func run() throws {
        let registry = try state.registry(readOnly: true)
        let feeds = try registry.all()
        if let pause = try? registry.storagePause() {
            let message = "tidings: polling paused since \(Timestamp.format(pause.since)): \(pause.reason); "
                + "next try \(Self.relative(pause.retryAt, now: Date()))\n"
            FileHandle.standardError.write(Data(message.utf8))
        }
        if let failures = try? registry.hookFailures(limit: 1), let latest = failures.latest.first {
            let message = "tidings: the on_article hook gave up on \(failures.count) journal event(s); the latest: "
                + "seq \(latest.seq) (\(latest.event) \(latest.articleID)) after \(latest.attempts) tries, "
                + "\(Self.relative(latest.at, now: Date())): \(latest.error)\n"
            FileHandle.standardError.write(Data(message.utf8))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .custom { date, e in
                var c = e.singleValueContainer()
                try c.encode(Timestamp.format(date))
            }
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(feeds), as: UTF8.self))
            return
        }
        let now = Date()
        print(["ID", "LAST POLL", "RESULT", "FAILS", "NEXT POLL", "URL", "NOTE"].joined(separator: "\t"))
        for f in feeds {
            print([
                f.id,
                f.lastPollAt.map { Self.relative($0, now: now) } ?? "never",
                f.lastResult ?? "-",
                String(f.consecutiveFailures),
                f.disabledReason != nil ? "disabled" : (f.nextPollAt.map { Self.relative($0, now: now) } ?? "now"),
                f.url,
                Self.note(f),
            ].joined(separator: "\t"))
        }
    }

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

    /// "3m ago", "in 2h", with the absolute time for anything over a day.
    static func relative(_ date: Date, now: Date) -> String {
        let delta = date.timeIntervalSince(now)
        let magnitude = abs(delta)
        if magnitude >= 86_400 { return Timestamp.format(date) }
        let text: String
        switch magnitude {
        case ..<60: text = "\(Int(magnitude))s"
        case ..<3600: text = "\(Int(magnitude / 60))m"
        default: text = "\(Int(magnitude / 3600))h\(Int(magnitude.truncatingRemainder(dividingBy: 3600) / 60))m"
        }
        return delta < 0 ? "\(text) ago" : "in \(text)"
    }
}
