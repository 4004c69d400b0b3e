import Foundation
import TidingsModel

/// A state database that is corrupt or gone is not the end of the output:
/// every article file holds what the index keeps. At start a corrupt
/// database is set aside (kept, renamed, for whoever wants to look) and a
/// fresh one is rebuilt from the files, feed list included (each article
/// names its feed's id and URL); nothing is lost and no file is rewritten.
/// `tidings reindex` does the same on demand.
public enum IndexRecovery {
    public struct Report: Sendable {
        public var reason: String
        /// Where the corrupt database was moved, if it was.
        public var setAside: String?
        public var articles = 0
        public var feedsRestored = 0
        public var unreadable: [String] = []
    }

    /// Moves a database SQLite calls corrupt (or not a database at all)
    /// aside, with its journal files; returns where and why. A healthy or
    /// missing database is left alone (nil). Other failures (permissions)
    /// are thrown: they are not corruption.
    ///
    /// The check reads the whole database (0.44 s at 244,000 articles), so
    /// it is skipped when the last process stopped cleanly and left the
    /// database as it found it (`markCleanStop`): after a crash, a kill, a
    /// power loss, or a database changed since, it runs.
    public static func setAsideIfCorrupt(stateDirectory: String, at now: Date = Date()) throws(StoreError) -> (path: String, reason: String)? {
        let path = stateDirectory + "/" + TidingsState.fileName
        guard FileSystem.exists(path) else { return nil }
        let marker = stateDirectory + "/" + cleanStopName
        let stoppedCleanly = FileSystem.read(marker).map { String(decoding: $0, as: UTF8.self) } == fingerprint(path)
        unlink(marker)
        if stoppedCleanly { return nil }
        let problem: String
        do {
            let db = try SQLiteDatabase(path: path)
            let check = try db.prepare("PRAGMA quick_check(1)")
            _ = try check.step()
            let verdict = check.text(0) ?? "unknown"
            if verdict == "ok" { return nil }
            problem = verdict
        } catch .sqlite(let code, let message) where code == 11 || code == 26 {
            problem = message
        }
        let aside = path + ".corrupt-" + String(Int(now.timeIntervalSince1970))
        for suffix in ["", "-wal", "-shm"] where FileSystem.exists(path + suffix) {
            if rename(path + suffix, aside + suffix) != 0 {
                throw .io(path: path + suffix, errno: errno, message: "cannot set the corrupt database aside")
            }
        }
        return (aside, problem)
    }

    static let cleanStopName = "clean-stop"

    /// Leaves a note that the database was whole when this process stopped,
    /// after its last checkpoint: the next start skips the full check.
    static func markCleanStop(stateDirectory: String) {
        let path = stateDirectory + "/" + TidingsState.fileName
        guard let print = fingerprint(path) else { return }
        try? FileSystem.writeUnsynced(stateDirectory + "/" + cleanStopName, Array(print.utf8))
    }

    /// The database's size and modification time, and that no WAL holds
    /// commits beside it: whatever changes the file changes this.
    private static func fingerprint(_ path: String) -> String? {
        var db = stat(), wal = stat()
        guard stat(path, &db) == 0 else { return nil }
        if stat(path + "-wal", &wal) == 0, wal.st_size > 0 { return nil }
        return "\(db.st_size) \(db.st_mtim.tv_sec).\(db.st_mtim.tv_nsec) \(db.st_ino)"
    }

    /// Rebuilds the index from the article files when it holds no article
    /// but files exist (a lost or set-aside database), or when `force`.
    /// Feeds named by the articles and missing from the list are followed again.
    public static func rebuild(state: TidingsState, reason: String, force: Bool = false,
                               progress: ((Int, Int) -> Void)? = nil) throws(StoreError) -> Report? {
        let empty = try state.count() == 0
        guard force || (empty && state.hasArticleFiles) else { return nil }
        let found = try state.reindex(progress: progress)
        var report = Report(reason: reason, articles: found.articles, unreadable: found.unreadable)
        report.feedsRestored = try state.restore(found.feeds)
        return report
    }
}

extension TidingsState {
    /// Follows again the feeds articles were seen in, under their own ids,
    /// when the list does not have them; returns how many it added.
    public func restore(_ feeds: [TidingsMeta.FeedRef], at now: Date = Date()) throws(StoreError) -> Int {
        var added = 0
        try db.transaction { () throws(StoreError) in
            let insert = try db.prepare("""
                INSERT INTO feeds (id, url, added_url, added_at, title, home_page_url) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
            for feed in feeds {
                try insert.run([.text(feed.id), .text(feed.url), .text(feed.url), .real(now.timeIntervalSince1970),
                                .text(feed.title), .text(feed.homePageURL)])
                added += db.changes
            }
        }
        return added
    }
}
