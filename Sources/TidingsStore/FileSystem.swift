import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// POSIX file operations with errors that name the path. Atomic replacement
/// is here: a reader sees the old file or the new one, never part of one.
enum FileSystem {
    static func makeDirectory(_ path: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, errno: errno, message: "cannot create directory")
        }
    }

    /// The directory part of an absolute path ("/a/b/c.json" -> "/a/b"),
    /// by its last slash: NSString's `deletingLastPathComponent` took a
    /// twentieth of a cold poll's CPU, on every staged file.
    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Writes `bytes` to a new file in `stagingDirectory`, flushes it to disk,
    /// then renames it over `path` (same file system, so the rename is atomic).
    /// The caller fsyncs the target directory (`syncDirectory`) before it
    /// records the write as done.
    static func replaceAtomically(_ path: String, with bytes: [UInt8], stagingDirectory: String) throws(StoreError) {
        let temp = stagingDirectory + "/" + temporaryName()
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: temp, errno: errno, message: "cannot create") }
        do { try writeAll(fd, bytes, path: temp) } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        if fsync(fd) != 0 {
            let e = errno
            close(fd)
            unlink(temp)
            throw .io(path: temp, errno: e, message: "cannot fsync")
        }
        close(fd)
        if rename(temp, path) != 0 {
            let e = errno
            unlink(temp)
            throw .io(path: path, errno: e, message: "cannot rename into place")
        }
    }

    /// Writes `bytes` to `path` (created or truncated) without a sync: for
    /// staged files, which a group makes durable together (`WriteGroup`).
    static func writeUnsynced(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, errno: errno, message: "cannot create") }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    /// Flushes a file's data (and the metadata needed to read it back).
    static func syncData(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno, message: "cannot open") }
        defer { close(fd) }
        if fdatasync(fd) != 0 { throw .io(path: path, errno: errno, message: "cannot fdatasync") }
    }

    /// Flushes the whole file system holding `path`: every file's data and
    /// every name created or renamed on it so far. One call for a group
    /// instead of a sync per file; it also flushes other programs' dirty
    /// data on that file system, which costs them nothing they would not
    /// pay at the next write-back.
    static func syncFileSystem(of path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno, message: "cannot open directory") }
        defer { close(fd) }
        guard let syncfs = Self.syncfsCall else { throw .io(path: path, errno: ENOSYS, message: "cannot syncfs") }
        if syncfs(fd) != 0 { throw .io(path: path, errno: errno, message: "cannot syncfs") }
    }

    /// glibc's `syncfs`, which its Swift module does not export (it is
    /// declared only under `_GNU_SOURCE`): looked up once by name.
    private static let syncfsCall: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    /// `syncfs` returns write-back errors since Linux 5.8; before, it
    /// always returned 0, and a group syncs each file instead.
    static let syncfsReportsErrors: Bool = {
        if ProcessInfo.processInfo.environment["TIDINGS_NO_SYNCFS"] != nil { return false }
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard numbers.count == 2, syncfsCall != nil else { return false }
        return (numbers[0], numbers[1]) >= (5, 8)
    }()

    /// Appends `bytes` to `path` (created if missing) and flushes it to disk.
    static func append(_ bytes: [UInt8], to path: String) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, errno: errno, message: "cannot open for appending") }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
        if fsync(fd) != 0 { throw .io(path: path, errno: errno, message: "cannot fsync") }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, errno: errno, message: "cannot write")
            }
            offset += n
        }
    }

    /// Makes a rename durable: the directory entry itself is flushed.
    static func syncDirectory(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno, message: "cannot open directory") }
        defer { close(fd) }
        if fsync(fd) != 0 { throw .io(path: path, errno: errno, message: "cannot fsync directory") }
    }

    /// A name for a temporary file in a staging directory, unique among
    /// every process's: the pid, a random number drawn once, a counter.
    /// (Foundation's `UUID()` opens /dev/urandom each time: 22,000 opens
    /// and reads on a cold poll of 1,000 feeds.)
    static func temporaryName() -> String {
        "\(processTag)-\(temporaryCounter.add(1, ordering: .relaxed).newValue).tmp"
    }

    private static let processTag = "\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    private static let temporaryCounter = Atomic<Int>(0)

    /// Removes what a killed writer left in the staging directory.
    static func clearStaging(_ path: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where name.hasSuffix(".tmp") { unlink(path + "/" + name) }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    /// Up to `count` bytes of a file from `offset` (nil: that many from its
    /// end), and where they start; nil when it cannot be read. The journal's
    /// first and last lines, without reading the day's whole file.
    static func read(_ path: String, count: Int, from offset: Int? = nil) -> (start: Int, bytes: [UInt8])? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let start = offset ?? max(0, Int(info.st_size) - count)
        var bytes = [UInt8](repeating: 0, count: max(0, min(count, Int(info.st_size) - start)))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(start + done)) }
            if n <= 0 { break }
            done += n
        }
        return (start, Array(bytes.prefix(done)))
    }
}
