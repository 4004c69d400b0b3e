import ArgumentParser
import Foundation
import TidingsModel
import TidingsStore
import TidingsTestSupport

/// The index at scale: a million articles recorded through the real store
/// as the daemon records them (`TidingsState.apply`, a group of polls made
/// durable together: files staged, one syncfs, renames, directory fsyncs,
/// a durable commit, journal lines synced), in polls of `--per-feed` items
/// from feeds that share a tenth of their stories with a neighbour, grouped
/// as the ledger groups them (up to 64 feeds or 5,000 articles). Dedup lookups
/// per second are measured by polling again, unchanged, the first 100,000
/// articles when the index holds them and the last 100,000 when it holds
/// all: what an unchanged poll costs at either size. Then `tidings reindex`
/// (the store's own rebuild, as the CLI runs it) over the whole tree.
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "A million articles through the store: dedup lookups, state size, reindex.")

    @Option(help: "Articles to record.") var articles = 1_000_000
    @Option(name: .customLong("per-feed"), help: "Items per feed (one record call each).") var perFeed = 1000
    @Option(help: "Articles in each measured slice.") var slice = 100_000
    @Option(help: "Where to build the tree (default: a temporary directory, removed after).") var directory: String?

    func validate() throws {
        guard articles >= perFeed, slice >= perFeed, slice <= articles else {
            throw ValidationError("--slice must be at least --per-feed (\(perFeed)) and at most --articles (\(articles))")
        }
    }

    func run() throws {
        let root = directory ?? NSTemporaryDirectory() + "tidings-store-bench-\(getpid())"
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: root) } }
        let floor = try Self.fileSystemFloor(root + "/floor", files: min(articles, 20_000))
        let store = try TidingsState(stateDirectory: root + "/state", outputDirectory: root + "/out")
        let feeds = articles / perFeed
        let day = Date(timeIntervalSince1970: 1_795_000_000)
        print("store benchmark: \(articles) sightings, \(feeds) feeds of \(perFeed) items (every tenth a neighbour's story), "
              + "release build, real files, durable in groups")

        var recorded = Measurement(wall: 0, cpu: 0)
        var early: Measurement?
        let perGroup = max(1, min(TidingsState.groupFeeds, TidingsState.groupArticles / perFeed))
        var reported = 0
        for first in stride(from: 0, to: feeds, by: perGroup) {
            let group = first..<min(feeds, first + perGroup)
            let changes = group.map { f in
                TidingsState.Change.articles(Self.entries(feed: f, perFeed: perFeed), feed: Self.feed(f), at: day, then: nil)
            }
            let m = try Measurement.of {
                for result in store.apply(changes) { _ = try result.get() }
            }
            recorded.wall += m.wall
            recorded.cpu += m.cpu
            let done = group.upperBound * perFeed
            if early == nil, done >= slice { early = try lookups(store, feeds: 0..<(slice / perFeed), at: day) }
            if done / max(1, articles / 20) > reported {
                reported = done / max(1, articles / 20)
                print("  recorded \(done) articles, \(format(recorded.wall, 0)) s")
            }
        }
        let late = try lookups(store, feeds: (feeds - slice / perFeed)..<feeds, at: day)
        let size = ["", "-wal"].map { (try? FileManager.default.attributesOfItem(atPath: root + "/state/tidings.sqlite3" + $0)[.size] as? Int) ?? 0 }
            .reduce(0, +)
        let distinct = try store.count()
        let reindex = try Measurement.of { _ = try store.reindex() }

        print("")
        print(pad("", 44) + pad("wall s", 10) + pad("per second", 12))
        print(pad("record \(articles) sightings (\(distinct) articles)", 44) + pad(format(recorded.wall, 1), 10)
              + pad(format(Double(articles) / recorded.wall, 0), 12))
        if let early {
            print(pad("dedup lookups, first \(slice) (index: \(slice))", 44) + pad(format(early.wall, 2), 10)
                  + pad(format(Double(slice) / early.wall, 0), 12))
            print(pad("dedup lookups, last \(slice) (index: \(articles))", 44) + pad(format(late.wall, 2), 10)
                  + pad(format(Double(slice) / late.wall, 0), 12))
            print("last slice at \(format(100 * early.wall / late.wall, 0))% of the first slice's rate")
        }
        print(pad("tidings reindex of \(distinct) files", 44) + pad(format(reindex.wall, 1), 10)
              + pad(format(Double(distinct) / reindex.wall, 0), 12))
        print("state database: \(format(Double(size) / 1_048_576, 1)) MB (\(format(Double(size) / Double(distinct), 0)) bytes an article)")
        print("the file system's floor, same directory tree, no sync at all: create, write 2 KB and rename "
              + "\(floor.files) files: \(format(floor.oneThread, 0))/s on one thread, \(format(floor.eightThreads, 0))/s on eight")
    }

    /// What the file system alone allows: files created, written and renamed
    /// into one directory, without any sync, on one thread and on eight
    /// (as the store writes a group's files). A store that writes a file a
    /// sighting cannot record faster than this; on a file system that has
    /// freed many inodes, creating one is most of the cost.
    static func fileSystemFloor(_ directory: String, files: Int) throws -> (files: Int, oneThread: Double, eightThreads: Double) {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bytes = [UInt8](repeating: 0x61, count: 2048)
        func run(_ threads: Int, _ label: String) throws -> Double {
            let staging = directory + "/\(label)-staging", target = directory + "/\(label)"
            for d in [staging, target] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
            let t0 = Date()
            let done = DispatchSemaphore(value: 0)
            for worker in 0..<threads {
                Thread {
                    defer { done.signal() }
                    for i in stride(from: worker, to: files, by: threads) {
                        let temp = staging + "/\(i).tmp"
                        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                        guard fd >= 0 else { continue }
                        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                        close(fd)
                        rename(temp, target + "/\(i).json")
                    }
                }.start()
            }
            for _ in 0..<threads { done.wait() }
            return Double(files) / Date().timeIntervalSince(t0)
        }
        return (files, try run(1, "one"), try run(8, "eight"))
    }

    /// Polls feeds again with nothing changed, in groups: every entry is
    /// a lookup (keys, row, source, a stat of the file) and nothing is written.
    private func lookups(_ store: TidingsState, feeds: Range<Int>, at day: Date) throws -> Measurement {
        let perGroup = max(1, min(TidingsState.groupFeeds, TidingsState.groupArticles / perFeed))
        return try Measurement.of {
            for first in stride(from: feeds.lowerBound, to: feeds.upperBound, by: perGroup) {
                let group = first..<min(feeds.upperBound, first + perGroup)
                let changes = group.map { f in
                    TidingsState.Change.articles(Self.entries(feed: f, perFeed: perFeed), feed: Self.feed(f), at: day, then: nil)
                }
                for (f, result) in zip(group, store.apply(changes)) {
                    let summary = try result.get()
                    guard summary.unchanged == perFeed else { throw BenchError("feed \(f) was not unchanged: \(summary)") }
                }
            }
        }
    }

    static func feed(_ f: Int) -> FeedIdentity {
        FeedIdentity(id: String(format: "%016x", f), url: "https://feed\(f).example/rss", title: "Feed \(f)",
                     homePageURL: "https://feed\(f).example/")
    }

    /// Feed f's items; every tenth is a story of feed f-1 under its own
    /// guid, with tracking parameters on the link (a cross-feed match).
    static func entries(feed f: Int, perFeed: Int) -> [Entry] {
        (0..<perFeed).map { i in
            let shared = f > 0 && i % 10 == 9
            let story = shared ? "https://news\(f - 1).example/\(f - 1)/\(i - 1)?utm_source=f\(f)" : "https://news\(f).example/\(f)/\(i)"
            return Entry(guid: "f\(f)-\(i)", url: story, title: "Story \(i) of feed \(f)",
                         contentHTML: "<p>" + String(repeating: "Text of story \(i) of feed \(f). ", count: 12) + "</p>",
                         datePublished: Date(timeIntervalSince1970: 1_795_000_000 - Double(i) * 60))
        }
    }
}
