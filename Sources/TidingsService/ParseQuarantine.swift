import Foundation
import TidingsModel
import TidingsStore

/// The quarantine policy: a document that crashed the process while it was
/// parsed, twice in a row, is not parsed again until it changes or an
/// operator asks (`tidings poll`). The state only keeps the marks and the
/// counts; what they mean is decided here.
public enum ParseQuarantine {
    /// Deaths in a row during the parse of one document before it is quarantined.
    public static let crashesBeforeQuarantine = 2

    /// What a dead process's parse marks came to.
    public struct Recovery: Sendable {
        /// Feeds whose parse the process crashed in, with the new count.
        public var counted: [FeedRecord] = []
        /// Feeds whose parse was cut short by a death that was not a crash
        /// of that parse (killed from outside): not held against them.
        public var discarded: [String] = []
    }

    /// Turns the marks a dead process left behind into crash counts, at
    /// start and before anything polls. Only a mark whose feed is in
    /// `crashedFeeds` (the process's crash note named it) counts. Every
    /// mark is consumed, before the counts are saved: a death in between
    /// forgets a count rather than counting it twice.
    static func recover(_ state: TidingsState, crashedFeeds: Set<String>, at now: Date = Date()) throws(StoreError) -> Recovery {
        var recovery = Recovery()
        let marks = ParseMarks(stateDirectory: state.stateDirectory)
        for mark in marks.all() {
            guard crashedFeeds.contains(mark.feedID) else {
                recovery.discarded.append(mark.feedID)
                continue
            }
            guard var feed = try state.find(mark.feedID) else { continue }
            if feed.parseCrashHash == mark.bodyHash {
                feed.parseCrashes += 1
            } else {
                feed.parseCrashes = 1
                feed.parseCrashHash = mark.bodyHash
            }
            if feed.parseCrashes >= crashesBeforeQuarantine {
                feed.quarantinedHash = mark.bodyHash
                feed.quarantineReason = "quarantined: the process crashed \(feed.parseCrashes) times in a row "
                    + "while parsing this document (last noticed \(Timestamp.format(now))); "
                    + "not parsed again until it changes or 'tidings poll' asks"
            }
            recovery.counted.append(feed)
        }
        marks.removeAll()
        try state.save(recovery.counted)
        return recovery
    }
}
