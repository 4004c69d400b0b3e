import ArgumentParser
import Foundation
import TidingsStore
import TidingsConfiguration

/// The `--state-dir` option every subcommand shares with `tidingsd`.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"),
            help: """
                The daemon's state directory (the same flag as tidingsd's). Default: $TIDINGS_STATE_DIR, \
                else the configuration file's state_directory, else ./state.
                """)
    var stateDirectory = Configuration.forLookups().stateDirectory

    @Option(name: .customLong("state-url"),
            help: """
                A PostgreSQL connection URI holding a state shared by several nodes (the same flag as \
                tidingsd's). Default: $TIDINGS_STATE_URL, else the configuration file's state_url, else \
                SQLite in the state directory.
                """)
    var stateURL: String?

    /// The configuration's lookups with these flags over them.
    var configuration: Configuration {
        var config = Configuration.forLookups()
        config.stateDirectory = stateDirectory
        if let stateURL { config.stateURL = stateURL }
        return config
    }

    /// The PostgreSQL URI to connect with (password included), or nil.
    func databaseURL() throws -> String? {
        do {
            return try configuration.stateConnection()
        } catch {
            throw CLIError(error.description)
        }
    }

    /// The daemon's feed registry. `readOnly` for commands that only look,
    /// `mustExist` for those that change an existing state (`remove`,
    /// `poll`): neither creates a state where there is none.
    func registry(readOnly: Bool = false, mustExist: Bool = false) throws -> TidingsState {
        do {
            return try TidingsState(stateDirectory: stateDirectory, readOnly: readOnly, mustExist: mustExist,
                                    databaseURL: databaseURL())
        } catch StoreError.notFound(let why) {
            throw CLIError("\(why): is --state-dir right? A daemon creates its state when it first starts")
        } catch StoreError.incompatible(let why) {
            throw CLIError(why)
        } catch {
            throw CLIError("cannot open state in \(configuration.stateURL.map(Configuration.redactingPassword) ?? stateDirectory): \(error)")
        }
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A line for the person at the terminal, on standard error, so that
/// standard output stays what scripts read.
func warn(_ line: String) {
    FileHandle.standardError.write(Data(("tidings: " + Terminal.safe(line) + "\n").utf8))
}
