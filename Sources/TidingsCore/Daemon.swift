import Foundation
import Logging
import TidingsFetching
import TidingsModel
import TidingsStore

/// The polling loop: polls every due feed, concurrently, then sleeps until
/// the next one is due. Re-reads the feed list every round, so feeds added
/// with `tidings add` are picked up while it runs.
public final class Daemon: Sendable {
    public let configuration: Configuration
    let ledger: Ledger
    let client: HTTPClient
    let hosts = HostGate()
    let logger: Logger
    /// The longest the loop sleeps before looking at the feed list again.
    static let wakeInterval: Double = 5

    public init(configuration: Configuration, logger: Logger) throws(StoreError) {
        self.configuration = configuration
        self.logger = logger
        let crashed = CrashNote.collect(stateDirectory: configuration.stateDirectory)
        ledger = try Ledger(configuration: configuration, crashedFeeds: crashed)
        CrashNote.install(stateDirectory: configuration.stateDirectory)
        client = HTTPClient(policy: configuration.fetch)
        for feed in ledger.interruptedParses.counted {
            let metadata: Logger.Metadata = [
                "feed.id": "\(feed.id)", "feed.url": "\(feed.url)", "parse.crashes": "\(feed.parseCrashes)",
            ]
            if feed.quarantinedHash != nil {
                logger.error("feed quarantined: the process crashed while parsing it twice in a row", metadata: metadata)
            } else {
                logger.warning("the last run crashed while parsing this feed", metadata: metadata)
            }
        }
        for id in ledger.interruptedParses.discarded {
            logger.notice("the last run ended during this feed's parse without crashing in it; not counted",
                          metadata: ["feed.id": "\(id)"])
        }
    }

    /// Adds the feeds of a list file that are not followed yet.
    public func importFeedList(_ path: String) async throws -> Int {
        var added = 0
        for url in try FeedList.read(path) where try await ledger.add(url: url) { added += 1 }
        return added
    }

    /// Polls every enabled feed once, whether due or not.
    public func pollOnce() async throws -> PollSummary {
        try await pollRound(all: true)
    }

    /// Runs until the task is cancelled.
    public func run() async throws {
        logger.info("daemon started", metadata: [
            "interval.seconds": "\(Int(configuration.pollIntervalSeconds))",
            "output": "\(configuration.outputDirectory)", "state": "\(configuration.stateDirectory)",
        ])
        while !Task.isCancelled {
            let summary = try await pollRound(all: false)
            if summary.polled > 0 { logger.info("poll round finished", metadata: ["summary": "\(summary)"]) }
            let next = try await ledger.feeds().compactMap(\.nextPollAt).min() ?? Date().addingTimeInterval(Self.wakeInterval)
            let wait = min(max(next.timeIntervalSinceNow, 0.05), Self.wakeInterval)
            try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
    }

    public func shutdown() {
        client.shutdown()
    }

    private func pollRound(all: Bool) async throws -> PollSummary {
        let now = Date()
        let due = try await ledger.feeds().filter { feed in
            feed.disabledReason == nil && (all || (feed.nextPollAt ?? .distantPast) <= now)
        }
        let poller = Poller(client: client, ledger: ledger, hosts: hosts, configuration: configuration, logger: logger)
        // A sliding window of polls: enough to keep every transfer slot of the
        // client busy, few enough that fetched bodies waiting to be parsed and
        // stored cannot pile up in memory when thousands of feeds are due.
        let window = max(8, configuration.fetch.maximumConcurrentTransfers * 2)
        return await withTaskGroup(of: PollOutcome.self) { group in
            var summary = PollSummary()
            for (started, feed) in due.enumerated() {
                if started >= window, let outcome = await group.next() { summary.add(outcome) }
                group.addTask { await poller.poll(feed, now: now) }
            }
            for await outcome in group { summary.add(outcome) }
            return summary
        }
    }
}
