import Foundation
import Synchronization
import Logging
import TidingsStore
import TidingsConfiguration

/// Runs the `on_article` hook for each `created` and `updated` journal
/// event, in journal order, at most `hook_concurrency` at once, on threads
/// of its own: hooks never hold up polling, and a slow or failing hook only
/// delays the hooks behind it.
///
/// Delivery is at least once. A hook runs only for events whose journal
/// line is synced (`JournalProgress`), so no hook sees a `seq` that a power
/// loss could give to another event. The cursor in the state moves past a
/// batch of events only once each of them has run or given up; a crash, a
/// power loss or a stop mid-batch runs that batch again at the next start. A failing run is
/// retried after `hook_retry_seconds`, doubling up to an hour; after
/// `hook_maximum_attempts` the event is recorded as failed (shown by
/// `tidings status`) and skipped.
public final class HookRunner: Sendable {
    private let configuration: Configuration
    private let logger: Logger
    private let stopping = Atomic(false)
    /// The last seq delivered (or given up), as the loop saved it.
    private let delivered = Mutex<Int64>(0)
    private let done = DispatchSemaphore(value: 0)

    private let metrics: Metrics?

    public init(configuration: Configuration, logger: Logger, metrics: Metrics? = nil) {
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts the loop on a thread of its own; nil when no hook is
    /// configured (and events then need not wait for one).
    public static func start(configuration: Configuration, progress: JournalProgress,
                             logger: Logger, metrics: Metrics? = nil) throws(StoreError) -> HookRunner? {
        let databaseURL = try configuration.stateDatabaseURL()
        let registry = try TidingsState(stateDirectory: configuration.stateDirectory, databaseURL: databaseURL)
        guard !configuration.onArticle.isEmpty else {
            try registry.clearHookCursor()
            return nil
        }
        let cursor = try registry.startHookCursorIfNeeded()
        let runner = HookRunner(configuration: configuration, logger: logger, metrics: metrics)
        let thread = Thread {
            // A connection of the thread's own. Its commits (the cursor)
            // need not be durable: one lost to a power loss runs its batch
            // again, which at-least-once delivery allows.
            do {
                let state = try TidingsState(stateDirectory: configuration.stateDirectory, durableCommits: false,
                                             databaseURL: databaseURL)
                runner.loop(registry: state, progress: progress, from: cursor)
            } catch {
                logger.error("hooks stopped: cannot open the state", metadata: ["error": "\(error)"])
                runner.done.signal()
            }
        }
        thread.name = "tidings-hooks"
        thread.start()
        return runner
    }

    /// Stops starting hooks and kills the ones running (their batch runs
    /// again at the next start); returns once the loop has ended.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        done.wait()
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Waits until every event up to `seq` has been delivered or given up
    /// (`tidingsd --once` before it exits).
    public func waitUntilDelivered(upTo seq: Int64) async {
        while !isStopping, !Task.isCancelled, delivered.withLock({ $0 }) < seq {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    private func loop(registry: TidingsState, progress: JournalProgress, from start: Int64) {
        defer { done.signal() }
        var cursor = start
        delivered.withLock { $0 = start }
        let width = max(1, configuration.hookConcurrency)
        while !isStopping {
            let batch: [TidingsState.HookEvent]
            do {
                // Nodes sharing a state deliver in turn (the one that writes
                // the journal): the cursor may have moved in another node.
                let shared = try registry.hookCursor() ?? 0
                if shared > cursor {
                    cursor = shared
                    delivered.withLock { $0 = max($0, shared) }
                }
                batch = try registry.hookEvents(after: cursor, upTo: progress.syncedSeq, limit: width)
            } catch {
                logger.error("cannot read journal events for hooks", metadata: ["error": "\(error)"])
                pause(5)
                continue
            }
            guard let last = batch.last?.seq else {
                pause(0.2)
                continue
            }
            // A feed's backlog (a new feed's whole archive) starts no hook
            // runs unless asked: importing 500 feeds is not 12,000 mails.
            let runs = batch.filter {
                ($0.event == "created" || $0.event == "updated") && (!$0.backlog || configuration.hooksOnBacklog)
            }
            let outcomes = Mutex<[Int64: (attempts: Int, error: String)]>([:])
            // A thread per run: hook runs block (spawn, wait), and on
            // Dispatch's shared pool they would wait behind anything else
            // that blocks there.
            let finished = DispatchSemaphore(value: 0)
            for event in runs {
                Thread {
                    if let failure = self.deliver(event) { outcomes.withLock { $0[event.seq] = failure } }
                    finished.signal()
                }.start()
            }
            for _ in runs { finished.wait() }
            if isStopping { break }  // not all delivered: the batch runs again
            do {
                for event in runs {
                    guard let failure = outcomes.withLock({ $0[event.seq] }) else { continue }
                    try registry.recordHookFailure(event, attempts: failure.attempts, error: failure.error)
                }
                try registry.setHookCursor(last)
                cursor = last
                delivered.withLock { $0 = last }
            } catch {
                logger.error("cannot save the hook cursor", metadata: ["error": "\(error)"])
                pause(5)
            }
        }
    }

    /// Runs the hook for one event until it succeeds or gives up; returns
    /// the failure it gave up with, nil on success (or when stopping).
    private func deliver(_ event: TidingsState.HookEvent) -> (attempts: Int, error: String)? {
        var log = logger
        log[metadataKey: "hook.seq"] = "\(event.seq)"
        log[metadataKey: "article.id"] = "\(event.articleID)"
        let environment = [
            "TIDINGS_EVENT": event.event, "TIDINGS_SEQ": String(event.seq),
            "TIDINGS_ARTICLE_ID": event.articleID, "TIDINGS_FEED_URL": event.feedURL ?? "",
        ]
        let path = configuration.outputDirectory + "/" + event.path
        var delay = configuration.hookRetrySeconds
        for attempt in 1...max(1, configuration.hookMaximumAttempts) {
            let result = HookProcess.run(configuration.onArticle, arguments: [path], environment: environment,
                                         timeout: configuration.hookTimeoutSeconds, shouldStop: { isStopping })
            if isStopping { return nil }
            metrics?.hookRan(failed: !result.succeeded)
            let output = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if result.succeeded {
                if !output.isEmpty { log.info("hook output", metadata: ["hook.output": "\(output)"]) }
                return nil
            }
            log.warning("hook failed", metadata: [
                "error": "\(result.failure)", "hook.attempt": "\(attempt)", "hook.output": "\(output)",
            ])
            if attempt == configuration.hookMaximumAttempts {
                log.error("hook gave up on the event", metadata: ["hook.attempts": "\(attempt)"])
                return (attempt, result.failure + (output.isEmpty ? "" : ": " + String(output.suffix(300))))
            }
            pause(delay)
            delay = min(delay * 2, 3600)
        }
        return nil
    }

    /// Sleeps, in steps short enough for a stop to be seen at once.
    private func pause(_ seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while !isStopping, Date() < end { usleep(50_000) }
    }
}
