import Foundation
import TidingsConfiguration
import TidingsModel
import TidingsStore

/// What the polling loop does among nodes sharing a state (docs/cluster.md):
/// claiming feeds, keeping the leases, learning other nodes' host pauses.
extension Daemon {
    /// Among nodes: renews this node's leases every third of a lease, for
    /// as long as the node runs (polls in flight keep their feeds).
    func renewLeases() -> Task<Void, Never>? {
        guard ledger.isShared else { return nil }
        // The lease as the node started (a change needs a restart). The
        // ledger held weakly: a cancelled task waiting for a thread must not
        // keep the state's connection (and the node's name) after the daemon
        // is gone.
        let lease = configuration.leaseSeconds
        return Task { [weak ledger, logger] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(lease / 3 * 1e9))
                guard !Task.isCancelled, let ledger else { return }
                do {
                    try await ledger.renewLeases(leaseSeconds: lease)
                } catch {
                    logger.error("cannot renew leases", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// The hosts other nodes were asked to leave alone: this node waits too.
    func learnHostPauses() async throws {
        for pause in try await ledger.hostPauses() { await hosts.pause(key: pause.host, until: pause.until) }
    }

    /// The next window of due feeds for this node; none when the state
    /// cannot be read (logged: the next round tries again).
    func claimMore(_ window: Int, _ configuration: Configuration) async -> [FeedRecord] {
        do {
            try await learnHostPauses()
            let claimed = try await ledger.claimDue(limit: window, leaseSeconds: configuration.leaseSeconds,
                                                    perHost: configuration.fetch.maximumTransfersPerHost)
            logger.debug("feeds claimed", metadata: ["feeds": "\(claimed.count)"])
            return claimed
        } catch {
            logger.error("cannot claim due feeds", metadata: ["error": "\(error)"])
            return []
        }
    }
}
