import Foundation
import TidingsFetching
import TidingsStore

/// When a permanent redirect (301, 308) may change a feed's URL. One stray
/// 301 from a misconfigured server must not move a feed for good, so the
/// move is applied only after it has been seen on `confirmations` polls in a
/// row spanning at least `minimumSpan`. Temporary redirects never move a
/// feed. The feed's id, and so every article id, stays the same.
struct MovePolicy: Sendable {
    var confirmations: Int
    var minimumSpan: TimeInterval

    enum Verdict: Equatable {
        case none
        case pending(target: String, seen: Int)
        case apply(from: String, to: String)
    }

    func observe(_ response: FetchResponse, feed: inout FeedRecord, now: Date) -> Verdict {
        guard response.isPermanentMove, let target = permanentTarget(response), target != feed.url else {
            if !response.redirects.isEmpty || response.isSuccess || response.isNotModified {
                clearPending(&feed)
            }
            return .none
        }
        if feed.pendingMoveURL == target {
            feed.pendingMoveCount += 1
        } else {
            feed.pendingMoveURL = target
            feed.pendingMoveSince = now
            feed.pendingMoveCount = 1
        }
        let span = now.timeIntervalSince(feed.pendingMoveSince ?? now)
        if feed.pendingMoveCount >= confirmations && span >= minimumSpan {
            let from = feed.url
            feed.movedFrom = from
            feed.url = target
            clearPending(&feed)
            return .apply(from: from, to: target)
        }
        return .pending(target: target, seen: feed.pendingMoveCount)
    }

    /// Where the chain of permanent redirects ends: the final URL.
    private func permanentTarget(_ response: FetchResponse) -> String? {
        response.finalURL.isEmpty ? nil : response.finalURL
    }

    private func clearPending(_ feed: inout FeedRecord) {
        feed.pendingMoveURL = nil
        feed.pendingMoveSince = nil
        feed.pendingMoveCount = 0
    }
}
