import Foundation
import TidingsModel
import TidingsStore
import TidingsConfiguration

/// The daemon's single owner of the state and the article files. Polls run
/// concurrently; what they write is queued here and made durable a group
/// at a time (`TidingsState.apply`, docs/durability.md): while one group
/// syncs, the next one gathers, so the cost of durability is paid once per
/// group, not once per article.
public actor Ledger {
    private let state: TidingsState

    /// SQLite and fsync block: the ledger's work runs on a thread of its
    /// own, never on the cooperative pool (see `ThreadExecutor`).
    private let executor = ThreadExecutor(name: "tidings-ledger")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    deinit { executor.stop() }

    /// Parses a dead process left unfinished, sorted at start into crashes
    /// and deaths from outside (see `ParseQuarantine.recover`).
    public nonisolated let interruptedParses: ParseQuarantine.Recovery

    /// The index rebuilt from the article files at start, when the state
    /// database was corrupt (set aside) or missing beside existing files.
    public nonisolated let rebuiltIndex: IndexRecovery.Report?

    /// How far the journal files are synced: hook delivery runs up to here.
    public nonisolated let journalProgress: JournalProgress


    private var queue: [(change: TidingsState.Change, done: CheckedContinuation<Result<TidingsState.Summary, StoreError>, Never>)] = []
    private var drainScheduled = false

    /// - Parameter crashedFeeds: the feeds the last process's crash note
    ///   names (`CrashNote.collect`).
    public init(configuration: Configuration, crashedFeeds: Set<String> = []) throws(StoreError) {
        let databaseURL = try configuration.stateDatabaseURL()
        // A corrupt SQLite file is set aside and rebuilt; PostgreSQL keeps its own.
        let setAside = databaseURL != nil ? nil
            : try IndexRecovery.setAsideIfCorrupt(stateDirectory: configuration.stateDirectory)
        state = try TidingsState(stateDirectory: configuration.stateDirectory,
                                 outputDirectory: configuration.outputDirectory, databaseURL: databaseURL,
                                 node: configuration.effectiveNodeName)
        isShared = state.isShared
        var rebuilt = try IndexRecovery.rebuild(state: state,
                                                reason: setAside.map { "the state database was corrupt: \($0.reason)" }
                                                    ?? "the index was missing beside existing article files")
        rebuilt?.setAside = setAside?.path
        rebuiltIndex = rebuilt
        interruptedParses = try ParseQuarantine.recover(state, crashedFeeds: crashedFeeds)
        guard let progress = state.journalProgress else { throw .notFound("the state has no output") }
        journalProgress = progress
    }

    // MARK: - The grouped write path

    /// Records a document's entries for a feed, and then its row as the
    /// poll leaves it, in the next group; returns once both are durable.
    public func record(_ entries: [Entry], feed: FeedIdentity, at now: Date,
                       then record: FeedRecord? = nil, backlog: Bool = false) async throws(StoreError) -> TidingsState.Summary {
        try await submit(.articles(entries, feed: feed, at: now, then: record, backlog: backlog)).get()
    }

    /// Saves what a poll learned about a feed, in the next group.
    public func save(_ feed: FeedRecord) async throws(StoreError) {
        _ = try await submit(.feed(feed)).get()
    }

    private func submit(_ change: TidingsState.Change) async -> Result<TidingsState.Summary, StoreError> {
        await withCheckedContinuation { done in
            queue.append((change, done))
            if !drainScheduled { scheduleDrain() }
        }
    }

    /// The next group is written at once when articles wait (they are
    /// what the durability is for); feed rows alone (a 304, a failure)
    /// wait `rowsGathering` for the polls finishing beside them: a commit
    /// writes every page it touched, and rows saved one by one cost a few
    /// pages each where a group shares them.
    private func scheduleDrain() {
        drainScheduled = true
        let articlesWait = queue.contains { if case .articles = $0.change { true } else { false } }
        Task {
            if !articlesWait { try? await Task.sleep(nanoseconds: Self.rowsGathering) }
            self.drain()
        }
    }

    /// How long a feed row waits for others before its group is written.
    static let rowsGathering: UInt64 = 20_000_000

    /// The most feed rows one group takes.
    static let groupRows = 1_024

    /// Makes one group durable. Changes submitted while it runs wait on
    /// this actor and join the next group.
    private func drain() {
        var articles = 0
        var feedsWithArticles = 0
        var count = 0
        for item in queue {
            if case .articles(let entries, _, _, _, _) = item.change {
                articles += entries.count
                feedsWithArticles += 1
            }
            count += 1
            if feedsWithArticles >= TidingsState.groupFeeds || articles >= TidingsState.groupArticles
                || count >= Self.groupRows { break }
        }
        var changes = queue.prefix(count).map(\.change)
        let waiting = queue.prefix(count).map(\.done)
        queue.removeFirst(count)
        let results = state.apply(consuming: &changes)
        for (done, result) in zip(waiting, results) { done.resume(returning: result) }
        if articleTotal != nil {
            articleTotal! += results.reduce(0) { $0 + ((try? $1.get())?.new ?? 0) }
        }
        if queue.isEmpty {
            drainScheduled = false
        } else {
            scheduleDrain()
        }
    }

    // MARK: - Everything else

    /// A number that changes when another process commits to the state
    /// (SQLite's `data_version`): cheap enough to ask every second.
    public func externalChanges() throws(StoreError) -> Int64 { try state.dataVersion() }

    public func bringHealthyPollsForward(to latest: Date) throws(StoreError) {
        try state.bringHealthyPollsForward(to: latest)
    }

    /// Whether articles and state can be written again after a storage
    /// fault: a probe file in the output, and the pause cleared in the state.
    public func probeStorage() throws(StoreError) {
        try state.probeWritable()
        try state.setStoragePause(nil)
    }

    public func recordStoragePause(_ pause: TidingsState.StoragePause) throws(StoreError) {
        try state.setStoragePause(pause)
    }

    /// Articles with a file: counted once, then kept as a counter (new
    /// articles add to it; a purge or expiry has it counted again), so a
    /// status line costs nothing in proportion to the articles stored.
    public func articleCount() throws(StoreError) -> Int {
        if let articleTotal { return articleTotal }
        let total = try state.count()
        articleTotal = total
        return total
    }

    private var articleTotal: Int?

    /// Feeds followed and failing, for the status line.
    public func feedCounts() throws(StoreError) -> (total: Int, failing: Int) { try state.feedCounts() }

    public func setNetworkOutage(since: Date?) throws(StoreError) { try state.setNetworkOutage(since: since) }
    public func feedStates() throws(StoreError) -> [String: Int] { try state.feedStates() }
    public func networkOutage() throws(StoreError) -> Date? { try state.networkOutage() }
    public func answeringFeeds(limit: Int) throws(StoreError) -> [FeedRecord] { try state.answeringFeeds(limit: limit) }

    /// The rules in effect (`TidingsState.noteRules`).
    @discardableResult
    public func noteRules(_ fingerprint: String) throws(StoreError) -> Int { try state.noteRules(fingerprint) }

    public func recordRound(_ summary: PollSummary) throws(StoreError) {
        try state.setLastRound(summary.description)
    }

    public func feeds() throws(StoreError) -> [FeedRecord] { try state.all() }

    /// The WAL copied back into the database at the end of a run, and a
    /// note that the run stopped cleanly (the next start skips a full check).
    public func stopCleanly() throws(StoreError) { try state.stopCleanly() }

    /// Whether nodes share the state (PostgreSQL): feeds are claimed with
    /// leases instead of taken from `due`.
    public nonisolated let isShared: Bool

    /// Leases up to `limit` due feeds no other node holds (`TidingsState.claimDue`).
    public func claimDue(limit: Int, leaseSeconds: Double, perHost: Int) throws(StoreError) -> [FeedRecord] {
        try state.claimDue(limit: limit, leaseSeconds: leaseSeconds, perHost: perHost)
    }

    /// Due feeds other live nodes hold.
    public func dueElsewhere() throws(StoreError) -> Int { try state.dueElsewhere() }

    /// A node ending its work: gives its leases back, takes the lead when
    /// the leader stops beside it (waiting a few seconds for that), and
    /// writes the journal's last lines if it leads.
    public func leadAtTheEnd() throws(StoreError) {
        try state.releaseLeases()
        try state.lead(wait: 5)
        try state.flushJournal()
    }

    /// A host's pause, for every node (`TidingsState.pauseHost`).
    public func pauseHost(_ host: String, until: Date) throws(StoreError) { try state.pauseHost(host, until: until) }

    /// Hosts any node paused that are paused still.
    public func hostPauses() throws(StoreError) -> [(host: String, until: Date)] { try state.hostPauses() }

    /// Gives back this node's leases.
    public func releaseLeases() throws(StoreError) { try state.releaseLeases() }

    /// Keeps this node's leases and says it is alive.
    public func renewLeases(leaseSeconds: Double) throws(StoreError) { try state.renewLeases(leaseSeconds: leaseSeconds) }

    /// The leader writes what other nodes committed to the journal files
    /// (and its hooks run them), and takes the lead when the leader died.
    public func followJournal() throws(StoreError) {
        guard isShared else { return }
        try state.flushJournal()
        try state.adoptGroupsOfDeadNodes()
    }

    /// The enabled feeds due now (an indexed query); nil: all of them.
    public func due(at now: Date?) throws(StoreError) -> [FeedRecord] { try state.due(at: now) }

    /// When the next enabled feed falls due.
    public func nextPollDate() throws(StoreError) -> Date? { try state.nextPollDate() }

    /// Follows the feeds not followed yet; returns how many were added.
    public func add(urls: [String]) throws(StoreError) -> Int {
        try state.importFeeds(urls.map { TidingsState.Imported(url: $0, title: nil, homePageURL: nil, category: nil) })
    }

    public func find(_ urlOrID: String) throws(StoreError) -> FeedRecord? { try state.find(urlOrID) }

    /// What a round ends with, once its polls are recorded: purges asked
    /// for by `tidings remove --purge`, retention, the merged feed, old
    /// journal files.
    public struct RoundUpkeep: Sendable {
        public var purged: [String: TidingsState.Purge] = [:]
        public var expired = 0
        public var journalFilesRemoved: [String] = []
    }

    /// Retention and journal pruning work over everything stored, so they
    /// run at most this often (a round runs every time a feed falls due,
    /// many times a second with thousands of feeds), and at the first
    /// round of a process.
    static let upkeepSeconds: Double = 60
    private var lastUpkeep: Date?

    public func finishRound(changed: Bool, configuration: Configuration, at now: Date = Date()) throws(StoreError) -> RoundUpkeep {
        var upkeep = RoundUpkeep()
        try state.flushJournal()
        // Among nodes, the leader alone purges, expires and writes the merged feed.
        guard try state.lead() else { return upkeep }
        for feedID in try state.pendingPurges() {
            upkeep.purged[feedID] = try state.purge(feedID: feedID, at: now)
        }
        if lastUpkeep.map({ now.timeIntervalSince($0) >= Self.upkeepSeconds || now < $0 }) ?? true {
            lastUpkeep = now
            let rules = TidingsState.Retention(
                maximumAgeSeconds: configuration.retentionMaximumAgeSeconds > 0 ? configuration.retentionMaximumAgeSeconds : nil,
                maximumPerFeed: configuration.retentionMaximumPerFeed > 0 ? configuration.retentionMaximumPerFeed : nil)
            upkeep.expired = try state.expire(rules, at: now)
            upkeep.journalFilesRemoved = try state.pruneJournal(olderThanDays: configuration.journalRetentionDays, at: now)
        }
        if upkeep.expired > 0 || !upkeep.purged.isEmpty { articleTotal = nil }
        let items = configuration.mergedFeedItems
        if items > 0, changed || upkeep.expired > 0 || !upkeep.purged.isEmpty || !mergedFeedExists {
            try state.writeMergedFeed(items: items)
        }
        return upkeep
    }

    private var mergedFeedExists: Bool {
        guard let directory = state.outputDirectory else { return false }
        return FileManager.default.fileExists(atPath: directory + "/" + TidingsState.mergedFeedName)
    }
}
