import Foundation

/// Hosts that asked us to wait (429 or 503 with Retry-After): no feed on the
/// same scheme, host and port is fetched until the time they named.
public actor HostGate {
    private var pausedUntil: [String: Date] = [:]

    public init() {}

    /// Pauses the feed's host; returns the host's key (nil for a URL with
    /// none), for nodes sharing a state to pause it too.
    @discardableResult
    public func pause(_ url: String, until: Date) -> String? {
        guard let key = Self.key(url) else { return nil }
        pause(key: key, until: until)
        return key
    }

    /// Pauses a host by its key (what another node recorded).
    public func pause(key: String, until: Date) {
        pausedUntil[key] = max(pausedUntil[key] ?? .distantPast, until)
    }

    /// When the feed's host may be contacted again, if it is paused now.
    public func pausedUntil(_ url: String, now: Date) -> Date? {
        guard let key = Self.key(url), let until = pausedUntil[key] else { return nil }
        if until <= now {
            pausedUntil[key] = nil
            return nil
        }
        return until
    }

    static func key(_ url: String) -> String? {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), let host = c.host?.lowercased(),
              scheme == "http" || scheme == "https" else { return nil }
        return "\(scheme)://\(host):\(c.port ?? (scheme == "https" ? 443 : 80))"
    }
}
