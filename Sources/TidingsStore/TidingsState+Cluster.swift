import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Several nodes on one PostgreSQL state and one output directory
/// (docs/cluster.md):
/// - a node claims due feeds in batches, with a lease (`claimDue`): rows
///   locked with `SKIP LOCKED`, so two nodes never claim one feed; the lease
///   is renewed while the node lives (`renewLeases`) and released by the
///   commit that saves the poll's result; a dead node's leases expire and
///   other nodes claim those feeds;
/// - one node at a time leads (a session advisory lock, freed by PostgreSQL
///   when its connection ends): it writes the journal files, delivers the
///   hooks, runs retention and purges, and adopts the staged groups of nodes
///   that died between renaming their files and committing;
/// - each node holds a lock of its own name while it lives, so that the
///   leader can tell a dead node's staging directory from a live one's.
extension TidingsState {
    final class Cluster {
        let node: String
        var leading = false
        init(node: String) { self.node = node }
    }

    /// Advisory lock keys (two-key form; the first names Tidings' use).
    private static let leaderLock = "7402, 0"
    private static let nodeLockClass: Int64 = 7401

    /// Whether the state is shared by nodes (PostgreSQL).
    public var isShared: Bool { cluster != nil }

    /// Whether the state lives in PostgreSQL (shared by nodes), for any
    /// connection, the CLI's included.
    public var isSharedDatabase: Bool { db.engine == .postgres }

    /// This node's name, when the state is shared.
    public var nodeName: String? { cluster?.node }

    /// Takes this node's name (refused while another live process holds it:
    /// two writers in one staging directory would undo each other's groups)
    /// and says it is here.
    func join(at now: Date) throws(StoreError) {
        guard let cluster else { return }
        let lock = try db.prepare("SELECT CASE WHEN pg_try_advisory_lock(?, hashtext(?)) THEN 1 ELSE 0 END")
        try lock.bind([.int(Self.nodeLockClass), .text(cluster.node)])
        guard try lock.step(), lock.int(0) == 1 else {
            throw .incompatible("another tidingsd runs as node \(cluster.node) on this state: give each node its own node_name")
        }
        try db.prepare("""
            INSERT INTO nodes (name, pid, started_at, last_seen) VALUES (?1, ?2, ?3, ?3)
            ON CONFLICT (name) DO UPDATE SET pid = excluded.pid, started_at = excluded.started_at, last_seen = excluded.last_seen
            """).run([.text(cluster.node), .int(Int64(getpid())), .real(now.timeIntervalSince1970)])
    }

    /// Leases up to `limit` enabled feeds that are due and not leased by a
    /// live node, for `leaseSeconds`; returns them in the order they were
    /// added. Rows another node is claiming at this moment are skipped.
    ///
    /// - Parameter perHost: the most feeds of one host (scheme, host, port)
    ///   the cluster polls at once (`fetch.maximum_transfers_per_host`):
    ///   of a host other nodes hold leases on, only what is left of that.
    public func claimDue(limit: Int, leaseSeconds: Double, perHost: Int = .max,
                         at now: Date = Date()) throws(StoreError) -> [FeedRecord] {
        guard let cluster else { return try Array(due(at: now).prefix(limit)) }
        let until = now.timeIntervalSince1970 + leaseSeconds
        // The rows picked once (a materialized CTE): as an `IN` subquery,
        // PostgreSQL may run the `SKIP LOCKED` scan again and lease more
        // than `limit` (a node took every feed of a cold start that way).
        // A host's feeds are ranked in the order they were added; of a host
        // live leases (any node's, this one's too) hold n of, the first
        // perHost - n are claimable: no node holds more of a host than it
        // may fetch at once, and the nodes share the hosts. (Two nodes
        // claiming at the same instant may each take what is left.)
        let host = "lower(substring(f.url from '^[A-Za-z]+://(?:[^@/]*@)?([^/?#]+)'))"
        let claim = try db.prepare("""
            WITH others AS (
              SELECT \(host) AS host, count(*) AS held FROM feed_schedule s JOIN feeds f ON f.id = s.feed_id
              WHERE s.leased_by IS NOT NULL AND s.lease_until >= ?3
              GROUP BY 1),
            ranked AS (
              SELECT s.feed_id, \(host) AS host, row_number() OVER (PARTITION BY \(host) ORDER BY s.position) AS place
              FROM feed_schedule s JOIN feeds f ON f.id = s.feed_id
              WHERE (s.next_poll_at IS NULL OR s.next_poll_at <= ?3) AND f.disabled_reason IS NULL AND f.paused_at IS NULL
                AND (s.leased_by IS NULL OR s.lease_until < ?3)),
            allowed AS (
              SELECT r.feed_id FROM ranked r LEFT JOIN others o ON o.host = r.host
              WHERE r.place <= ?5 - coalesce(o.held, 0)),
            picked AS MATERIALIZED (
              -- The lease is checked again here, on the row as locked: a
              -- row another node claimed and committed since the snapshot
              -- above is skipped (PostgreSQL re-checks this WHERE, not those of the
              -- CTEs, on a row that changed).
              SELECT s.feed_id FROM feed_schedule s
              WHERE s.feed_id IN (SELECT feed_id FROM allowed)
                AND (s.next_poll_at IS NULL OR s.next_poll_at <= ?3) AND (s.leased_by IS NULL OR s.lease_until < ?3)
              ORDER BY s.position LIMIT ?4
              FOR UPDATE OF s SKIP LOCKED)
            UPDATE feed_schedule t SET leased_by = ?1, lease_until = ?2 FROM picked WHERE t.feed_id = picked.feed_id
            RETURNING t.feed_id
            """)
        try claim.bind([.text(cluster.node), .real(until), .real(now.timeIntervalSince1970), .int(Int64(limit)),
                        .int(Int64(min(perHost, 1 << 30)))])
        var claimed = Set<String>()
        while try claim.step() { if let id = claim.text(0) { claimed.insert(id) } }
        guard !claimed.isEmpty else { return [] }
        return try leased(until: until).filter { claimed.contains($0.id) }
    }

    /// The feeds this node leased with this expiry, in the order they were added.
    private func leased(until: Double) throws(StoreError) -> [FeedRecord] {
        try query("WHERE s.leased_by = ? AND s.lease_until = ? ORDER BY s.position",
                        [.text(cluster?.node), .real(until)])
    }

    /// Due feeds another live node holds: `--once` waits for them (a dead
    /// node's lease runs out, and they are claimed here).
    public func dueElsewhere(at now: Date = Date()) throws(StoreError) -> Int {
        guard let cluster else { return 0 }
        let stmt = try db.prepare("""
            SELECT count(*) FROM feed_schedule s JOIN feeds f ON f.id = s.feed_id
            WHERE (s.next_poll_at IS NULL OR s.next_poll_at <= ?1) AND f.disabled_reason IS NULL AND f.paused_at IS NULL
              AND s.leased_by IS NOT NULL AND s.leased_by <> ?2
            """)
        try stmt.bind([.real(now.timeIntervalSince1970), .text(cluster.node)])
        _ = try stmt.step()
        return Int(stmt.int(0) ?? 0)
    }

    /// Extends this node's leases (the polls it has in flight) and says it
    /// is alive. Called well within every lease.
    public func renewLeases(leaseSeconds: Double, at now: Date = Date()) throws(StoreError) {
        guard let cluster else { return }
        try db.transaction { () throws(StoreError) in
            try db.prepare("UPDATE feed_schedule SET lease_until = ?2 WHERE leased_by = ?1")
                .run([.text(cluster.node), .real(now.timeIntervalSince1970 + leaseSeconds)])
            try db.prepare("UPDATE nodes SET last_seen = ?2 WHERE name = ?1")
                .run([.text(cluster.node), .real(now.timeIntervalSince1970)])
        }
    }

    /// Gives back every lease this node holds (a clean stop: polls cut
    /// short recorded nothing, and other nodes may take the feeds at once).
    public func releaseLeases() throws(StoreError) {
        guard let cluster else { return }
        try db.prepare("UPDATE feed_schedule SET leased_by = NULL, lease_until = NULL WHERE leased_by = ?")
            .run([.text(cluster.node)])
    }

    /// Whether this node leads (writes the journal files, runs hooks and
    /// upkeep); takes the lead when no live node has it. The journal files
    /// are the truth of what was written: a new leader continues from them.
    ///
    /// - Parameter wait: how long to wait for a leader to stop (a node
    ///   stopping waits for one that stops beside it, so that the last of
    ///   them writes every committed event); 0: not at all.
    @discardableResult
    public func lead(wait: Double = 0) throws(StoreError) -> Bool {
        guard let cluster else { return true }
        if cluster.leading { return true }
        if wait > 0 {
            do {
                try db.execute("SET lock_timeout = \(Int(wait * 1000))")
                defer { try? db.execute("SET lock_timeout = 0") }
                try db.execute("SELECT pg_advisory_lock(\(Self.leaderLock))")
            } catch .postgres(let state, _) where state == "55P03" {
                return false  // a leader runs on: it writes what this node committed
            }
        } else {
            let stmt = try db.prepare("SELECT CASE WHEN pg_try_advisory_lock(\(Self.leaderLock)) THEN 1 ELSE 0 END")
            guard try stmt.step(), stmt.int(0) == 1 else { return false }
        }
        guard let output else { return false }
        cluster.leading = true
        output.journalWrittenSeq = try output.journal.lastSeq()
        try adoptGroupsOfDeadNodes()
        return true
    }

    /// The staged groups of nodes that died after renaming their files and
    /// before committing: adopted as each node's own restart would
    /// (`adoptUncommittedGroup`), under the dead node's lock, so that a
    /// node starting again under that name waits for it.
    public func adoptGroupsOfDeadNodes() throws(StoreError) {
        guard let cluster, cluster.leading, let output else { return }
        let root = output.directory + "/.staging"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for name in names.sorted() where name != cluster.node {
            let staging = root + "/" + name
            let left = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
            guard !left.isEmpty else { continue }
            let lock = try db.prepare("SELECT CASE WHEN pg_try_advisory_lock(?, hashtext(?)) THEN 1 ELSE 0 END")
            try lock.bind([.int(Self.nodeLockClass), .text(name)])
            guard try lock.step(), lock.int(0) == 1 else { continue }  // alive
            defer {
                _ = try? db.prepare("SELECT pg_advisory_unlock(?, hashtext(?))").run([.int(Self.nodeLockClass), .text(name)])
            }
            try adoptUncommittedGroup(staging: staging)  // nothing without an intent
            FileSystem.clearStaging(staging)
        }
    }

    /// A host asked to wait (`HostGate`): every node waits. `host` is the
    /// gate's key (scheme, host, port).
    public func pauseHost(_ host: String, until: Date) throws(StoreError) {
        guard cluster != nil else { return }
        try db.prepare("""
            INSERT INTO host_pauses (host, until) VALUES (?1, ?2)
            ON CONFLICT (host) DO UPDATE SET until = greatest(host_pauses.until, excluded.until)
            """).run([.text(host), .real(until.timeIntervalSince1970)])
    }

    /// Hosts paused now, by any node.
    public func hostPauses(at now: Date = Date()) throws(StoreError) -> [(host: String, until: Date)] {
        guard cluster != nil else { return [] }
        let stmt = try db.prepare("SELECT host, until FROM host_pauses WHERE until > ?")
        try stmt.bind([.real(now.timeIntervalSince1970)])
        var out: [(host: String, until: Date)] = []
        while try stmt.step() {
            if let host = stmt.text(0), let until = stmt.real(1) { out.append((host, Date(timeIntervalSince1970: until))) }
        }
        return out
    }

    /// The nodes that share this state, for `tidings status`.
    public struct Node: Sendable, Hashable {
        public var name: String
        public var pid: Int
        public var startedAt: Date
        public var lastSeen: Date
        public var leases: Int
    }

    public func nodes() throws(StoreError) -> [Node] {
        guard db.engine == .postgres else { return [] }
        let stmt = try db.prepare("""
            SELECT n.name, n.pid, n.started_at, n.last_seen,
              (SELECT count(*) FROM feed_schedule s WHERE s.leased_by = n.name)
            FROM nodes n ORDER BY n.name
            """)
        var out: [Node] = []
        while try stmt.step() {
            out.append(Node(name: stmt.text(0) ?? "", pid: Int(stmt.int(1) ?? 0),
                            startedAt: Date(timeIntervalSince1970: stmt.real(2) ?? 0),
                            lastSeen: Date(timeIntervalSince1970: stmt.real(3) ?? 0), leases: Int(stmt.int(4) ?? 0)))
        }
        return out
    }

    /// Which node polled each feed last (by feed id).
    public func lastPollers() throws(StoreError) -> [String: String] {
        guard db.engine == .postgres else { return [:] }
        let stmt = try db.prepare("SELECT feed_id, polled_by FROM feed_schedule WHERE polled_by IS NOT NULL")
        var out: [String: String] = [:]
        while try stmt.step() { if let id = stmt.text(0), let node = stmt.text(1) { out[id] = node } }
        return out
    }
}
