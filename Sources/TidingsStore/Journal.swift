import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TidingsModel

/// One line of the change journal: part of the output contract
/// (docs/journal.md, docs/journal.v1.schema.json).
public struct JournalEvent: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case created, updated, sourceAdded = "source_added", expired, removed
    }

    public var seq: Int64
    public var event: Kind
    public var id: String
    /// The article file, relative to the output directory (for `expired`
    /// and `removed`, where it was).
    public var path: String
    public var feedID: String?
    public var at: Date
    /// Part of a feed's backlog: its first document, or the first after a
    /// gap longer than `backlog_gap_seconds`. Written only when true.
    public var backlog: Bool

    public init(seq: Int64, event: Kind, id: String, path: String, feedID: String?, at: Date, backlog: Bool = false) {
        self.seq = seq
        self.event = event
        self.id = id
        self.path = path
        self.feedID = feedID
        self.at = at
        self.backlog = backlog
    }

    enum CodingKeys: String, CodingKey {
        case seq, event, id, path, at, backlog
        case feedID = "feed_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(event, forKey: .event)
        try c.encode(id, forKey: .id)
        try c.encode(path, forKey: .path)
        try c.encode(feedID, forKey: .feedID)
        try c.encode(Timestamp.format(at), forKey: .at)
        if backlog { try c.encode(true, forKey: .backlog) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decode(Int64.self, forKey: .seq)
        event = try c.decode(Kind.self, forKey: .event)
        id = try c.decode(String.self, forKey: .id)
        path = try c.decode(String.self, forKey: .path)
        feedID = try c.decodeIfPresent(String.self, forKey: .feedID)
        backlog = try c.decodeIfPresent(Bool.self, forKey: .backlog) ?? false
        guard let time = Timestamp.parse(try c.decode(String.self, forKey: .at)) else {
            throw DecodingError.dataCorruptedError(forKey: .at, in: c, debugDescription: "not an RFC 3339 time")
        }
        at = time
    }
}

/// The journal files: `<output>/journal/YYYY-MM-DD.jsonl`, one JSON object
/// a line, named by the day (UTC) of the events they hold. Only appended.
///
/// The state database is the journal's source of truth: events get their
/// `seq` in the transaction that records the articles, and stay in the
/// database until they are here. Writing them out is `append`: lines past
/// the last `seq` already in the files, then fsync. A crash mid-write
/// leaves at most a partial last line, which the next start cuts off
/// before writing the rest again, so the files never skip or repeat a seq.
public struct JournalFiles: Sendable {
    public let directory: String

    public init(outputDirectory: String) {
        directory = outputDirectory + "/journal"
    }

    /// The files, oldest first.
    public func files() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().map { directory + "/" + $0 }
    }

    /// The last seq written, after cutting off a partial last line.
    /// Reads the file's end only (a day's file is megabytes): a window that
    /// doubles until it holds a whole last line.
    func lastSeq() throws(StoreError) -> Int64 {
        for file in files().reversed() {
            var window = 64 << 10
            while true {
                guard let (start, tail) = FileSystem.read(file, count: window) else { break }
                let atFileStart = start == 0
                // A partial last line (a write cut short) is cut off.
                if let lastNewline = tail.lastIndex(of: 0x0A) {
                    if lastNewline != tail.count - 1 { try truncate(file, to: start + lastNewline + 1) }
                    let complete = tail[..<lastNewline]
                    let lineStart = complete.lastIndex(of: 0x0A).map { $0 + 1 } ?? complete.startIndex
                    if lineStart == complete.startIndex, !atFileStart {
                        window *= 2  // the window began inside the last line
                        continue
                    }
                    if let event = try? JSONDecoder().decode(JournalEvent.self, from: Data(complete[lineStart...])) {
                        return event.seq
                    }
                    break
                }
                if atFileStart {
                    if !tail.isEmpty { try truncate(file, to: 0) }
                    break
                }
                window *= 2
            }
        }
        return 0
    }

    private func truncate(_ path: String, to length: Int) throws(StoreError) {
        if Glibc.truncate(path, off_t(length)) != 0 {
            throw .io(path: path, errno: errno, message: "cannot cut off a partial journal line")
        }
    }

    /// Appends events (in seq order) to their days' files and makes them
    /// durable: one fsync per file, and the directory's when a file (or
    /// the directory itself) is new.
    func append(_ events: [JournalEvent]) throws(StoreError) {
        guard !events.isEmpty else { return }
        if !FileSystem.exists(directory) {
            try FileSystem.makeDirectory(directory)
            try FileSystem.syncDirectory(FileSystem.parent(of: directory))
        }
        var byDay: [(String, [UInt8])] = []
        for event in events {
            let day = String(Timestamp.format(event.at).prefix(10))
            let line = Self.lineBytes(event) + [0x0A]
            if byDay.last?.0 == day { byDay[byDay.count - 1].1 += line } else { byDay.append((day, line)) }
        }
        for (day, bytes) in byDay {
            let path = directory + "/" + day + ".jsonl"
            let created = !FileSystem.exists(path)
            try FileSystem.append(bytes, to: path)
            if created { try FileSystem.syncDirectory(directory) }
        }
    }

    /// The last seq in one file; 0 when it has none.
    func lastSeq(in file: String) -> Int64 {
        var window = 64 << 10
        while let (start, tail) = FileSystem.read(file, count: window) {
            let lines = tail.split(separator: 0x0A)
            if lines.count < 2, start > 0 {
                window *= 2
                continue
            }
            guard let line = lines.last, let event = try? JSONDecoder().decode(JournalEvent.self, from: Data(line)) else { return 0 }
            return event.seq
        }
        return 0
    }

    /// The first seq the files still hold (older day files may have been
    /// removed, `journal_retention_days`); nil when there are none.
    public func firstSeq() -> Int64? {
        for file in files() {
            var window = 64 << 10
            while let (_, head) = FileSystem.read(file, count: window, from: 0) {
                guard let end = head.firstIndex(of: 0x0A) else {
                    if head.count == window { window *= 2; continue }
                    break
                }
                guard let event = try? JSONDecoder().decode(JournalEvent.self, from: Data(head[..<end])) else { break }
                return event.seq
            }
        }
        return nil
    }

    /// Every event with a seq above `since`, in order, from the files.
    public func events(since: Int64) -> [JournalEvent] {
        var reader = Reader(files: self, since: since)
        return reader.next()
    }

    /// Reads the journal as it grows: each `next()` returns the events
    /// appended since the last, reading only the new bytes. Only complete
    /// lines count (a writer may be mid-append); a new day's file is picked
    /// up when it appears.
    public struct Reader {
        let files: JournalFiles
        var since: Int64
        var current: String?
        var offset: UInt64 = 0

        public init(files: JournalFiles, since: Int64) {
            self.files = files
            self.since = since
        }

        public mutating func next() -> [JournalEvent] {
            var out: [JournalEvent] = []
            let decoder = JSONDecoder()
            for file in files.files() where current.map({ file >= $0 }) ?? true {
                if file != current {
                    current = file
                    offset = 0
                }
                guard let handle = FileHandle(forReadingAtPath: file) else { continue }
                defer { try? handle.close() }
                try? handle.seek(toOffset: offset)
                guard let data = try? handle.readToEnd(), let end = data.lastIndex(of: 0x0A) else { continue }
                let complete = data[data.startIndex...end]
                offset += UInt64(complete.count)
                for line in complete.split(separator: 0x0A) {
                    if let event = try? decoder.decode(JournalEvent.self, from: Data(line)), event.seq > since {
                        out.append(event)
                        since = event.seq
                    }
                }
            }
            return out
        }
    }

    /// The line an event is written as, without its newline.
    public static func line(_ event: JournalEvent) -> String {
        String(decoding: lineBytes(event), as: UTF8.self)
    }

    /// The line, written directly: keys sorted, no spaces, `/` unescaped,
    /// as `JSONEncoder` with `.sortedKeys, .withoutEscapingSlashes` wrote
    /// it (every value is a number, an enum, hex, a path or a time).
    static func lineBytes(_ event: JournalEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(200)
        func key(_ k: String) { out += Array("\"\(k)\":".utf8) }
        out.append(UInt8(ascii: "{"))
        key("at"); JSONText.appendString(Timestamp.format(event.at), to: &out); out.append(UInt8(ascii: ","))
        if event.backlog { key("backlog"); out += Array("true,".utf8) }
        key("event"); JSONText.appendString(event.event.rawValue, to: &out); out.append(UInt8(ascii: ","))
        key("feed_id")
        if let feed = event.feedID { JSONText.appendString(feed, to: &out) } else { out += Array("null".utf8) }
        out.append(UInt8(ascii: ","))
        key("id"); JSONText.appendString(event.id, to: &out); out.append(UInt8(ascii: ","))
        key("path"); JSONText.appendString(event.path, to: &out); out.append(UInt8(ascii: ","))
        key("seq"); out += Array(String(event.seq).utf8)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
