import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The article files of one group of writes, made durable together before
/// the group's commit (docs/durability.md):
///
/// 1. each file is written to the staging directory as it is decided,
///    without a sync, by the output's `StagingWriters` (a path decided
///    twice in one group keeps its last bytes);
/// 2. the paths about to be renamed are listed in `group.intent`, the
///    group's intent, in the staging directory;
/// 3. one `syncfs` of the output file system makes the staged bytes, the
///    intent and any new directory durable (where `syncfs` cannot report
///    errors, an `fdatasync` per file and an `fsync` per directory instead);
/// 4. the renames, then one `fsync` per directory they touched;
/// 5. the caller commits, then `finish` drops the intent.
///
/// A power loss before 5 leaves files the index may not know: the next
/// start reads the intent and adopts them (`adoptUncommittedGroup`), from
/// whatever date they are under, so none is written twice.
struct WriteGroup {
    let output: TidingsState.Output

    /// Staged files in order: the final path (relative to the output) and
    /// the temporary file its bytes go to. A path staged again keeps its
    /// earlier entry until the group is durable, so that a failed poll can
    /// be taken out (`discard(since:)`) and leave the one before it.
    private var staged: [(path: String, temp: String)] = []
    private var latest: [String: Int] = [:]
    /// Temporary files no longer staged (a discarded poll's), removed
    /// once written.
    private var dropped: [String] = []
    /// Directories this group created (absolute), for the fallback without `syncfs`.
    private var createdDirectories: [String] = []
    private var knownDirectories = Set<String>()
    /// Whether a rename happened: files the index may not know are in place.
    private(set) var renamed = false

    init(output: TidingsState.Output) { self.output = output }

    var intentPath: String { output.staging + "/" + Self.intentName }
    static let intentName = "group.intent"

    func absolute(_ relative: String) -> String { output.directory + "/" + relative }

    /// Whether the file is there, staged in this group or on disk.
    func exists(_ relative: String) -> Bool {
        latest[relative] != nil || FileSystem.exists(absolute(relative))
    }

    /// The file's bytes as the group leaves them. A file staged in this
    /// group (a story seen twice in it) is read back once written.
    func read(_ relative: String) -> [UInt8]? {
        if let i = latest[relative] {
            output.writers.wait()
            return FileSystem.read(staged[i].temp)
        }
        return FileSystem.read(absolute(relative))
    }

    /// Stages `bytes` for `relative`; nothing when the file already holds
    /// them. `isNew`: the index has no such file, so it is not read first
    /// (a file a lost commit left is adopted at start, before any poll).
    mutating func stage(_ bytes: [UInt8], at relative: String, isNew: Bool = false) throws(StoreError) {
        if !isNew, read(relative) == bytes { return }
        try makeDirectories(FileSystem.parent(of: absolute(relative)))
        let temp = output.staging + "/" + FileSystem.temporaryName()
        output.writers.write(bytes, to: temp)
        latest[relative] = staged.count
        staged.append((relative, temp))
    }

    /// A mark to discard back to when one poll of the group fails.
    var mark: Int { staged.count }

    mutating func discard(since mark: Int) {
        dropped += staged[mark...].map(\.temp)
        staged.removeSubrange(mark...)
        latest = [:]
        for (i, entry) in staged.enumerated() { latest[entry.path] = i }
    }

    /// Steps 1 (the writes, waited for) to 4: afterwards every staged file
    /// is durable under its name.
    mutating func makeDurable() throws(StoreError) {
        let finals = staged.indices.filter { latest[staged[$0].path] == $0 }
        let superseded = staged.indices.filter { latest[staged[$0].path] != $0 }.map { staged[$0].temp }
        do {
            try output.writers.finish()
        } catch {
            removeTemporaryFiles()
            throw error
        }
        for temp in superseded + dropped { unlink(temp) }
        dropped = []
        guard !finals.isEmpty else {
            staged = []
            latest = [:]
            return
        }
        let temps = finals.map { staged[$0].temp }
        let intent = finals.map { staged[$0].path }.joined(separator: "\n") + "\n"
        do {
            try FileSystem.writeUnsynced(intentPath, Array(intent.utf8))
            if FileSystem.syncfsReportsErrors {
                try FileSystem.syncFileSystem(of: output.directory)
            } else {
                for temp in temps { try FileSystem.syncData(temp) }
                try FileSystem.syncData(intentPath)
                try FileSystem.syncDirectory(output.staging)
                for directory in Set(createdDirectories.map(FileSystem.parent(of:))) {
                    try FileSystem.syncDirectory(directory)
                }
            }
        } catch {
            for temp in temps { unlink(temp) }
            throw error
        }
        var touched = Set<String>()
        for (i, temp) in zip(finals, temps) {
            let final = absolute(staged[i].path)
            if rename(temp, final) != 0 {
                let e = errno
                for later in temps where FileSystem.exists(later) { unlink(later) }
                throw .io(path: final, errno: e, message: "cannot rename into place")
            }
            renamed = true
            touched.insert(FileSystem.parent(of: final))
        }
        staged = []
        latest = [:]
        for directory in touched.sorted() { try FileSystem.syncDirectory(directory) }
    }

    /// Every temporary file of the group, once the writers are done with it.
    private mutating func removeTemporaryFiles() {
        try? output.writers.finish()
        for temp in staged.map(\.temp) + dropped { unlink(temp) }
        dropped = []
    }

    /// After the commit: the intent is no longer needed. Not synced: an
    /// intent that survives names files the index knows, and adopting
    /// them again changes nothing.
    func finish() {
        if renamed { unlink(intentPath) }
    }

    /// After a failure: staged files go; renamed ones stay for adoption,
    /// with the intent that names them.
    mutating func abandon() {
        discard(since: 0)
        removeTemporaryFiles()
        if !renamed { unlink(intentPath) }
    }

    private mutating func makeDirectories(_ directory: String) throws(StoreError) {
        guard !knownDirectories.contains(directory) else { return }
        var missing: [String] = []
        var current = directory
        while !FileSystem.exists(current), current.count > output.directory.count {
            missing.append(current)
            current = FileSystem.parent(of: current)
        }
        for path in missing.reversed() {
            if mkdir(path, 0o755) != 0, errno != EEXIST {
                throw .io(path: path, errno: errno, message: "cannot create directory")
            }
            createdDirectories.append(path)
        }
        knownDirectories.insert(directory)
    }
}
