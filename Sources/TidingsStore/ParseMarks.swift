import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A parse in progress leaves a mark: a line in one of a few slot files,
/// `STATE/parsing/slot-N`, holding the feed's id, the body's hash and when
/// the parse began; an empty slot is free. A process that dies during the
/// parse leaves the line behind, and the next start counts it
/// (`ParseQuarantine.recover` in the service).
///
/// Files, not rows: a mark is made and cleared around every parse, and in
/// the database it would wait behind the group of article writes in
/// progress. Slots, not a file per feed: creating and unlinking a file per
/// parse cost two directory changes and an inode allocation each, a
/// thousand of them in a cold poll of 1,000 feeds. A slot is rewritten in
/// place (one slot per parse running at once, so a handful of files). It
/// only has to outlive the process, not a power loss, so it is never synced.
/// A file named after a feed is a mark left by an older version: read too.
public struct ParseMarks: Sendable {
    public let directory: String

    public init(stateDirectory: String) {
        directory = stateDirectory + "/parsing"
    }

    public struct Mark: Sendable, Hashable {
        public var feedID: String
        public var bodyHash: String
        public var startedAt: Date
    }

    /// Slots in use in this process, and which feed holds each.
    private static let slots = Mutex<[String: Int]>([:])

    private func slotPath(_ n: Int) -> String { directory + "/slot-\(n)" }

    public func mark(feedID: String, bodyHash: String, at now: Date = Date()) throws(StoreError) {
        if !FileSystem.exists(directory) { try FileSystem.makeDirectory(directory) }
        let slot = Self.slots.withLock { held in
            let key = directory + "\n" + feedID
            if let mine = held[key] { return mine }
            let taken = Set(held.filter { $0.key.hasPrefix(directory + "\n") }.values)
            let free = (0...).first { !taken.contains($0) }!
            held[key] = free
            return free
        }
        let line = "\(feedID) \(bodyHash) \(now.timeIntervalSince1970)\n"
        try FileSystem.writeUnsynced(slotPath(slot), Array(line.utf8))
    }

    public func clear(feedID: String) {
        let slot = Self.slots.withLock { $0.removeValue(forKey: directory + "\n" + feedID) }
        if let slot {
            Glibc.truncate(slotPath(slot), 0)
        } else {
            unlink(directory + "/" + feedID)
        }
    }

    /// Every mark, by feed id.
    public func all() -> [Mark] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name in
            guard let bytes = FileSystem.read(directory + "/" + name) else { return nil }
            let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
            let isSlot = name.hasPrefix("slot-")
            guard fields.count == (isSlot ? 3 : 2), let started = Double(fields[fields.count - 1]) else { return nil }
            return Mark(feedID: isSlot ? fields[0] : name, bodyHash: fields[fields.count - 2],
                        startedAt: Date(timeIntervalSince1970: started))
        }
    }

    /// Clears every mark (the start, once it has counted them).
    public func removeAll() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names {
            if name.hasPrefix("slot-") { Glibc.truncate(directory + "/" + name, 0) } else { unlink(directory + "/" + name) }
        }
    }
}
