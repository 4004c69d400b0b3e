import Foundation
import TidingsConfiguration
import TidingsFetching
import TidingsStore

/// A network outage is not a feed's failure. Polls that meet no network
/// (a name that does not resolve, a host that takes no connection) are
/// held back until the round ends. If nothing answered in the round and
/// this machine looks cut off (no default route, or a few feeds on other
/// hosts that answered last time do not answer either, or the polls went
/// to several hosts), the round is an outage: no failure count grows, no
/// back-off is applied, the state says since when (`tidings status`), and
/// the feeds stay due, polled again after `outage_retry_seconds` or as
/// soon as a default route comes back. Otherwise each is its feed's failure.
extension Daemon {
    func settleUnreachable(_ summary: inout PollSummary, poller: Poller, now: Date) async {
        let held = summary.unreachable
        summary.unreachable = []
        if held.isEmpty || summary.polled > 0 {
            await endOutage()
        }
        guard !held.isEmpty else { return }
        if summary.polled == 0, await looksCutOff(held.map(\.feed), poller: poller, now: now) {
            summary.outage = true
            summary.unreachable = held
            let since = (try? await ledger.networkOutage()) ?? nil
            if since == nil {
                logger.error("network unreachable: polls not counted as feed failures", metadata: [
                    "feeds": "\(held.count)", "error": "\(held[0].error)",
                ])
                try? await ledger.setNetworkOutage(since: now)
            }
            outageMarked.withLock { $0 = true }
            return
        }
        for poll in held { summary.add(await poller.recordUnreachable(poll.feed, poll.error, now: now)) }
    }

    private func endOutage() async {
        guard outageMarked.withLock({ $0 }) != false else { return }
        guard let since = (try? await ledger.networkOutage()) ?? nil else {
            outageMarked.withLock { $0 = false }
            return
        }
        logger.notice("network reachable again; polling resumed", metadata: [
            "unreachable.seconds": "\(Int(Date().timeIntervalSince(since)))",
        ])
        if (try? await ledger.setNetworkOutage(since: nil)) != nil { outageMarked.withLock { $0 = false } }
    }

    private func looksCutOff(_ feeds: [FeedRecord], poller: Poller, now: Date) async -> Bool {
        if !NetworkRoutes.hasDefaultRoute() { return true }
        let hosts = Set(feeds.compactMap { URLComponents(string: $0.url)?.host?.lowercased() })
        let others = ((try? await ledger.answeringFeeds(limit: 50)) ?? []).filter {
            guard let host = URLComponents(string: $0.url)?.host?.lowercased() else { return false }
            return !hosts.contains(host)
        }
        var probed = Set<String>()
        for feed in others {
            guard let host = URLComponents(string: feed.url)?.host?.lowercased(), probed.insert(host).inserted else { continue }
            // A real poll of a feed that answered last time: if it answers
            // now, the network is up (and its poll is recorded as usual).
            if case .unreachable = await poller.poll(feed, now: now) { } else { return false }
            if probed.count == 3 { break }
        }
        return !probed.isEmpty || hosts.count >= 2
    }

    /// During an outage: until the retry is due, or a default route comes
    /// back (a cable plugged in, a VPN up), whichever is first.
    func waitOutOutage(heartbeat: @Sendable () -> Void) async {
        let retry = Date().addingTimeInterval(configuration.outageRetrySeconds)
        let routed = NetworkRoutes.hasDefaultRoute()
        while await nap(until: retry, heartbeat: heartbeat) {
            if !routed, NetworkRoutes.hasDefaultRoute() { return }
        }
    }
}

/// Whether this machine has a default route (IPv4 or IPv6), from
/// `/proc/net/route` and `/proc/net/ipv6_route`.
enum NetworkRoutes {
    static func hasDefaultRoute() -> Bool {
        if let v4 = try? String(contentsOfFile: "/proc/net/route", encoding: .utf8) {
            for line in v4.split(separator: "\n").dropFirst() {
                let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
                if fields.count > 1, fields[1] == "00000000", fields[0] != "lo" { return true }
            }
        }
        if let v6 = try? String(contentsOfFile: "/proc/net/ipv6_route", encoding: .utf8) {
            for line in v6.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count >= 10, fields[0] == String(repeating: "0", count: 32), fields[1] == "00",
                   fields[9] != "lo" { return true }
            }
        }
        return false
    }
}
