import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server of Debian's `postgresql` package, for tests and
/// benchmarks: `initdb` in a temporary directory, `pg_ctl` with a Unix
/// socket there and no TCP port, stopped by `stop()` or when the process
/// exits. `initdb` refuses root, so as root (CI) the server runs as the
/// `postgres` user the package creates. Each test takes a database of its
/// own (`makeDatabase`).
public final class PostgresServer: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The directory of the data, the socket and the log.
    public let directory: String
    private let bin: String
    private let runAs: [String]
    private var stopped = false
    private let lock = NSLock()
    private var databases = 0

    /// The server for this test process, started at first use.
    public static func shared() throws -> PostgresServer {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let running = sharedServer { return running }
        let server = try PostgresServer(durable: false)
        sharedServer = server
        atexit { PostgresServer.sharedServer?.stop() }
        return server
    }
    nonisolated(unsafe) private static var sharedServer: PostgresServer?
    private static let sharedLock = NSLock()

    /// Where Debian puts the newest PostgreSQL's programs; nil when the
    /// package is not installed.
    public static var binDirectory: String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().last.map { "\(root)/\($0)/bin" }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") ? $0 : nil }
    }

    /// - Parameter durable: false for tests (no fsync: a test's database
    ///   need not survive a power loss); true for benchmarks, which compare
    ///   durable commits with SQLite's.
    public init(durable: Bool = true) throws {
        guard let bin = Self.binDirectory else {
            throw Failure(description: "PostgreSQL is not installed (apt-get install postgresql)")
        }
        self.bin = bin
        directory = TestPaths.temporaryDirectory("tidings-pg")
        runAs = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        if geteuid() == 0 {
            chmod(directory, 0o755)
            try Self.run("/bin/chown", ["postgres:", directory])
        }
        try Self.run(runAs, bin + "/initdb", ["-D", directory + "/data", "-U", "tidings", "--auth=trust",
                                              "-E", "UTF8", "--locale=C", "--no-sync"])
        let settings = "-k \(directory) -c listen_addresses='' -c max_connections=200"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        try Self.run(runAs, bin + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log",
                                              "-o", settings, "-w", "start"])
        try watchOver(getpid())
    }

    /// A process killed before it could stop the server (a crashed test
    /// run) would leave it running: a watcher stops it when `owner` is gone.
    private func watchOver(_ owner: pid_t) throws {
        let stop = (runAs + [bin + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "stop"])
            .map { "'\($0)'" }.joined(separator: " ")
        _ = try ChildProcess.spawn("/bin/sh", ["-c", "while kill -0 \(owner) 2>/dev/null; do sleep 1; done; \(stop); rm -rf '\(directory)'"])
    }

    deinit { stop() }

    /// A new empty database (or a copy of `template`, which no one may be
    /// connected to); its libpq connection URI.
    public func makeDatabase(_ label: String = "tidings", copying template: String? = nil) throws -> String {
        lock.lock()
        databases += 1
        let name = "\(label)_\(getpid())_\(databases)"
        lock.unlock()
        let copy = template.flatMap { Self.databaseName(in: $0) }.map { ["-T", $0] } ?? []
        try Self.run(bin + "/createdb", ["-h", directory, "-U", "tidings"] + copy + [name])
        return url(database: name)
    }

    /// The database a URI of `url(database:)` names.
    static func databaseName(in url: String) -> String? {
        url.split(separator: "?").first.map { String($0.dropFirst("postgresql:///".count)) }
    }

    public func url(database: String) -> String {
        "postgresql:///\(database)?host=\(directory)&user=tidings"
    }

    /// The postmaster's pid (its CPU, and its children's, for benchmarks).
    public var postmasterPID: pid_t? {
        guard let text = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { pid_t($0) }
    }

    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        try? Self.run(runAs, bin + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func run(_ prefix: [String], _ program: String, _ arguments: [String]) throws {
        if prefix.isEmpty { return try run(program, arguments) }
        try run(prefix[0], Array(prefix.dropFirst()) + [program] + arguments)
    }

    /// Runs a program to its end (posix_spawn and wait4: Foundation's
    /// `Process` left `runuser` unreaped here, and never returned).
    private static func run(_ program: String, _ arguments: [String]) throws {
        // A file, not a pipe: the server `pg_ctl` starts inherits the
        // descriptor and would hold a pipe open for its whole life.
        let log = NSTemporaryDirectory() + "tidings-pg-\(UUID().uuidString).err"
        defer { unlink(log) }
        let status = try ChildProcess.spawn(program, arguments, stderr: log).wait().status
        guard status == 0 else {
            let message = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(description: "\((program as NSString).lastPathComponent) \(arguments.joined(separator: " ")): " + message)
        }
    }
}
