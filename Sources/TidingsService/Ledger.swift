import Foundation
import TidingsModel
import TidingsStore
import TidingsConfiguration

/// The daemon's single owner of the state database and the article files.
/// Polls run concurrently; everything they write goes through here, one at
/// a time, so each feed's articles land in one transaction.
public actor Ledger {
    private let registry: FeedRegistry
    private let store: ArticleStore

    /// SQLite and fsync block: the ledger's work runs on a thread of its
    /// own, never on the cooperative pool (see `ThreadExecutor`).
    private let executor = ThreadExecutor(name: "tidings-ledger")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    deinit { executor.stop() }

    /// Parses a dead process left unfinished, sorted at start into crashes
    /// and deaths from outside (see `FeedRegistry.recoverInterruptedParses`).
    public nonisolated let interruptedParses: FeedRegistry.Recovery

    /// The index rebuilt from the article files at start, when the state
    /// database was corrupt (set aside) or missing beside existing files.
    public nonisolated let rebuiltIndex: IndexRecovery.Report?

    /// - Parameter crashedFeeds: the feeds the last process's crash note
    ///   names (`CrashNote.collect`).
    public init(configuration: Configuration, crashedFeeds: Set<String> = []) throws(StoreError) {
        let setAside = try IndexRecovery.setAsideIfCorrupt(stateDirectory: configuration.stateDirectory)
        registry = try FeedRegistry(stateDirectory: configuration.stateDirectory)
        store = try ArticleStore(stateDirectory: configuration.stateDirectory,
                                 outputDirectory: configuration.outputDirectory)
        var rebuilt = try IndexRecovery.rebuild(store: store, registry: registry,
                                                reason: setAside.map { "the state database was corrupt: \($0.reason)" }
                                                    ?? "the index was missing beside existing article files")
        rebuilt?.setAside = setAside?.path
        rebuiltIndex = rebuilt
        interruptedParses = try registry.recoverInterruptedParses(crashedFeeds: crashedFeeds)
    }

    /// A number that changes when another process commits to the state
    /// (SQLite's `data_version`): cheap enough to ask every second.
    public func externalChanges() throws(StoreError) -> Int64 { try registry.dataVersion() }

    public func bringHealthyPollsForward(to latest: Date) throws(StoreError) {
        try registry.bringHealthyPollsForward(to: latest)
    }

    /// Whether articles and state can be written again after a storage
    /// fault: a probe file in the output, and the pause cleared in the state.
    public func probeStorage() throws(StoreError) {
        try store.probeWritable()
        try registry.setStoragePause(nil)
    }

    public func recordStoragePause(_ pause: FeedRegistry.StoragePause) throws(StoreError) {
        try registry.setStoragePause(pause)
    }

    public func articleCount() throws(StoreError) -> Int { try store.count() }

    public func lastJournalSeq() throws(StoreError) -> Int64 { try store.lastJournalSeq() }

    public func recordRound(_ summary: PollSummary) throws(StoreError) {
        try registry.setLastRound(summary.description)
    }

    public func markParsing(feedID: String, bodyHash: String) throws(StoreError) {
        try registry.markParsing(feedID: feedID, bodyHash: bodyHash)
    }

    public func clearParseMark(feedID: String) throws(StoreError) {
        try registry.clearParseMark(feedID: feedID)
    }

    public func feeds() throws(StoreError) -> [FeedRecord] { try registry.all() }

    public func add(url: String) throws(StoreError) -> Bool { try registry.add(url: url).1 }

    public func save(_ feed: FeedRecord) throws(StoreError) { try registry.save(feed) }

    public func find(_ urlOrID: String) throws(StoreError) -> FeedRecord? { try registry.find(urlOrID) }

    public func record(_ entries: [Entry], feed: FeedIdentity, at now: Date) throws(StoreError) -> ArticleStore.Summary {
        try store.record(entries, feed: feed, at: now)
    }

    /// What a round ends with, once its polls are recorded: purges asked
    /// for by `tidings remove --purge`, retention, the merged feed.
    public struct RoundUpkeep: Sendable {
        public var purged: [String: ArticleStore.Purge] = [:]
        public var expired = 0
        public var mergedFeedWritten = false
    }

    public func finishRound(changed: Bool, configuration: Configuration, at now: Date = Date()) throws(StoreError) -> RoundUpkeep {
        var upkeep = RoundUpkeep()
        try store.flushJournal()
        for feedID in try store.pendingPurges() {
            upkeep.purged[feedID] = try store.purge(feedID: feedID, at: now)
        }
        let rules = ArticleStore.Retention(
            maximumAgeSeconds: configuration.retentionMaximumAgeSeconds > 0 ? configuration.retentionMaximumAgeSeconds : nil,
            maximumPerFeed: configuration.retentionMaximumPerFeed > 0 ? configuration.retentionMaximumPerFeed : nil)
        upkeep.expired = try store.expire(rules, at: now)
        let items = configuration.mergedFeedItems
        if items > 0, changed || upkeep.expired > 0 || !upkeep.purged.isEmpty || !mergedFeedExists {
            try store.writeMergedFeed(items: items)
            upkeep.mergedFeedWritten = true
        }
        return upkeep
    }

    private var mergedFeedExists: Bool {
        FileManager.default.fileExists(atPath: store.outputDirectory + "/" + ArticleStore.mergedFeedName)
    }
}
