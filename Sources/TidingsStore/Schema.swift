/// The state database's schema, migrated forward by `PRAGMA user_version`.
/// Append a migration; never edit one that has shipped.
enum Schema {
    static let migrations: [String] = [
        """
        CREATE TABLE feeds (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            added_url TEXT NOT NULL,
            added_at REAL NOT NULL,
            title TEXT,
            home_page_url TEXT,
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            last_poll_at REAL,
            last_result TEXT,
            last_http_status INTEGER,
            last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            next_poll_at REAL,
            disabled_reason TEXT,
            pending_move_url TEXT,
            pending_move_since REAL,
            pending_move_count INTEGER NOT NULL DEFAULT 0,
            moved_from TEXT
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            feed_id TEXT NOT NULL,
            path TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            revision INTEGER NOT NULL,
            first_seen REAL NOT NULL,
            last_changed REAL NOT NULL
        );
        CREATE INDEX articles_by_feed ON articles(feed_id);
        """,
        // 2: a parse in progress leaves a mark; a process that dies during
        // it leaves the mark behind, and two in a row quarantine the document.
        """
        ALTER TABLE feeds ADD COLUMN parse_crashes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE feeds ADD COLUMN parse_crash_hash TEXT;
        ALTER TABLE feeds ADD COLUMN quarantined_hash TEXT;
        ALTER TABLE feeds ADD COLUMN quarantine_reason TEXT;
        CREATE TABLE parse_marks (
            feed_id TEXT PRIMARY KEY,
            body_hash TEXT NOT NULL,
            started_at REAL NOT NULL
        );
        """,
        // 3: what the daemon as a whole is going through (a storage pause),
        // for `tidings status`.
        """
        CREATE TABLE daemon_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
        // 4: one article per story across feeds. `articles.feed_id` is now
        // the feed whose sighting fills the file (`content_rank` is how rich
        // it is; -1 once that feed is gone); `article_keys` maps the hash of
        // every dedup key (`ArticleIdentity`) to its article; every feed an
        // article was seen in has a row in `article_sources`. `expired_at`
        // makes a row a tombstone. `journal` holds change events until they
        // are in the journal files (and past the hook cursor); AUTOINCREMENT
        // never reuses a seq. Keys and sources of articles recorded before
        // are filled from their files (`TidingsState.backfillIdentity`).
        """
        ALTER TABLE articles ADD COLUMN content_rank INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE articles ADD COLUMN expired_at REAL;
        CREATE INDEX articles_by_first_seen ON articles(first_seen);
        CREATE TABLE article_keys (
            key_hash TEXT PRIMARY KEY,
            article_id TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX article_keys_by_article ON article_keys(article_id);
        CREATE TABLE article_sources (
            article_id TEXT NOT NULL,
            feed_id TEXT NOT NULL,
            feed_url TEXT NOT NULL,
            guid TEXT,
            url TEXT,
            content_hash TEXT,
            PRIMARY KEY (article_id, feed_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_sources_by_feed ON article_sources(feed_id);
        CREATE TABLE journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event TEXT NOT NULL,
            article_id TEXT NOT NULL,
            path TEXT NOT NULL,
            feed_id TEXT,
            at REAL NOT NULL
        );
        CREATE TABLE purge_requests (
            feed_id TEXT PRIMARY KEY,
            requested_at REAL NOT NULL
        );
        CREATE TABLE hook_failures (
            seq INTEGER PRIMARY KEY,
            event TEXT NOT NULL,
            article_id TEXT NOT NULL,
            path TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT NOT NULL,
            at REAL NOT NULL
        );
        """,
        // 5: what the operator set for a feed (category, title, interval),
        // kept apart from what polls write; and the interval the schedule
        // chose, with where it came from, for `tidings status`.
        """
        ALTER TABLE feeds ADD COLUMN category TEXT;
        ALTER TABLE feeds ADD COLUMN operator_title TEXT;
        ALTER TABLE feeds ADD COLUMN operator_interval REAL;
        ALTER TABLE feeds ADD COLUMN interval_seconds REAL;
        ALTER TABLE feeds ADD COLUMN interval_source TEXT;
        """,
        // 6: parse marks are files now (`ParseMarks`): a mark in the
        // database waited behind the group of article writes in progress.
        """
        DROP TABLE parse_marks;
        """,
        // 7: the daemon finds the feeds due, and when the next one is, by
        // this index: a round costs what it polls, not what is followed.
        """
        CREATE INDEX feeds_by_next_poll ON feeds(next_poll_at);
        """,
        // 8: indexes a new article paid for on every insert, at random places
        // (a page written per key per group): keys by article served only
        // a purge, which now deletes them in one pass; articles by feed
        // served nothing since feeds share articles (`article_sources`).
        """
        DROP INDEX article_keys_by_article;
        DROP INDEX articles_by_feed;
        """,
        // 9: the two columns every poll changes live in a narrow table of
        // their own, so that a round of unchanged feeds writes a few pages
        // of it (and its index), not every wide feed row; a feed row is
        // written only when something in it changed. Every feed has a row
        // here (the trigger), so the due query runs on the index alone;
        // rows are stored in the order feeds were added, as the daemon
        // polls them, so a group of saves shares their pages.
        """
        CREATE TABLE feed_schedule (
            feed_id TEXT NOT NULL UNIQUE REFERENCES feeds(id) ON DELETE CASCADE,
            last_poll_at REAL,
            next_poll_at REAL
        );
        INSERT INTO feed_schedule (feed_id, last_poll_at, next_poll_at)
            SELECT id, last_poll_at, next_poll_at FROM feeds ORDER BY rowid;
        CREATE INDEX feed_schedule_by_next_poll ON feed_schedule(next_poll_at);
        CREATE TRIGGER feeds_get_a_schedule AFTER INSERT ON feeds BEGIN
            INSERT OR IGNORE INTO feed_schedule (feed_id) VALUES (NEW.id);
        END;
        DROP INDEX feeds_by_next_poll;
        ALTER TABLE feeds DROP COLUMN next_poll_at;
        ALTER TABLE feeds DROP COLUMN last_poll_at;
        """,
        // 10: what the last poll answered (`ok`, `not modified`, the HTTP
        // status) changes whenever a feed goes from 200 to 304 and back:
        // it joins the schedule, so that such a poll leaves the wide row alone.
        """
        ALTER TABLE feed_schedule ADD COLUMN last_result TEXT;
        ALTER TABLE feed_schedule ADD COLUMN last_http_status INTEGER;
        UPDATE feed_schedule SET
            last_result = (SELECT last_result FROM feeds WHERE feeds.id = feed_schedule.feed_id),
            last_http_status = (SELECT last_http_status FROM feeds WHERE feeds.id = feed_schedule.feed_id);
        ALTER TABLE feeds DROP COLUMN last_result;
        ALTER TABLE feeds DROP COLUMN last_http_status;
        """,
        // 11: what the operator sets for a feed's requests (JSON:
        // `FeedRequestSettings`, no secret in it), a pause, how many items
        // the rules dropped from its last document; journal events of a
        // feed's backlog (its first poll) are marked, for hooks to skip.
        """
        ALTER TABLE feeds ADD COLUMN request TEXT;
        ALTER TABLE feeds ADD COLUMN paused_at REAL;
        ALTER TABLE feeds ADD COLUMN dropped_items INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE journal ADD COLUMN backlog INTEGER NOT NULL DEFAULT 0;
        """,
    ]

    /// Brings the schema up to date. The version is read inside the write
    /// transaction: two processes opening a new state at once (the daemon
    /// starting while `tidings status` runs) must not both migrate.
    static func migrate(_ db: Database) throws(StoreError) {
        guard try version(db) < migrations.count else { return }
        try db.transaction { () throws(StoreError) in
            let current = try version(db)
            guard current < migrations.count else { return }
            for version in current..<migrations.count {
                try db.execute(migrations[version])
            }
            try db.execute("PRAGMA user_version = \(migrations.count)")
        }
    }

    /// A state a read-only reader cannot use: made by an older tidingsd
    /// and not migrated yet (a reader cannot migrate), or by a newer one.
    static func checkReadable(_ db: Database, path: String) throws(StoreError) {
        let found = try version(db)
        if found < migrations.count {
            throw .incompatible("the state in \(path) is from an older tidingsd (schema \(found), this tidings reads \(migrations.count)); "
                            + "start the new tidingsd once, and it upgrades the state")
        }
        if found > migrations.count {
            throw .incompatible("the state in \(path) is from a newer tidingsd (schema \(found)); this tidings reads up to \(migrations.count)")
        }
    }

    static func version(_ db: Database) throws(StoreError) -> Int {
        let stmt = try db.prepare("PRAGMA user_version")
        _ = try stmt.step()
        return Int(stmt.int(0) ?? 0)
    }
}
