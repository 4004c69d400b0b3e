import Foundation
import Synchronization
import Testing
import TidingsService
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `tidingsd` as a service manager runs it: real processes, real signals.
@Suite(.timeLimit(.minutes(3))) struct ServiceTests {
    static let daemon = CommandLineTests.daemon

    /// A TCP port that takes connections into its backlog and never reads or
    /// answers: every transfer to it stalls until something gives up.
    final class SilentListener {
        let port: UInt16
        private let fd: Int32

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 256) == 0 else { throw TestServerError("bind/listen: errno \(errno)") }
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
            }
            port = UInt16(bigEndian: addr.sin_port)
            self.fd = fd
        }

        deinit { close(fd) }
    }

    static func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    static func log(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func sigtermWithFiftyStalledTransfersExitsCleanlyWithin5Seconds() throws {
        let silent = try SilentListener()
        let root = TestPaths.temporaryDirectory("tidings-term")
        let feeds = (0..<50).map { "http://127.0.0.1:\(silent.port)/feed\($0)" }
        try feeds.joined(separator: "\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let process = try ChildProcess.spawn(Self.daemon, ["--feeds", root + "/feeds.txt", "--state-dir", root + "/state",
                                                           "--output-dir", root + "/out"], stderr: root + "/log")
        defer { process.signal(SIGKILL) }
        #expect(Self.waitFor(20) { Self.log(root + "/log").contains("daemon started") })
        usleep(500_000)  // every transfer connected and waiting
        let signalled = Date()
        process.signal(SIGTERM)
        let usage = process.wait()
        let took = Date().timeIntervalSince(signalled)
        #expect(usage.status == 0, "exit \(usage.status): \(Self.log(root + "/log"))")
        #expect(took < 5, "took \(took) s")
        let records = try TidingsState(stateDirectory: root + "/state").all()
        #expect(records.count == 50)
        #expect(records.allSatisfy { $0.consecutiveFailures == 0 && $0.lastResult == nil && $0.lastError == nil },
                "a poll cut short by shutdown was recorded as a failure")
        #expect(TestPaths.files(under: root + "/out/.staging", suffix: "").isEmpty)
    }

    @Test func aSecondDaemonOnTheSameStateExitsAtOnceAndTheFirstGoesOn() throws {
        let server = try TestHTTPServer { request in .ok(PollingTests.rss([String(request.path.dropFirst())])) }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-lock")
        let arguments = ["--state-dir", root + "/state", "--output-dir", root + "/out"]
        let first = try ChildProcess.spawn(Self.daemon, arguments, stderr: root + "/first.log")
        defer { first.signal(SIGKILL) }
        #expect(Self.waitFor(20) { Self.log(root + "/first.log").contains("daemon started") })

        let started = Date()
        let second = try ChildProcess.spawn(Self.daemon, arguments + ["--feeds", "/nonexistent"], stderr: root + "/second.log").wait()
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(second.status == 75)
        #expect(Self.log(root + "/second.log").contains("another tidingsd (pid "), "\(Self.log(root + "/second.log"))")
        #expect(TestPaths.files(under: root + "/out/.staging", suffix: "").isEmpty)

        // The first one is undisturbed: it still polls what is added.
        _ = try TidingsState(stateDirectory: root + "/state").add(url: server.baseURL + "/after")
        #expect(Self.waitFor(10) { TestPaths.files(under: root + "/out/articles", suffix: ".json").count == 1 })
        first.signal(SIGTERM)
        #expect(first.wait().status == 0)
    }

    @Test func aStateThatCannotBeOpenedIsExit73WithTheReason() throws {
        let file = TestPaths.temporaryDirectory("tidings-state") + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let root = TestPaths.temporaryDirectory("tidings-state")
        let usage = try ChildProcess.spawn(Self.daemon, ["--state-dir", file, "--once"], stderr: root + "/log").wait()
        #expect(usage.status == 73)
        #expect(Self.log(root + "/log").contains("<2>"), "logged as critical")
        #expect(Self.log(root + "/log").contains(file))
    }

    /// The poll saves what it learned after the feed was removed: an update
    /// of a row that is gone changes nothing.
    @Test func aFeedRemovedDuringItsPollStaysRemoved() async throws {
        let server = try TestHTTPServer { _ in
            usleep(700_000)
            return .ok(PollingTests.rss(["slow"]))
        }
        defer { server.stop() }
        let fixture = DaemonFixture()
        let daemon = try fixture.daemon()
        defer { daemon.shutdown() }
        let registry = try TidingsState(stateDirectory: fixture.configuration.stateDirectory)
        let (feed, _) = try registry.add(url: server.baseURL + "/feed")
        async let poll = daemon.pollOnce()
        usleep(200_000)
        #expect(try registry.remove(feed.id) != nil)
        _ = try await poll
        #expect(try registry.find(feed.id) == nil, "the poll brought the removed feed back")
        #expect(try registry.all().isEmpty)
    }

    /// A stand-in for systemd's notification socket: a datagram socket the
    /// daemon is pointed at with `NOTIFY_SOCKET`.
    final class NotifySocket: @unchecked Sendable {
        let path: String
        private let fd: Int32
        private let received = Received()

        final class Received: Sendable {
            private let lines = Mutex<[String]>([])
            func append(_ line: String) { lines.withLock { $0.append(line) } }
            var all: [String] { lines.withLock { $0 } }
        }

        init(directory: String) throws {
            let path = directory + "/notify.sock"
            self.path = path
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            self.fd = fd
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                for (i, b) in path.utf8.enumerated() { raw[i] = b }
            }
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw TestServerError("bind \(path): errno \(errno)") }
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let received = self.received
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = recv(fd, &buffer, buffer.count, 0)
                    if n > 0 { received.append(String(decoding: buffer[..<n], as: UTF8.self)) }
                    if n < 0, errno != EAGAIN, errno != EINTR { return }
                }
            }
            thread.start()
        }

        var messages: [String] { received.all }
        func saw(_ line: String) -> Bool { messages.contains { $0.split(separator: "\n").contains { $0.hasPrefix(line) } } }
        deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    /// `systemctl reload`: SIGHUP re-reads the file; a shorter interval takes
    /// effect at once; a broken file is refused and the old one stays.
    @Test func sighupReloadsTheConfigurationAndABrokenFileKeepsTheOldOne() throws {
        let requests = Atomic(0)
        let server = try TestHTTPServer { _ in
            requests.add(1, ordering: .relaxed)
            return .ok(PollingTests.rss(["r"]))
        }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-reload")
        let notify = try NotifySocket(directory: root)
        let config = root + "/tidings.json"
        try #"{"poll_interval_seconds": 3600}"#.write(toFile: config, atomically: true, encoding: .utf8)
        try (server.baseURL + "/feed\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let process = try ChildProcess.spawn("/usr/bin/env", [
            "NOTIFY_SOCKET=\(notify.path)", Self.daemon, "--allow-short-intervals", "--config", config, "--feeds", root + "/feeds.txt",
            "--state-dir", root + "/state", "--output-dir", root + "/out",
        ], stderr: root + "/log")
        defer { process.signal(SIGKILL) }
        #expect(Self.waitFor(20) { requests.load(ordering: .relaxed) == 1 && notify.saw("STATUS=") })
        usleep(1_500_000)
        #expect(requests.load(ordering: .relaxed) == 1, "polled again within the hour")

        try #"{"poll_interval_seconds": 1}"#.write(toFile: config, atomically: true, encoding: .utf8)
        process.signal(SIGHUP)
        #expect(Self.waitFor(10) { requests.load(ordering: .relaxed) >= 3 }, "the new interval did not take effect")
        #expect(notify.saw("RELOADING=1") && notify.messages.contains { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") })
        #expect(Self.log(root + "/log").contains("<5>configuration reloaded interval.seconds=1"), "\(Self.log(root + "/log"))")

        try #"{"poll_interval": 5}"#.write(toFile: config, atomically: true, encoding: .utf8)
        process.signal(SIGHUP)
        #expect(Self.waitFor(10) { Self.log(root + "/log").contains("configuration not reloaded") })
        #expect(Self.log(root + "/log").contains("unknown key poll_interval"))
        let before = requests.load(ordering: .relaxed)
        #expect(Self.waitFor(10) { requests.load(ordering: .relaxed) >= before + 2 }, "stopped polling on the old configuration")
        process.signal(SIGTERM)
        #expect(process.wait().status == 0)
    }

    @Test func systemdHearsReadyStatusWatchdogAndStopping() throws {
        let server = try TestHTTPServer { _ in .ok(PollingTests.rss(["n"])) }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-notify")
        let notify = try NotifySocket(directory: root)
        try (server.baseURL + "/feed\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let process = try ChildProcess.spawn("/usr/bin/env", [
            "NOTIFY_SOCKET=\(notify.path)", "WATCHDOG_USEC=400000",
            Self.daemon, "--feeds", root + "/feeds.txt", "--state-dir", root + "/state", "--output-dir", root + "/out",
        ], stderr: root + "/log")
        defer { process.signal(SIGKILL) }
        #expect(Self.waitFor(20) { notify.saw("READY=1") }, "\(notify.messages)")
        #expect(Self.waitFor(20) { notify.saw("STATUS=1 feeds (0 failing), 1 articles; last round: polled 1 feeds") },
                "\(notify.messages)")
        // The loop pings every 0.2 s (half of WATCHDOG_USEC) while it waits.
        let pingsBefore = notify.messages.count { $0 == "WATCHDOG=1" }
        usleep(1_500_000)
        #expect(notify.messages.count { $0 == "WATCHDOG=1" } >= pingsBefore + 1)
        process.signal(SIGTERM)
        #expect(process.wait().status == 0)
        #expect(Self.waitFor(2) { notify.saw("STOPPING=1") }, "\(notify.messages)")
    }
}

/// The index is a cache of the article files: deleted or corrupted, it is
/// rebuilt at start (or by `tidings reindex`) with the same ids, the feed
/// list restored, and no file rewritten.
@Suite(.timeLimit(.minutes(3))) struct IndexRebuildTests {
    struct Setup {
        let root: String
        let arguments: [String]
        let server: TestHTTPServer
        var database: String { root + "/state/tidings.sqlite3" }
        var articles: [String] { TestPaths.files(under: root + "/out/articles", suffix: ".json") }
        func times() -> [String: Date] {
            Dictionary(uniqueKeysWithValues: articles.map {
                ($0, (try? FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date) ?? .distantPast)
            })
        }
    }

    /// Two feeds polled once: six articles on disk.
    static func polledState() throws -> Setup {
        let server = try TestHTTPServer { request in
            let name = String(request.path.dropFirst())
            return .ok(PollingTests.rss(["\(name)-1", "\(name)-2", "\(name)-3"]))
        }
        let root = TestPaths.temporaryDirectory("tidings-reindex")
        try ["a", "b"].map { "\(server.baseURL)/\($0)" }.joined(separator: "\n")
            .write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let arguments = ["--once", "--state-dir", root + "/state", "--output-dir", root + "/out"]
        let first = try CommandLineTests.run(CommandLineTests.daemon, arguments + ["--feeds", root + "/feeds.txt"])
        #expect(first.status == 0)
        return Setup(root: root, arguments: arguments, server: server)
    }

    func expectRebuilt(_ setup: Setup, before: [String: Date], log: String) throws {
        #expect(log.contains("<5>index rebuilt from the article files"), "\(log)")
        #expect(log.contains("articles=6") && log.contains("feeds.restored=2"), "\(log)")
        #expect(log.contains("articles: 0 new, 0 updated"), "the rebuilt index did not know the articles: \(log)")
        #expect(setup.times() == before, "a file was rewritten")
        let feeds = try TidingsState(stateDirectory: setup.root + "/state").all().map(\.url).sorted()
        #expect(feeds == ["\(setup.server.baseURL)/a", "\(setup.server.baseURL)/b"])
    }

    @Test func aDeletedIndexIsRebuiltAtStart() throws {
        let setup = try Self.polledState()
        let before = setup.times()
        #expect(before.count == 6)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: setup.database + suffix) }
        let run = try CommandLineTests.run(CommandLineTests.daemon, setup.arguments)
        #expect(run.status == 0)
        try expectRebuilt(setup, before: before, log: run.err + run.out)
    }

    @Test func aCorruptIndexIsSetAsideAndRebuiltAtStart() throws {
        let setup = try Self.polledState()
        let before = setup.times()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: setup.database + suffix) }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: setup.database))
        let run = try CommandLineTests.run(CommandLineTests.daemon, setup.arguments)
        #expect(run.status == 0, "\(run.err)")
        try expectRebuilt(setup, before: before, log: run.err + run.out)
        #expect(run.err.contains("the state database was corrupt"))
        let aside = try FileManager.default.contentsOfDirectory(atPath: setup.root + "/state").filter { $0.contains(".corrupt-") }
        #expect(aside.count == 1, "the corrupt database is kept aside for inspection")
    }

    @Test func reindexOnDemandKeepsIdsAndRefusesBesideARunningDaemon() throws {
        let setup = try Self.polledState()
        let before = setup.times()
        let reindex = try CommandLineTests.run(CommandLineTests.cli, ["reindex", "--state-dir", setup.root + "/state",
                                                                     "--output-dir", setup.root + "/out"])
        #expect(reindex.status == 0)
        #expect(reindex.out.contains("reindexed 6 articles"), "\(reindex.out)")
        #expect(setup.times() == before)
        let again = try CommandLineTests.run(CommandLineTests.daemon, setup.arguments)
        #expect(again.out.contains("articles: 0 new, 0 updated"), "\(again.out)")

        let daemon = try ChildProcess.spawn(CommandLineTests.daemon, Array(setup.arguments.dropFirst()), stderr: setup.root + "/log")
        defer { daemon.signal(SIGKILL) }
        #expect(ServiceTests.waitFor(20) { ServiceTests.log(setup.root + "/log").contains("daemon started") })
        let refused = try CommandLineTests.run(CommandLineTests.cli, ["reindex", "--state-dir", setup.root + "/state",
                                                                     "--output-dir", setup.root + "/out"])
        #expect(refused.status == 1 && refused.err.contains("stop tidingsd before reindexing"), "\(refused.err)")
    }
}

/// A full disk is not a feed's fault: polling pauses (no refetching, the
/// pause shown by `tidings status`), probes with back-off, and resumes when
/// space returns, losing nothing. The output is a tiny tmpfs the test
/// mounts, so it needs root (CI runs as root).
@Suite(.timeLimit(.minutes(3)), .enabled(if: getuid() == 0)) struct FullDiskTests {
    @Test func aFullOutputPausesPollingAndResumesWhenSpaceReturnsLosingNothing() throws {
        let requests = Atomic(0)
        let text = String(repeating: "A paragraph that takes some room on a small disk. ", count: 80)
        let server = try TestHTTPServer { _ in
            requests.add(1, ordering: .relaxed)
            return .ok("<rss version=\"2.0\"><channel><title>Big</title>"
                + (0..<5).map { "<item><guid>\($0)</guid><title>Item \($0)</title><description>\(text)</description></item>" }.joined()
                + "</channel></rss>")
        }
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-full")
        let out = root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let mounted = try ChildProcess.spawn("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", out]).wait()
        try #require(mounted.status == 0, "cannot mount a tmpfs at \(out)")
        defer { _ = try? ChildProcess.spawn("/bin/umount", ["-l", out]).wait() }
        // Fill the disk but for a few kilobytes: less than one article needs.
        var stats = statvfs()
        statvfs(out, &stats)
        let free = Int(stats.f_bavail) * Int(stats.f_frsize)
        let filler = out + "/filler"
        FileManager.default.createFile(atPath: filler, contents: Data(count: max(0, free - 6 * 1024)))

        try #"{"storage_retry_seconds": 1}"#.write(toFile: root + "/tidings.json", atomically: true, encoding: .utf8)
        try (server.baseURL + "/feed\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let daemon = try ChildProcess.spawn(CommandLineTests.daemon, [
            "--config", root + "/tidings.json", "--feeds", root + "/feeds.txt", "--state-dir", root + "/state", "--output-dir", out,
        ], stderr: root + "/log")
        defer { daemon.signal(SIGKILL) }
        #expect(ServiceTests.waitFor(20) { ServiceTests.log(root + "/log").contains("polling paused: storage cannot be written") },
                "\(ServiceTests.log(root + "/log"))")
        #expect(ServiceTests.log(root + "/log").contains("No space left on device"))

        // Paused: the feed is not fetched again while the disk stays full,
        // though the daemon keeps probing (1 s, 2 s, 4 s...).
        let fetched = requests.load(ordering: .relaxed)
        usleep(3_500_000)
        #expect(requests.load(ordering: .relaxed) == fetched, "refetched while the disk was full")
        let status = try CommandLineTests.run(CommandLineTests.cli, ["status", "--state-dir", root + "/state"])
        #expect(status.err.contains("polling paused since") && status.err.contains("No space left on device"), "\(status.err)")
        #expect(status.out.contains("\tnever\t") || !status.out.contains("\tstore\t"), "the feed was charged with a failure")

        // Space returns: polling resumes and every article is written.
        try FileManager.default.removeItem(atPath: filler)
        #expect(ServiceTests.waitFor(20) { ServiceTests.log(root + "/log").contains("storage writable again; polling resumed") })
        #expect(ServiceTests.waitFor(20) { TestPaths.files(under: out + "/articles", suffix: ".json").count == 5 })
        for file in TestPaths.files(under: out + "/articles", suffix: ".json") {
            #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file)))) != nil, "partial \(file)")
        }
        // The group's intent goes once its commit is done, just after the
        // files are in place.
        #expect(ServiceTests.waitFor(10) { TestPaths.files(under: out + "/.staging", suffix: "").isEmpty },
                "\(TestPaths.files(under: out + "/.staging", suffix: ""))")
        let after = try CommandLineTests.run(CommandLineTests.cli, ["status", "--state-dir", root + "/state"])
        #expect(!after.err.contains("polling paused"), "\(after.err)")
        let record = try #require(try TidingsState(stateDirectory: root + "/state").all().first)
        #expect(record.consecutiveFailures == 0 && record.lastResult == "ok")
        daemon.signal(SIGTERM)
        #expect(daemon.wait().status == 0)
    }
}
