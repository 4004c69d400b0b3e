import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A parse in progress leaves a mark: `STATE/parsing/<feed id>`, holding
/// the body's hash and when the parse began. A process that dies during
/// the parse leaves it behind, and the next start counts it
/// (`ParseQuarantine.recover` in the service).
///
/// Files, not rows: a mark is made and cleared around every parse, and in
/// the database it would wait behind the group of article writes in
/// progress. It only has to outlive the process, not a power loss, so it
/// is never synced.
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

    public func mark(feedID: String, bodyHash: String, at now: Date = Date()) throws(StoreError) {
        if !FileSystem.exists(directory) { try FileSystem.makeDirectory(directory) }
        let line = "\(bodyHash) \(now.timeIntervalSince1970)\n"
        try FileSystem.writeUnsynced(directory + "/" + feedID, Array(line.utf8))
    }

    public func clear(feedID: String) {
        unlink(directory + "/" + feedID)
    }

    /// Every mark, by feed id.
    public func all() -> [Mark] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name in
            guard let bytes = FileSystem.read(directory + "/" + name) else { return nil }
            let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace)
            guard fields.count == 2, let started = Double(fields[1]) else { return nil }
            return Mark(feedID: name, bodyHash: String(fields[0]), startedAt: Date(timeIntervalSince1970: started))
        }
    }

    public func removeAll() {
        for mark in all() { clear(feedID: mark.feedID) }
    }
}
