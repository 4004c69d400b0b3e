import Foundation
import Logging
import TidingsFetching
import TidingsModel
import TidingsParsing
import TidingsStore
import TidingsConfiguration

/// Polls one feed: fetch, parse, record, and remember how it went. Every
/// outcome, good or bad, is written to the feed's record; nothing here
/// throws, so one feed can never stop the others.
public struct Poller: Sendable {
    let client: HTTPClient
    let ledger: Ledger
    let hosts: HostGate
    let configuration: Configuration
    let logger: Logger
    let rules: ItemRules
    let metrics: Metrics?

    public init(client: HTTPClient, ledger: Ledger, hosts: HostGate = HostGate(),
                configuration: Configuration, logger: Logger, metrics: Metrics? = nil) {
        self.client = client
        self.ledger = ledger
        self.hosts = hosts
        self.configuration = configuration
        self.logger = logger
        self.rules = ItemRules(configuration.rules)
        self.metrics = metrics
    }

    var moves: MovePolicy {
        MovePolicy(confirmations: configuration.moveConfirmations, minimumSpan: configuration.moveMinimumSpanSeconds)
    }

    public func poll(_ initial: FeedRecord, now: Date = Date()) async -> PollOutcome {
        let outcome = await pollCounted(initial, now: now)
        metrics?.polled(outcome)
        return outcome
    }

    private func pollCounted(_ initial: FeedRecord, now: Date) async -> PollOutcome {
        var feed = initial
        guard feed.disabledReason == nil, feed.pausedAt == nil else { return .skipped }
        var log = logger
        log[metadataKey: "feed.url"] = "\(feed.url)"
        log[metadataKey: "feed.id"] = "\(feed.id)"

        if let until = await hosts.pausedUntil(feed.url, now: now) {
            // The host asked everyone to wait; this feed keeps its place in line.
            feed.nextPollAt = until
            await save(feed, log: log)
            return .deferred
        }
        let outcome: PollOutcome
        let started = ContinuousClock.now
        func seconds() -> Double {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        do {
            let options: RequestOptions
            do {
                options = try RequestOptions.forFeed(feed.url, settings: feed.request, policy: configuration.fetch)
            } catch {
                return await finish(fail(&feed, result: "credentials", message: error.description, now: now, log: log),
                                    feed: &feed, now: now, log: log)
            }
            if options.insecureTLS {
                log.warning("certificates not checked for this feed (insecure_tls, set by the operator)")
            }
            let request = FetchRequest(url: feed.url, etag: feed.etag, lastModified: feed.lastModified,
                                       allowFileScheme: feed.url.lowercased().hasPrefix("file:"), options: options)
            var response = try await client.fetch(request)
            metrics?.fetched(status: response.status, bytes: response.body.count, seconds: seconds())
            outcome = await handle(&response, feed: &feed, now: now, log: log)
        } catch FetchError.shutdown {
            return .skipped
        } catch where error.isUnreachable {
            metrics?.fetched(status: nil, bytes: 0, seconds: seconds())
            // The round decides whose failure this is (`Daemon+Outage`).
            return .unreachable(initial, error)
        } catch {
            metrics?.fetched(status: nil, bytes: 0, seconds: seconds())
            outcome = fail(&feed, result: error.kind, message: error.description, now: now, log: log)
        }
        return await finish(outcome, feed: &feed, now: now, log: log)
    }

    /// A poll that met no network, recorded as the feed's failure: the
    /// round found the network up (`Daemon+Outage`).
    public func recordUnreachable(_ initial: FeedRecord, _ error: FetchError, now: Date) async -> PollOutcome {
        var feed = initial
        var log = logger
        log[metadataKey: "feed.url"] = "\(feed.url)"
        log[metadataKey: "feed.id"] = "\(feed.id)"
        return await finish(fail(&feed, result: error.kind, message: error.description, now: now, log: log),
                            feed: &feed, now: now, log: log)
    }

    /// Saves what a poll learned unless its group did already.
    private func finish(_ outcome: PollOutcome, feed: inout FeedRecord, now: Date, log: Logger) async -> PollOutcome {
        // Nothing recorded: the feed stays due and is polled again once
        // the daemon can write (see Daemon's storage pause).
        if case .storageUnavailable = outcome { return outcome }
        if case .skipped = outcome { return outcome }
        // A document recorded: the feed's row went with its articles, in
        // one group (`ingest`).
        if case .updated = outcome { return outcome }
        feed.lastPollAt = now
        if let fault = await save(feed, log: log) { return .storageUnavailable(fault) }
        return outcome
    }

    /// Saves the feed's record; returns the fault when the state cannot be
    /// written at all (disk full), which pauses polling instead of
    /// refetching a feed whose back-off was never stored.
    @discardableResult
    private func save(_ feed: FeedRecord, log: Logger) async -> String? {
        do {
            try await ledger.save(feed)
            return nil
        } catch {
            log.error("cannot save feed state", metadata: ["error": "\(error)"])
            return error.isStorageUnavailable ? error.description : nil
        }
    }

    private func handle(_ response: inout FetchResponse, feed: inout FeedRecord, now: Date, log: Logger) async -> PollOutcome {
        feed.lastHTTPStatus = response.status
        await followMove(response, feed: &feed, now: now, log: log)
        switch response.status {
        case 304:
            succeed(&feed, result: "not modified", response: response, document: nil, now: now)
            log.debug("feed not modified", metadata: ["http.status": "304"])
            return .notModified
        case 200..<300:
            return await ingest(&response, feed: &feed, now: now, log: log)
        case 410:
            feed.disabledReason = "gone: http 410 on \(Timestamp.format(now))"
            feed.nextPollAt = nil
            feed.lastResult = "gone"
            feed.lastError = "http 410: the publisher removed this feed; polling stopped"
            feed.consecutiveFailures += 1
            log.error("feed gone, polling stopped", metadata: ["http.status": "410"])
            return .failed("gone")
        case 429, 503:
            if let delay = RetryAfter.delay(response.retryAfter, now: now) {
                let wait = min(max(delay, 1), configuration.maximumRetryAfterSeconds)
                if let host = await hosts.pause(feed.url, until: now.addingTimeInterval(wait)), ledger.isShared {
                    // Every node waits, not only this one.
                    do { try await ledger.pauseHost(host, until: now.addingTimeInterval(wait)) } catch {
                        log.error("cannot share the host's pause with the other nodes", metadata: ["error": "\(error)"])
                    }
                }
                let outcome = fail(&feed, result: "http \(response.status)",
                                   message: "http \(response.status): asked to retry after \(Int(wait)) s", now: now, log: log)
                feed.nextPollAt = now.addingTimeInterval(wait)
                return outcome
            }
            return fail(&feed, result: "http \(response.status)", message: Self.words(forStatus: response.status),
                        now: now, log: log)
        default:
            return fail(&feed, result: "http \(response.status)", message: Self.words(forStatus: response.status),
                        now: now, log: log)
        }
    }

    /// Empties `response.body` once parsed: a poll waiting for its group
    /// to be written holds its entries, not its document too.
    private func ingest(_ response: inout FetchResponse, feed: inout FeedRecord, now: Date, log: Logger) async -> PollOutcome {
        let hash = BodyDigest.hex(response.body)
        if hash == feed.bodyHash {
            remember(response, in: &feed)
            succeed(&feed, result: "unchanged", response: response, document: nil, now: now)
            log.debug("feed body unchanged", metadata: ["http.status": "\(response.status)"])
            return .notModified
        }
        if feed.quarantinedHash != nil {
            if feed.isQuarantined(bodyHash: hash) {
                feed.lastResult = "quarantined"
                feed.lastError = feed.quarantineReason
                feed.nextPollAt = now.addingTimeInterval(configuration.pollIntervalSeconds)
                log.warning("feed quarantined, document not parsed", metadata: ["http.status": "\(response.status)"])
                return .failed(feed.quarantineReason ?? "quarantined")
            }
            log.notice("quarantined feed serves a new document; parsing it again")
            feed.quarantinedHash = nil
            feed.quarantineReason = nil
        }
        let document: FeedDocument
        do {
            document = try parse(response, feed: feed, bodyHash: hash, log: log)
        } catch {
            parseFinished(&feed)
            return fail(&feed, result: "not a feed", message: error.description, now: now, log: log)
        }
        parseFinished(&feed)
        response.body = []
        let (entries, dropped) = rules.filter(document.entries, feed: feed)
        if dropped > 0 { log.info("items dropped by rules", metadata: ["articles.dropped": "\(dropped)"]) }
        feed.droppedItems = dropped
        feed.title = document.title ?? feed.title
        feed.homePageURL = document.homePageURL ?? feed.homePageURL
        let identity = FeedIdentity(id: feed.id, url: feed.url, title: feed.title, homePageURL: feed.homePageURL)
        // The feed's row as this poll leaves it goes into the same group as
        // its articles: validators advance only with what they stand for.
        var recorded = feed
        remember(response, in: &recorded)
        recorded.bodyHash = hash
        succeed(&recorded, result: "ok", response: response, document: document, now: now)
        recorded.lastPollAt = now
        do {
            let summary = try await ledger.record(entries, feed: identity, at: now, then: recorded,
                                                  backlog: isBacklog(feed, now: now))
            feed = recorded
            log.info("feed polled", metadata: [
                "http.status": "\(response.status)", "articles.new": "\(summary.new)",
                "articles.updated": "\(summary.updated)", "articles.merged": "\(summary.merged)",
                "articles.unchanged": "\(summary.unchanged)",
            ])
            return .updated(new: summary.new, updated: summary.updated + summary.merged, unchanged: summary.unchanged,
                            dropped: dropped)
        } catch {
            // Validators are not advanced: the next poll fetches and records again.
            if error.isStorageUnavailable {
                log.error("cannot write articles", metadata: ["error": "\(error)"])
                return .storageUnavailable(error.description)
            }
            if error.isConcurrentWrite {
                // Other nodes wrote the same stories at the same moment,
                // again and again: nothing is recorded, the feed stays due
                // (its lease is given back) and is polled again. Not the
                // feed's failure.
                log.notice("articles met another node's at the same moment; polled again", metadata: ["error": "\(error)"])
                return .skipped
            }
            return fail(&feed, result: "store", message: error.description, now: now, log: log)
        }
    }

    /// A feed's first document, or the first after a long gap since its
    /// last poll (a daemon stopped for weeks): its backlog.
    private func isBacklog(_ feed: FeedRecord, now: Date) -> Bool {
        if feed.bodyHash == nil { return true }
        guard let last = feed.lastPollAt else { return true }
        return now.timeIntervalSince(last) > configuration.backlogGapSeconds
    }

    /// Parses with a mark in the state around it and the feed's id in the
    /// crash note: if this process crashes in the parse, the next start
    /// finds both and counts it against this document (see
    /// `ParseQuarantine.recover`).
    private func parse(_ response: FetchResponse, feed: FeedRecord, bodyHash: String,
                       log: Logger) throws(ParseError) -> FeedDocument {
        let marks = ParseMarks(stateDirectory: configuration.stateDirectory)
        do {
            try marks.mark(feedID: feed.id, bodyHash: bodyHash)
        } catch {
            log.error("cannot mark the parse in the state", metadata: ["error": "\(error)"])
        }
        let result = Result { () throws(ParseError) in
            try CrashNote.during(feed.id) { () throws(ParseError) in
                try FeedParser.parse(response.body, url: response.finalURL, charset: response.charset,
                                     maximumBytes: configuration.maximumDocumentBytes)
            }
        }
        marks.clear(feedID: feed.id)
        return try result.get()
    }

    /// The parse ended, with a document or an error: no death to count.
    private func parseFinished(_ feed: inout FeedRecord) {
        feed.parseCrashes = 0
        feed.parseCrashHash = nil
    }

    private func followMove(_ response: FetchResponse, feed: inout FeedRecord, now: Date, log: Logger) async {
        var candidate = feed
        switch moves.observe(response, feed: &candidate, now: now) {
        case .none:
            feed = candidate
        case .pending(let target, let seen):
            feed = candidate
            log.info("permanent redirect seen", metadata: ["move.to": "\(target)", "move.seen": "\(seen)"])
        case .apply(let from, let to):
            if let other = try? await ledger.find(to), other.id != feed.id {
                // Another followed feed already has that URL: keep both as they are.
                log.warning("permanent redirect to a feed already followed; not moved", metadata: ["move.to": "\(to)"])
                return
            }
            feed = candidate
            log.notice("feed moved", metadata: ["move.from": "\(from)", "move.to": "\(to)"])
        }
    }

    /// An HTTP failure as an operator reads it in `tidings status`.
    static func words(forStatus status: Int) -> String {
        let meaning: String
        switch status {
        case 400: meaning = "the server refused the request as malformed"
        case 401: meaning = "the feed needs a login"
        case 403: meaning = "the server forbids access"
        case 404: meaning = "not found: the feed is not at this URL (any more)"
        case 429: meaning = "too many requests"
        case 500: meaning = "the publisher's server failed"
        case 502, 504: meaning = "a gateway in front of the publisher's server failed"
        case 503: meaning = "the publisher's server is unavailable"
        case 300..<400: meaning = "a redirect without a usable Location"
        case 400..<500: meaning = "the server refused the request"
        default: meaning = "the server failed"
        }
        return "http \(status): \(meaning)"
    }

    private func remember(_ response: FetchResponse, in feed: inout FeedRecord) {
        feed.etag = response.etag
        feed.lastModified = response.lastModified
    }

    /// A poll that went well: the next one comes after the schedule's
    /// interval (`Schedule`). Without a new document (304, identical body)
    /// the feed's own hints are the ones the last parse left.
    private func succeed(_ feed: inout FeedRecord, result: String, response: FetchResponse,
                         document: FeedDocument?, now: Date) {
        feed.lastResult = result
        feed.lastError = nil
        feed.consecutiveFailures = 0
        var decision = Schedule(configuration: configuration).interval(
            operatorSetting: feed.operatorIntervalSeconds, cacheControl: response.cacheControl,
            expires: response.expires, hint: document?.updateHint,
            publishedDates: document?.entries.compactMap { $0.datePublished ?? $0.dateModified } ?? [], now: now)
        if document == nil, decision.source == .configured, let kept = feed.intervalSeconds,
           let source = feed.intervalSource.flatMap(Schedule.Source.init(rawValue:)),
           source == .ttl || source == .syndication || source == .cadence {
            decision = Schedule.Decision(seconds: kept, source: source)
        }
        feed.intervalSeconds = decision.seconds
        feed.intervalSource = decision.source.rawValue
        var random = SystemRandomNumberGenerator()
        feed.nextPollAt = now.addingTimeInterval(Schedule.jittered(decision.seconds, using: &random))
    }

    private func fail(_ feed: inout FeedRecord, result: String, message: String, now: Date, log: Logger) -> PollOutcome {
        feed.lastResult = result
        feed.lastError = message
        feed.consecutiveFailures += 1
        feed.nextPollAt = now.addingTimeInterval(Backoff.delay(failures: feed.consecutiveFailures,
                                                               base: configuration.pollIntervalSeconds,
                                                               cap: configuration.maximumBackoffSeconds))
        log.warning("feed poll failed", metadata: [
            "error": "\(message)", "failures": "\(feed.consecutiveFailures)",
            "http.status": "\(feed.lastHTTPStatus.map(String.init) ?? "-")",
        ])
        return .failed(message)
    }
}
