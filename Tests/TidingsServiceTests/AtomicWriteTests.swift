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
/// it saw. What is synced before what is `PowerLossTests`'.
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
        _ = try await Ledger(configuration: fixture.configuration).add(urls: [server.baseURL + "/feed"])
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

    static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
}
