import Foundation
import Synchronization
import Testing
import TidingsModel
import TidingsService
import TidingsStore
import TidingsTestSupport
import TidingsConfiguration

/// `tidings migrate-state`: a SQLite state with articles and a journal moved
/// into PostgreSQL, then polled there: the articles keep their ids, the
/// journal goes on from the next seq, and a second move is refused.
@Suite(.timeLimit(.minutes(2))) struct MigrateStateTests {
    static func feed(_ items: Int) -> String {
        "<rss version=\"2.0\"><channel><title>Moving</title><link>https://moving.example/</link>"
            + (1...items).map { "<item><guid>m-\($0)</guid><title>Item \($0)</title><link>https://moving.example/\($0)</link></item>" }
            .joined() + "</channel></rss>"
    }

    @Test func aMovedStateKeepsItsIdsAndItsJournalGoesOn() async throws {
        let items = Mutex(3)
        let server = try TestHTTPServer { _ in .ok(Self.feed(items.withLock { $0 })) }
        let fixture = DaemonFixture()
        let config = fixture.configuration
        _ = try TidingsState(stateDirectory: config.stateDirectory).add(url: server.baseURL + "/feed")
        do {
            _ = try await fixture.daemon().pollOnce()
        }
        let before = Set(fixture.articleFiles)
        let journalBefore = JournalFiles(outputDirectory: config.outputDirectory).events(since: 0)
        #expect(before.count == 3 && journalBefore.count == 3)

        let url = try PostgresServer.shared().makeDatabase("moved")
        let moved = try CommandLineTests.tidings("migrate-state", "--to", url, state: config.stateDirectory)
        #expect(moved.status == 0, "\(moved.err)")
        #expect(moved.out.contains("3 articles") && moved.out.contains("1 feeds"), "\(moved.out)")
        #expect(moved.out.contains("after seq 3"), "\(moved.out)")

        // The feed gains an item; the operator asks for a poll, and a node
        // on the moved state polls it.
        items.withLock { $0 = 4 }
        let asked = try CommandLineTests.tidings("poll", state: fixture.root + "/cli-state", url: url)
        #expect(asked.status == 0 && asked.out.contains("the nodes sharing this state poll it"), "\(asked.out)\(asked.err)")
        var shared = config
        shared.stateURL = url
        shared.stateDirectory = fixture.root + "/node-state"
        let summary = try await DaemonFixture(root: fixture.root, configuration: shared).daemon().pollOnce()
        #expect(summary.newArticles == 1 && summary.failed == 0, "\(summary)")
        let after = Set(fixture.articleFiles)
        #expect(after.count == 4 && after.isSuperset(of: before), "an article moved to another id or path")
        let journal = JournalFiles(outputDirectory: config.outputDirectory).events(since: 0)
        #expect(journal.map(\.seq) == [1, 2, 3, 4])
        #expect(journal.last?.event == .created)

        // Into a database that holds a state: refused, nothing changed.
        let again = try CommandLineTests.tidings("migrate-state", "--to", url, state: config.stateDirectory)
        #expect(again.status != 0)
        #expect(again.err.contains("holds a Tidings state already"), "\(again.err)")
        let list = try CommandLineTests.tidings("list", state: shared.stateDirectory, url: url)
        #expect(list.lines.count == 1, "\(list.out)")
    }
}
