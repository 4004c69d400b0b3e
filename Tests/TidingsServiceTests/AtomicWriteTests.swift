import Foundation
import Synchronization
import Testing
import TidingsService
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Article files as a consumer meets them: a reader scanning the tree while
/// every article is rewritten sees whole files only, and never loses one
/// it saw; and, seen through `strace`, each file is written in the staging
/// directory, flushed, renamed into place, and its directory flushed, in
/// that order (a kill test cannot see a missing fsync; the system calls can).
@Suite(.timeLimit(.minutes(3))) struct AtomicWriteTests {
    /// A feed whose every item changes on every fetch: each poll rewrites
    /// every article. Large items widen the window a torn write would open.
    static func changingFeed(revision: Int, items: Int = 20) -> String {
        let text = String(repeating: "Revision \(revision) of a long paragraph. ", count: 600)
        return "<rss version=\"2.0\"><channel><title>Changing</title>"
            + (0..<items).map { "<item><guid>item-\($0)</guid><title>Item \($0) r\(revision)</title><description>\(text)</description></item>" }.joined()
            + "</channel></rss>"
    }

    @Test func aReaderScanningDuringRewritesSeesOnlyWholeFilesAndLosesNone() async throws {
        let revision = Mutex(0)
        let server = try TestHTTPServer { _ in .ok(Self.changingFeed(revision: revision.withLock { $0 += 1; return $0 })) }
        let fixture = DaemonFixture()
        let daemon = try fixture.daemon()
        defer { daemon.shutdown() }
        _ = try await Ledger(configuration: fixture.configuration).add(url: server.baseURL + "/feed")
        _ = try await daemon.pollOnce()

        let stop = Atomic(false)
        let findings = Mutex((reads: 0, torn: [String](), vanished: [String]()))
        let reader = Thread {
            var seen = Set<String>()
            while !stop.load(ordering: .relaxed) {
                let files = Set(fixture.articleFiles)
                for gone in seen.subtracting(files) { findings.withLock { $0.vanished.append(gone) } }
                seen.formUnion(files)
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        findings.withLock { $0.vanished.append(file) }
                        continue
                    }
                    let whole = (try? JSONSerialization.jsonObject(with: data)) != nil
                    findings.withLock { $0.reads += 1; if !whole { $0.torn.append(file) } }
                }
            }
        }
        reader.start()
        var updated = 0
        for _ in 0..<25 { updated += try await daemon.pollOnce().updatedArticles }
        stop.store(true, ordering: .relaxed)
        while !reader.isFinished { usleep(1_000) }

        let result = findings.withLock { $0 }
        #expect(updated == 25 * 20, "every poll rewrote every article")
        #expect(result.reads > 200, "the reader read while the daemon wrote (\(result.reads) reads)")
        #expect(result.torn.isEmpty, "partial files seen: \(result.torn.prefix(3))")
        #expect(result.vanished.isEmpty, "files missing for a moment: \(result.vanished.prefix(3))")
        #expect(TestPaths.files(under: fixture.root + "/out/.staging", suffix: "").isEmpty, "staging left behind")
    }

    static let strace = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: strace != nil || TestPaths.inCI))
    func eachArticleIsFlushedInStagingRenamedIntoPlaceAndItsDirectoryFlushed() throws {
        let strace = try #require(Self.strace, "CI must install Debian's strace for this test")
        let daemon = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tidingsd").path
        let server = try TestHTTPServer { _ in .ok(PollingTests.rss(["a", "b", "c"])) }
        let root = TestPaths.temporaryDirectory("tidings-strace")
        try (server.baseURL + "/feed\n").write(toFile: root + "/feeds.txt", atomically: true, encoding: .utf8)
        let usage = try ChildProcess.spawn(strace, [
            "-f", "-qq", "-o", root + "/trace", "-e", "trace=openat,fsync,fdatasync,close,rename,renameat,renameat2",
            daemon, "--once", "--feeds", root + "/feeds.txt", "--state-dir", root + "/state", "--output-dir", root + "/out",
        ]).wait()
        #expect(usage.status == 0)
        let articles = TestPaths.files(under: root + "/out/articles", suffix: ".json")
        #expect(articles.count == 3)
        let calls = SyscallTrace(try String(contentsOfFile: root + "/trace", encoding: .utf8)).calls
        let staging = root + "/out/.staging/"

        for article in articles {
            let path = URL(fileURLWithPath: article).resolvingSymlinksInPath().path
            guard let renameAt = calls.lastIndex(where: { $0.isRename && $0.paths.last.map(Self.canonical) == path }) else {
                Issue.record("\(path) was never renamed into place")
                continue
            }
            let rename = calls[renameAt]
            let temporary = try #require(rename.paths.first)
            #expect(temporary.hasPrefix(Self.canonical(staging)) || temporary.hasPrefix(staging), "written outside staging: \(temporary)")
            // The temporary file: opened for writing, flushed, closed, then renamed.
            let opened = try #require(calls[..<renameAt].lastIndex { $0.name == "openat" && $0.paths.first == temporary })
            let fd = calls[opened].result
            let flushed = calls[opened..<renameAt].contains { ($0.name == "fsync" || $0.name == "fdatasync") && $0.fd == fd && $0.pid == calls[opened].pid }
            #expect(flushed, "\(temporary) renamed over \(path) without fsync first")
            // Then the directory that holds the article: opened and flushed.
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            let directoryOpen = calls[renameAt...].firstIndex { $0.name == "openat" && $0.paths.first.map(Self.canonical) == directory }
            let directoryFlushed = directoryOpen.map { at in
                calls[at...].contains { $0.name == "fsync" && $0.fd == calls[at].result && $0.pid == calls[at].pid }
            } ?? false
            #expect(directoryFlushed, "\(directory) not flushed after the rename")
        }
        // Nothing ever opened an article's final path for writing.
        let writtenInPlace = calls.filter { $0.name == "openat" && $0.writes && ($0.paths.first ?? "").contains("/out/articles/") }
        #expect(writtenInPlace.isEmpty, "written in place: \(writtenInPlace.map(\.line).prefix(3))")
    }

    static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
}

/// The lines of `strace -f -o`, with interrupted calls (`<unfinished ...>`
/// and `<... resumed>`) joined back into one.
struct SyscallTrace {
    struct Call {
        var pid: String
        var name: String
        var line: String
        /// The quoted path arguments, in order.
        var paths: [String]
        /// The first argument when it is a number (a descriptor).
        var fd: Int?
        var result: Int?
        var isRename: Bool { name.hasPrefix("rename") }
        var writes: Bool { line.contains("O_WRONLY") || line.contains("O_RDWR") || line.contains("O_CREAT") }
    }

    var calls: [Call] = []

    init(_ text: String) {
        var pending: [String: String] = [:]
        let quoted = try! Regex(#""([^"]*)""#)
        for raw in text.split(separator: "\n").map(String.init) {
            guard let space = raw.firstIndex(of: " ") else { continue }
            let pid = String(raw[..<space])
            // strace pads the pid column: "6002  rename(" and "30123 rename(".
            var body = String(raw[raw.index(after: space)...].drop { $0 == " " })
            if body.hasSuffix("<unfinished ...>") {
                pending[pid] = String(body.dropLast("<unfinished ...>".count))
                continue
            }
            if body.hasPrefix("<... "), let resumed = body.range(of: " resumed>") {
                body = (pending.removeValue(forKey: pid) ?? "") + body[resumed.upperBound...]
            }
            guard let open = body.firstIndex(of: "(") else { continue }
            let name = String(body[..<open])
            let arguments = body[body.index(after: open)...]
            let first = arguments.prefix { $0 != "," && $0 != ")" }
            let result = body.range(of: " = ", options: .backwards).flatMap { Int(body[$0.upperBound...].prefix { $0 != " " }) }
            calls.append(Call(pid: pid, name: name, line: body,
                              paths: body.matches(of: quoted).map { String($0.output[1].substring ?? "") },
                              fd: Int(first), result: result))
        }
    }
}
