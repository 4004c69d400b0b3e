import Foundation
import TidingsConfiguration

/// The end of a round: whether it goes into the state, and the upkeep
/// after its polls.
extension Daemon {
    /// Whether a round goes into the state as the last one (`tidings
    /// status`): when it changed articles or failed a feed, else at most
    /// every `roundRecordSeconds`: a commit per round would cost more than
    /// the round's polls with thousands of feeds.
    func shouldRecord(_ summary: PollSummary, at now: Date) -> Bool {
        let eventful = summary.newArticles + summary.updatedArticles + summary.failed > 0
        return lastRoundRecorded.withLock { last in
            guard eventful || last.map({ now.timeIntervalSince($0) >= Self.roundRecordSeconds || now < $0 }) ?? true else {
                return false
            }
            last = now
            return true
        }
    }

    static let roundRecordSeconds: Double = 10

    /// Purges, retention and the merged feed, after the round's polls.
    func finishRound(_ summary: inout PollSummary, configuration: Configuration) async {
        do {
            let upkeep = try await ledger.finishRound(
                changed: summary.newArticles + summary.updatedArticles > 0, configuration: configuration)
            for (feed, purge) in upkeep.purged.sorted(by: { $0.key < $1.key }) {
                logger.notice("removed feed's articles purged", metadata: [
                    "feed.id": "\(feed)", "articles.removed": "\(purge.removed)", "articles.kept": "\(purge.kept)",
                ])
            }
            if upkeep.expired > 0 { logger.info("articles expired", metadata: ["articles.expired": "\(upkeep.expired)"]) }
            for file in upkeep.journalFilesRemoved {
                logger.info("old journal file removed", metadata: ["journal.file": "\(file)"])
            }
        } catch {
            logger.error("cannot finish the round (journal, purge, retention, merged feed)", metadata: ["error": "\(error)"])
            if error.isStorageUnavailable { summary.storageFault = error.description }
        }
    }
}
