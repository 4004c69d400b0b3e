/// The state's schema in PostgreSQL: the tables of `Schema` (SQLite) as
/// they stand after its last migration, typed for PostgreSQL, with what
/// several nodes on one state need besides (leases, nodes, the journal's
/// counter). Migrated forward by the version in `tidings_schema`; append a
/// migration, never edit one that has shipped.
enum PostgresSchema {
    static let migrations: [String] = [
        """
        CREATE TABLE feeds (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            added_url TEXT NOT NULL,
            added_at DOUBLE PRECISION NOT NULL,
            title TEXT,
            home_page_url TEXT,
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            last_error TEXT,
            consecutive_failures BIGINT NOT NULL DEFAULT 0,
            disabled_reason TEXT,
            pending_move_url TEXT,
            pending_move_since DOUBLE PRECISION,
            pending_move_count BIGINT NOT NULL DEFAULT 0,
            moved_from TEXT,
            parse_crashes BIGINT NOT NULL DEFAULT 0,
            parse_crash_hash TEXT,
            quarantined_hash TEXT,
            quarantine_reason TEXT,
            category TEXT,
            operator_title TEXT,
            operator_interval DOUBLE PRECISION,
            interval_seconds DOUBLE PRECISION,
            interval_source TEXT
        );
        -- What every poll changes, apart from the wide row (as in SQLite),
        -- with the lease of the node polling the feed now and the node
        -- that polled it last. `position` orders feeds as they were added.
        CREATE TABLE feed_schedule (
            position BIGSERIAL PRIMARY KEY,
            feed_id TEXT NOT NULL UNIQUE REFERENCES feeds(id) ON DELETE CASCADE,
            last_poll_at DOUBLE PRECISION,
            next_poll_at DOUBLE PRECISION,
            last_result TEXT,
            last_http_status BIGINT,
            leased_by TEXT,
            lease_until DOUBLE PRECISION,
            polled_by TEXT
        );
        CREATE INDEX feed_schedule_by_next_poll ON feed_schedule(next_poll_at);
        CREATE FUNCTION tidings_feed_gets_a_schedule() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO feed_schedule (feed_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$;
        CREATE TRIGGER feeds_get_a_schedule AFTER INSERT ON feeds
            FOR EACH ROW EXECUTE FUNCTION tidings_feed_gets_a_schedule();
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            feed_id TEXT NOT NULL,
            path TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            revision BIGINT NOT NULL,
            first_seen DOUBLE PRECISION NOT NULL,
            last_changed DOUBLE PRECISION NOT NULL,
            content_rank BIGINT NOT NULL DEFAULT 0,
            expired_at DOUBLE PRECISION
        );
        CREATE INDEX articles_by_first_seen ON articles(first_seen);
        CREATE TABLE article_keys (
            key_hash TEXT PRIMARY KEY,
            article_id TEXT NOT NULL
        );
        CREATE TABLE article_sources (
            article_id TEXT NOT NULL,
            feed_id TEXT NOT NULL,
            feed_url TEXT NOT NULL,
            guid TEXT,
            url TEXT,
            content_hash TEXT,
            PRIMARY KEY (article_id, feed_id)
        );
        CREATE INDEX article_sources_by_feed ON article_sources(feed_id);
        CREATE TABLE journal (
            seq BIGINT PRIMARY KEY,
            event TEXT NOT NULL,
            article_id TEXT NOT NULL,
            path TEXT NOT NULL,
            feed_id TEXT,
            at DOUBLE PRECISION NOT NULL
        );
        -- The last seq given. Not a sequence: a transaction that took 41
        -- could commit after one that took 42, and a reader that saw 42
        -- would never see 41. The row is updated just before each commit
        -- (`tidings_seal_journal`) and stays locked until that commit, so
        -- seqs are given in commit order, without gaps (docs/journal.md).
        -- `at` is the latest event time given: times follow seqs, whichever
        -- node's clock an event came from.
        CREATE TABLE journal_counter (
            one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
            seq BIGINT NOT NULL,
            at DOUBLE PRECISION NOT NULL DEFAULT 0
        );
        INSERT INTO journal_counter (seq) VALUES (0);
        CREATE FUNCTION tidings_seal_journal() RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            n BIGINT;
            last BIGINT;
            floor DOUBLE PRECISION;
        BEGIN
            SELECT count(*) INTO n FROM pending_journal;
            IF n = 0 THEN RETURN; END IF;
            UPDATE journal_counter SET seq = seq + n RETURNING seq, at INTO last, floor;
            INSERT INTO journal (seq, event, article_id, path, feed_id, at)
                SELECT last - n + row_number() OVER (ORDER BY ord), event, article_id, path, feed_id, greatest(at, floor)
                FROM pending_journal;
            UPDATE journal_counter SET at = greatest(floor, (SELECT max(at) FROM pending_journal));
            DELETE FROM pending_journal;
        END $$;
        CREATE TABLE purge_requests (
            feed_id TEXT PRIMARY KEY,
            requested_at DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE hook_failures (
            seq BIGINT PRIMARY KEY,
            event TEXT NOT NULL,
            article_id TEXT NOT NULL,
            path TEXT NOT NULL,
            attempts BIGINT NOT NULL,
            error TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE daemon_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- Hosts that asked to wait (429 or 503 with Retry-After), by
        -- scheme, host and port: no node fetches from them until then.
        CREATE TABLE host_pauses (
            host TEXT PRIMARY KEY,
            until DOUBLE PRECISION NOT NULL
        );
        -- The daemons polling this state: for `tidings status`.
        CREATE TABLE nodes (
            name TEXT PRIMARY KEY,
            pid BIGINT,
            started_at DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL
        );
        """,
        // 2: as SQLite's 11: request settings, pause, dropped items, backlog events.
        """
        ALTER TABLE feeds ADD COLUMN request TEXT;
        ALTER TABLE feeds ADD COLUMN paused_at DOUBLE PRECISION;
        ALTER TABLE feeds ADD COLUMN dropped_items BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE journal ADD COLUMN backlog BIGINT NOT NULL DEFAULT 0;
        CREATE OR REPLACE FUNCTION tidings_seal_journal() RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            n BIGINT;
            last BIGINT;
            floor DOUBLE PRECISION;
        BEGIN
            SELECT count(*) INTO n FROM pending_journal;
            IF n = 0 THEN RETURN; END IF;
            UPDATE journal_counter SET seq = seq + n RETURNING seq, at INTO last, floor;
            INSERT INTO journal (seq, event, article_id, path, feed_id, at, backlog)
                SELECT last - n + row_number() OVER (ORDER BY ord), event, article_id, path, feed_id, greatest(at, floor), backlog
                FROM pending_journal;
            UPDATE journal_counter SET at = greatest(floor, (SELECT max(at) FROM pending_journal));
            DELETE FROM pending_journal;
        END $$;
        """,
    ]

    /// What each connection needs of its own: events of the transaction in
    /// progress wait here for their seqs (`tidings_seal_journal`); a
    /// savepoint rolled back takes its events with it.
    static let session = """
        CREATE TEMP TABLE IF NOT EXISTS pending_journal (
            ord BIGSERIAL, event TEXT NOT NULL, article_id TEXT NOT NULL, path TEXT NOT NULL,
            feed_id TEXT, at DOUBLE PRECISION NOT NULL, backlog BIGINT NOT NULL DEFAULT 0
        ) ON COMMIT DELETE ROWS
        """

    static let beforeCommit = "SELECT tidings_seal_journal()"

    /// Brings the schema up to date; nodes starting together wait for the
    /// one that migrates (an advisory lock for the transaction).
    static func migrate(_ db: Database) throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            // Before anything, even `IF NOT EXISTS`, which two sessions
            // running it at once can both fail.
            try db.execute("SELECT pg_advisory_xact_lock(\(migrationLock))")
            try db.execute("CREATE TABLE IF NOT EXISTS tidings_schema (version BIGINT NOT NULL)")
            let current = try version(db)
            guard current < migrations.count else { return }
            for version in current..<migrations.count {
                try db.execute(migrations[version])
            }
            try db.execute("DELETE FROM tidings_schema")
            try db.prepare("INSERT INTO tidings_schema (version) VALUES (?)").run([.int(Int64(migrations.count))])
        }
    }

    /// The state's schema version; 0 for a database without one.
    static func version(_ db: Database) throws(StoreError) -> Int {
        let stmt = try db.prepare("SELECT coalesce(max(version), 0) FROM tidings_schema")
        guard (try? stmt.step()) == true else { return 0 }
        return Int(stmt.int(0) ?? 0)
    }

    /// A state a reader cannot use (none, older, newer).
    static func checkReadable(_ db: Database) throws(StoreError) {
        let exists = try db.prepare("SELECT to_regclass('tidings_schema') IS NOT NULL AND to_regclass('feeds') IS NOT NULL")
        guard try exists.step(), exists.text(0) == "t" else {
            throw .notFound("no Tidings state in this PostgreSQL database (start tidingsd with it once, or `tidings add`)")
        }
        let found = try version(db)
        if found != migrations.count {
            throw .incompatible("the state in PostgreSQL has schema \(found); this tidings reads \(migrations.count)"
                                + (found < migrations.count ? ": start the new tidingsd once, and it upgrades the state" : ""))
        }
    }

    /// Arbitrary, fixed: the advisory lock key of migrations.
    static let migrationLock: Int64 = 0x7469_6469_6e67_0001
}
