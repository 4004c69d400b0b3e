import Foundation
import Synchronization
import Logging
import TidingsFetching
import TidingsModel
import TidingsStore
import TidingsConfiguration

/// The polling loop: polls every due feed, concurrently, then sleeps until
/// the next one is due. Re-reads the feed list every round, so feeds added
/// with `tidings add` are picked up while it runs.
public final class Daemon: Sendable {
    /// The configuration in effect; `reconfigure` replaces it between polls.
    public var configuration: Configuration { current.withLock { $0 } }
    private let current: Mutex<Configuration>
    let ledger: Ledger
    let client: HTTPClient
    let hosts = HostGate()
    let logger: Logger
    /// Counted for `metrics_file`.
    let metrics = Metrics()
    /// When a round last went into the state (`shouldRecord`).
    let lastRoundRecorded = Mutex<Date?>(nil)
    /// Whether the state holds an outage mark (nil: not looked yet), so
    /// that a round with answers does not read the state to learn it.
    let outageMarked = Mutex<Bool?>(nil)
    /// The rules last handed to the state (`noteRules`), read there once.
    let rulesNoted = Mutex<String?>(nil)
    /// The longest the loop sleeps before looking for changes another
    /// process made (a feed added, removed or asked for): under 2 s.
    static let wakeInterval: Double = 1

    public init(configuration: Configuration, logger: Logger) throws(StoreError) {
        current = Mutex(configuration)
        self.logger = logger
        let crashed = CrashNote.collect(stateDirectory: configuration.stateDirectory)
        ledger = try Ledger(configuration: configuration, crashedFeeds: crashed)
        CrashNote.install(stateDirectory: configuration.stateDirectory)
        client = HTTPClient(policy: configuration.fetch)
        if let rebuilt = ledger.rebuiltIndex {
            logger.notice("index rebuilt from the article files", metadata: [
                "reason": "\(rebuilt.reason)", "articles": "\(rebuilt.articles)", "feeds.restored": "\(rebuilt.feedsRestored)",
                "set.aside": "\(rebuilt.setAside ?? "-")", "unreadable": "\(rebuilt.unreadable.count)",
            ])
        }
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

    /// Adds the feeds of a list file that are not followed yet, in one
    /// transaction (one durable commit, not one per feed).
    public func importFeedList(_ path: String) async throws -> Int {
        try await ledger.add(urls: try FeedList.read(path))
    }

    /// Polls every enabled feed once, whether due or not. Cancelling the
    /// task cuts the round short as `run` does. The `on_article` hook,
    /// when one is configured, runs for the round's events before this returns.
    public func pollOnce() async throws -> PollSummary {
        try await poll(feedIDs: nil)
    }

    /// Polls these feeds (by id) now, whether due or not; the others wait.
    /// Nil polls them all. For `tidingsd --once`, and `tidings poll` when
    /// no daemon runs.
    /// `polled` is called as each poll ends (`tidings poll` shows progress by it).
    public func poll(feedIDs: Swift.Set<String>?, polled: @escaping @Sendable () -> Void = {}) async throws -> PollSummary {
        let hooks = try HookRunner.start(configuration: configuration, progress: ledger.journalProgress, logger: logger,
                                         metrics: metrics)
        defer { hooks?.stop() }
        let renewal = renewLeases()
        defer { renewal?.cancel() }
        return try await withTaskCancellationHandler {
            var summary = try await pollRound(all: true, only: feedIDs, heartbeat: polled)
            // Among nodes, due feeds another node holds are waited for: a
            // live node saves them, a dead one's lease runs out and they
            // are claimed here.
            var last = summary
            while ledger.isShared, feedIDs == nil, !Task.isCancelled, !last.outage {
                let worked = last.polled + last.skipped > 0
                if !worked {
                    guard try await ledger.dueElsewhere() > 0 else { break }
                    try? await Task.sleep(nanoseconds: 250_000_000)
                }
                last = try await pollRound(all: true, heartbeat: {})
                summary.merge(last)
            }
            // Among nodes, the last to finish writes the journal's last
            // lines, and its hooks run them before it exits.
            if ledger.isShared { try? await ledger.leadAtTheEnd() }
            // Hooks run up to the synced end of the journal: a round whose
            // lines could not be written (a full disk) must not wait for ever.
            if let hooks {
                await hooks.waitUntilDelivered(upTo: ledger.journalProgress.syncedSeq)
                await writeMetrics(configuration)  // with the hooks' runs
            }
            try? await ledger.stopCleanly()
            return summary
        } onCancel: {
            client.shutdown()
        }
    }

    /// Runs until the task is cancelled: polls what is due, then waits for
    /// the next feed to fall due, looking every second whether another
    /// process (`tidings add`, `remove`, `poll`) changed the feed list.
    ///
    /// Cancellation (SIGTERM, SIGINT) stops new polls from starting and
    /// aborts every transfer in flight; a poll cut short that way records
    /// nothing, so it is no failure and changes no back-off. Article writes
    /// already begun finish: they run to the end inside the ledger.
    ///
    /// - Parameters:
    ///   - heartbeat: called from the loop's own work (each finished poll,
    ///     each wake); the systemd watchdog is fed from here, so a loop
    ///     that hangs stops feeding it.
    ///   - roundFinished: called after each round with its summary.
    public func run(heartbeat: @escaping @Sendable () -> Void = {},
                    roundFinished: @escaping @Sendable (PollSummary) async -> Void = { _ in }) async throws {
        logger.info("daemon started", metadata: [
            "interval.seconds": "\(Int(configuration.pollIntervalSeconds))",
            "output": "\(configuration.outputDirectory)", "state": "\(configuration.stateDirectory)",
        ])
        var storageAttempts = 0
        let hooks = try HookRunner.start(configuration: configuration, progress: ledger.journalProgress, logger: logger,
                                         metrics: metrics)
        defer { hooks?.stop() }
        let renewal = renewLeases()
        defer { renewal?.cancel() }
        try await withTaskCancellationHandler {
            while !Task.isCancelled {
                let roundStarted = Date()
                let summary = try await pollRound(all: false, heartbeat: heartbeat)
                if summary.polled > 0 { logger.info("poll round finished", metadata: ["summary": "\(summary)"]) }
                await roundFinished(summary)
                if let fault = summary.storageFault {
                    // Back-off carries over when the disk fills again right
                    // after a resume: retries space out instead of looping.
                    storageAttempts = await pauseUntilStorageIsWritable(fault, attempt: storageAttempts, heartbeat: heartbeat)
                    continue
                }
                storageAttempts = 0
                if Task.isCancelled { break }
                if summary.outage {
                    await waitOutOutage(heartbeat: heartbeat)
                    continue
                }
                try await waitForWork(notBefore: roundStarted.addingTimeInterval(roundSpacing), heartbeat: heartbeat)
            }
        } onCancel: {
            client.shutdown()
        }
        try? await ledger.stopCleanly()
    }

    /// A disk that is full or read-only is nothing any feed did: instead of
    /// failing (and refetching) feed after feed, all polling pauses. The
    /// daemon retries after `storageRetrySeconds`, doubling up to half an
    /// hour, by writing a probe the way articles are written; the pause and
    /// its reason are in the state for `tidings status`. Feeds whose
    /// articles could not be written kept their validators and stay due, so
    /// nothing is lost: they are fetched and written once polling resumes.
    /// Returns the attempt count reached, for the next pause to continue from.
    private func pauseUntilStorageIsWritable(_ fault: String, attempt start: Int,
                                             heartbeat: @Sendable () -> Void) async -> Int {
        let since = Date()
        var reason = fault
        var attempt = start
        while !Task.isCancelled {
            let delay = min(configuration.storageRetrySeconds * pow(2, Double(min(attempt, 20))), 1800)
            let retryAt = Date().addingTimeInterval(delay)
            logger.error("polling paused: storage cannot be written", metadata: [
                "error": "\(reason)", "retry.seconds": "\(Int(delay))",
            ])
            try? await ledger.recordStoragePause(.init(reason: reason, since: since, retryAt: retryAt))
            while await nap(until: retryAt, heartbeat: heartbeat) {}
            attempt += 1
            if Task.isCancelled { return attempt }
            do {
                try await ledger.probeStorage()
                logger.notice("storage writable again; polling resumed", metadata: [
                    "paused.seconds": "\(Int(Date().timeIntervalSince(since)))",
                ])
                return attempt
            } catch {
                reason = error.description
            }
        }
        return attempt
    }

    /// The least time from one round's start to the next one's: feeds
    /// falling due meanwhile are polled together, so that a round's fixed
    /// cost (the due query, the upkeep, a commit, waking threads) is shared
    /// by many polls instead of paid per feed (with thousands of feeds
    /// jittered over the interval, one falls due every few milliseconds).
    /// A second at most: nothing is polled more than that late.
    var roundSpacing: Double { min(1, configuration.pollIntervalSeconds / 10) }

    /// Sleeps until the next feed is due (and not before `notBefore`),
    /// waking every `wakeInterval` to see whether another process changed
    /// the state, which ends the wait at once.
    private func waitForWork(notBefore: Date, heartbeat: @Sendable () -> Void) async throws {
        let next = max(try await ledger.nextPollDate() ?? .distantFuture, notBefore)
        let version = try await ledger.externalChanges()
        while await nap(until: next, heartbeat: heartbeat) {
            try? await ledger.followJournal()
            if rescheduleRequested.exchange(false, ordering: .relaxed) {
                let latest = Date().addingTimeInterval(configuration.pollIntervalSeconds)
                try await ledger.bringHealthyPollsForward(to: latest)
                return
            }
            if try await ledger.externalChanges() != version { return }
        }
    }

    /// One step of a wait until `date`: sleeps at most `wakeInterval` and
    /// feeds the heartbeat. False, without sleeping, once the date has
    /// passed or the task is cancelled.
    func nap(until date: Date, heartbeat: @Sendable () -> Void) async -> Bool {
        guard !Task.isCancelled, date.timeIntervalSinceNow > 0 else { return false }
        try? await Task.sleep(nanoseconds: UInt64(min(date.timeIntervalSinceNow, Self.wakeInterval) * 1e9))
        heartbeat()
        return true
    }

    public func shutdown() {
        client.shutdown()
    }

    /// Takes a new configuration (SIGHUP): intervals, back-off, limits and
    /// move rules apply from the next poll on. The directories and the
    /// fetch settings belong to the state and the HTTP client opened at
    /// start: they take effect at the next start; returns their names when
    /// they changed, so the caller can say so.
    @discardableResult
    public func reconfigure(_ new: Configuration) -> [String] {
        current.withLock { old in
            var needRestart: [String] = []
            if new.stateDirectory != old.stateDirectory { needRestart.append("state_directory") }
            if new.outputDirectory != old.outputDirectory { needRestart.append("output_directory") }
            if new.fetch != old.fetch { needRestart.append("fetch") }
            if new.stateURL != old.stateURL || new.statePasswordFile != old.statePasswordFile || new.nodeName != old.nodeName
                || new.leaseSeconds != old.leaseSeconds { needRestart.append("state_url, node_name and lease_seconds") }
            // The hook runner is started with the loop, on its own thread.
            if new.onArticle != old.onArticle || new.hookConcurrency != old.hookConcurrency
                || new.hookTimeoutSeconds != old.hookTimeoutSeconds || new.hookMaximumAttempts != old.hookMaximumAttempts
                || new.hookRetrySeconds != old.hookRetrySeconds { needRestart.append("on_article and hook_*") }
            var applied = new
            applied.stateDirectory = old.stateDirectory
            applied.outputDirectory = old.outputDirectory
            applied.fetch = old.fetch
            applied.stateURL = old.stateURL
            applied.statePasswordFile = old.statePasswordFile
            applied.nodeName = old.nodeName
            applied.leaseSeconds = old.leaseSeconds
            let shorter = applied.pollIntervalSeconds < old.pollIntervalSeconds
            old = applied
            if shorter { rescheduleRequested.store(true, ordering: .relaxed) }
            return needRestart
        }
    }

    /// Set when a new configuration shortened the interval: healthy feeds
    /// scheduled further out than the new interval are brought forward.
    private let rescheduleRequested = Atomic(false)

    /// One line for `systemctl status`: feeds, failing feeds, articles, and
    /// what the last round did.
    public func statusLine(after summary: PollSummary) async -> String {
        guard let feeds = try? await ledger.feedCounts(), let articles = try? await ledger.articleCount() else {
            return "state unreadable; last round: \(summary)"
        }
        return "\(feeds.total) feeds (\(feeds.failing) failing), \(articles) articles; last round: \(summary)"
    }

    private func pollRound(all: Bool, only: Swift.Set<String>? = nil, heartbeat: @Sendable () -> Void) async throws -> PollSummary {
        let now = Date()
        let configuration = self.configuration
        // Among nodes, feeds are claimed a window at a time, each with a
        // lease, until none is left: the nodes share the due feeds as fast
        // as each polls.
        let claims = ledger.isShared && only == nil
        let window = TidingsState.groupFeeds + 2 * max(16, configuration.fetch.maximumConcurrentTransfers)
        // A node holds no more leases than twice its transfers: feeds it
        // cannot fetch soon stay with the other nodes, and the per-host
        // limits (the cluster's) are not taken up by leases waiting here.
        let held = claims ? min(window, 2 * configuration.fetch.maximumConcurrentTransfers) : window
        if claims { try await learnHostPauses() }
        // Rules lifted since the last round: what they dropped is looked at again.
        let rules = ItemRules.fingerprint(configuration.rules)
        if rulesNoted.withLock({ $0 }) != rules {
            if try await ledger.noteRules(rules) > 0 {
                logger.notice("rules changed; feeds whose items they dropped are fetched afresh")
            }
            rulesNoted.withLock { $0 = rules }
        }
        let first = claims ? try await ledger.claimDue(limit: held, leaseSeconds: configuration.leaseSeconds,
                                                       perHost: configuration.fetch.maximumTransfersPerHost)
            : try await ledger.due(at: all ? nil : now).filter { only?.contains($0.id) ?? true }
        if claims { logger.debug("feeds claimed", metadata: ["feeds": "\(first.count)"]) }
        let poller = Poller(client: client, ledger: ledger, hosts: hosts, configuration: configuration, logger: logger,
                            metrics: metrics)
        // A sliding window of polls: a group's worth beside twice the
        // transfer slots, so that transfers stay busy and the next group
        // gathers while one is made durable (with room for 16 polls,
        // fetching stalled at every sync: a cold poll of 1,000 feeds took
        // 6.0 s instead of 3.4 s); few enough that parsed documents waiting
        // to be stored cannot pile up in memory (two groups' worth, 144
        // polls at 8 transfers, peaked at 68 MB against 62 MB for 96).
        var summary = await withTaskGroup(of: PollOutcome.self) { group in
            var summary = PollSummary()
            var batch = first
            var inFlight = 0
            claiming: while !batch.isEmpty {
                for feed in batch {
                    // Stopping, or storage cannot be written: start no more polls.
                    if Task.isCancelled || summary.storageFault != nil { break claiming }
                    if inFlight >= window, let outcome = await group.next() {
                        summary.add(outcome)
                        heartbeat()
                        inFlight -= 1
                    }
                    group.addTask { await poller.poll(feed, now: now) }
                    inFlight += 1
                }
                guard claims else { break }
                // Claims again once a quarter of its leases are done: a node
                // holds no more feeds than it has room to poll, and the
                // other nodes share the rest.
                while inFlight > held - held / 4, let outcome = await group.next() {
                    summary.add(outcome)
                    heartbeat()
                    inFlight -= 1
                }
                batch = await claimMore(held - inFlight, configuration)
                // Nothing claimable now (the hosts' limits are taken) while
                // polls run: each that ends frees a lease, so claim again.
                while batch.isEmpty, inFlight > 0, !Task.isCancelled, let outcome = await group.next() {
                    summary.add(outcome)
                    heartbeat()
                    inFlight -= 1
                    batch = await claimMore(held - inFlight, configuration)
                }
            }
            for await outcome in group {
                summary.add(outcome)
                heartbeat()
            }
            return summary
        }
        await settleUnreachable(&summary, poller: poller, now: now)
        // Polls that saved nothing (deferred, cut short, an outage) give their leases back.
        if claims { try? await ledger.releaseLeases() }
        if summary.storageFault == nil { await finishRound(&summary, configuration: configuration) }
        if summary.polled > 0, shouldRecord(summary, at: Date()) { try? await ledger.recordRound(summary) }
        metrics.roundFinished(at: Date(), seconds: Date().timeIntervalSince(now))
        await writeMetrics(configuration)
        return summary
    }
}
