import ArgumentParser
import Foundation
import TidingsConfiguration
import TidingsStore

struct MigrateState: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-state",
        abstract: "Copy a SQLite state into an empty PostgreSQL database, for several nodes to share.",
        discussion: """
            Copies the feeds with their schedules and validators, the settings, the articles with their \\
            dedup keys and sources, the journal's next seq and the hook cursor, in one transaction; \\
            refuses a database that holds a state already. The article files stay where they are: point \\
            every node's --output-dir at that directory. Stop tidingsd first; the SQLite state is left \\
            as it was.
            """)

    @OptionGroup var state: StateOptions

    @Option(help: "The PostgreSQL connection URI to copy the state into (postgresql://…).")
    var to: String

    func run() throws {
        let lock: StateLock
        do {
            lock = try StateLock(stateDirectory: state.stateDirectory)
        } catch {
            throw CLIError("\(error) (stop tidingsd before moving its state)")
        }
        var target = state.configuration
        target.stateURL = to
        let shown = Configuration.redactingPassword(in: to)
        do {
            let source = try TidingsState(stateDirectory: state.stateDirectory, mustExist: true)
            let report = try source.migrate(to: try target.stateConnection() ?? to)
            let rows = report.rows.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("copied \(rows) to \(shown); the journal continues after seq \(report.journalSeq)")
        } catch {
            throw CLIError("cannot move the state to \(shown): \(error)")
        }
        withExtendedLifetime(lock) {}
    }
}
