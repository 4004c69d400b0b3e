import Foundation

/// What `tidings status` reads beside the feeds: article counts and the
/// daemon's last round.
extension TidingsState {
    /// Articles with a file (not expired): in all, and per feed that
    /// carries them.
    /// Articles kept, and how many one feed carries: what `tidings status`
    /// shows, without counting every feed's (a join over every source,
    /// a second at 244,000 articles).
    public func articleCount(feedID: String) throws(StoreError) -> Int {
        let stmt = try db.prepare("""
            SELECT count(*) FROM article_sources s JOIN articles a ON a.id = s.article_id
            WHERE s.feed_id = ? AND a.expired_at IS NULL
            """)
        try stmt.bind([.text(feedID)])
        _ = try stmt.step()
        return Int(stmt.int(0) ?? 0)
    }

    public func keptArticleCount() throws(StoreError) -> Int {
        let total = try db.prepare("SELECT count(*) FROM articles WHERE expired_at IS NULL")
        _ = try total.step()
        return Int(total.int(0) ?? 0)
    }

    public func articleCounts() throws(StoreError) -> (total: Int, byFeed: [String: Int]) {
        let total = try db.prepare("SELECT count(*) FROM articles WHERE expired_at IS NULL")
        _ = try total.step()
        let perFeed = try db.prepare("""
            SELECT s.feed_id, count(*) FROM article_sources s JOIN articles a ON a.id = s.article_id
            WHERE a.expired_at IS NULL GROUP BY s.feed_id
            """)
        var byFeed: [String: Int] = [:]
        while try perFeed.step() { if let id = perFeed.text(0) { byFeed[id] = Int(perFeed.int(1) ?? 0) } }
        return (Int(total.int(0) ?? 0), byFeed)
    }

    /// The daemon's last round, in words, and when it ended.
    public func setLastRound(_ summary: String, at now: Date = Date()) throws(StoreError) {
        let insert = try db.prepare(Self.setDaemonState)
        try insert.run([.text("last_round.summary"), .text(summary)])
        try insert.run([.text("last_round.at"), .text(String(now.timeIntervalSince1970))])
    }

    public func lastRound() throws(StoreError) -> (summary: String, at: Date)? {
        let stmt = try db.prepare("SELECT key, value FROM daemon_state WHERE key LIKE 'last_round.%'")
        var values: [String: String] = [:]
        while try stmt.step() { values[stmt.text(0) ?? ""] = stmt.text(1) }
        guard let summary = values["last_round.summary"], let at = values["last_round.at"].flatMap(Double.init) else { return nil }
        return (summary, Date(timeIntervalSince1970: at))
    }

    /// Copies the WAL back into the database and empties it: a process
    /// that stops (or a `--once` round that ends) leaves no checkpoint for
    /// the next one to pay (`wal_autocheckpoint` lets the WAL reach 64 MiB).
    public func checkpoint() throws(StoreError) {
        guard db.engine == .sqlite else { return }
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// The last thing a writer that stops cleanly does: after a checkpoint,
    /// a note that lets the next start skip the full check of the database
    /// (`IndexRecovery.setAsideIfCorrupt`).
    public func stopCleanly() throws(StoreError) {
        if cluster != nil {
            // The last node to stop writes the journal's last lines.
            try releaseLeases()
            try lead(wait: 5)
            try flushJournal()
            return
        }
        guard db.engine == .sqlite else { return }
        try checkpoint()
        IndexRecovery.markCleanStop(stateDirectory: stateDirectory)
    }
}
