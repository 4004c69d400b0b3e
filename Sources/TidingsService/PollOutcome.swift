import TidingsFetching
import TidingsStore

/// What one poll of one feed came to.
public enum PollOutcome: Sendable, Hashable {
    /// Fetched and parsed; articles recorded.
    case updated(new: Int, updated: Int, unchanged: Int, dropped: Int = 0)
    /// 304, or a body byte-identical to the last one: nothing parsed.
    case notModified
    case failed(String)
    /// Not polled: disabled, or the daemon is stopping.
    case skipped
    /// Not polled this time: its host asked everyone to wait.
    case deferred
    /// Fetched, but the articles or the feed's state could not be written
    /// (disk full, read-only): nothing recorded, the feed stays due.
    case storageUnavailable(String)
    /// Not recorded yet: the name did not resolve or the host took no
    /// connection. The round decides (`Daemon+Outage`) whether that is
    /// the feed's failure or this machine's network being down.
    case unreachable(FeedRecord, FetchError)

    public var isFailure: Bool { if case .failed = self { true } else { false } }
}

/// Totals over a round of polls, for the one-line summary.
public struct PollSummary: Sendable, Hashable, CustomStringConvertible {
    public var polled = 0
    public var notModified = 0
    public var failed = 0
    public var newArticles = 0
    public var updatedArticles = 0
    /// Items the rules dropped from the documents parsed.
    public var droppedArticles = 0
    public var deferred = 0
    /// Polls that recorded nothing and left the feed due (a stop, or
    /// another node's writes met again and again).
    public var skipped = 0
    /// The first storage fault of the round, if any: polling pauses.
    public var storageFault: String?
    /// Polls that met no network, not recorded yet (`Daemon+Outage`).
    public var unreachable: [Unreachable] = []
    /// The round found this machine's network down: no feed's failure.
    public var outage = false

    /// A poll held back: the feed as it was, and what its fetch met.
    public struct Unreachable: Sendable, Hashable {
        public var feed: FeedRecord
        public var error: FetchError
    }

    public init() {}

    public mutating func add(_ outcome: PollOutcome) {
        switch outcome {
        case .skipped:
            skipped += 1
            return
        case .deferred:
            deferred += 1
            return
        case .storageUnavailable(let why):
            if storageFault == nil { storageFault = why }
            return
        case .unreachable(let feed, let error):
            unreachable.append(Unreachable(feed: feed, error: error))
            return
        case .notModified: notModified += 1
        case .failed: failed += 1
        case .updated(let n, let u, _, let d):
            newArticles += n
            updatedArticles += u
            droppedArticles += d
        }
        polled += 1
    }

    /// Adds another round's counts to these.
    public mutating func merge(_ other: PollSummary) {
        polled += other.polled
        notModified += other.notModified
        failed += other.failed
        newArticles += other.newArticles
        updatedArticles += other.updatedArticles
        droppedArticles += other.droppedArticles
        deferred += other.deferred
        skipped += other.skipped
        if storageFault == nil { storageFault = other.storageFault }
        unreachable += other.unreachable
        outage = outage || other.outage
    }

    public var description: String {
        "polled \(polled) feeds: \(notModified) not modified, \(failed) failed; "
            + "articles: \(newArticles) new, \(updatedArticles) updated"
            + (droppedArticles > 0 ? ", \(droppedArticles) dropped by rules" : "")
            + (deferred > 0 ? "; \(deferred) deferred (host asked to wait)" : "")
            + (outage ? "; network unreachable: \(unreachable.count) not counted as failures" : "")
            + (storageFault.map { "; storage unavailable: \($0)" } ?? "")
    }
}
