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

    /// The daemon's feed registry. `readOnly` for commands that only look,
    /// `mustExist` for those that change an existing state (`remove`,
    /// `poll`): neither creates a state where there is none.
    func registry(readOnly: Bool = false, mustExist: Bool = false) throws -> TidingsState {
        do {
            return try TidingsState(stateDirectory: stateDirectory, readOnly: readOnly, mustExist: mustExist)
        } catch StoreError.notFound(let why) {
            throw CLIError("\(why): is --state-dir right? A daemon creates its state when it first starts")
        } catch StoreError.incompatible(let why) {
            throw CLIError(why)
        } catch {
            throw CLIError("cannot open state in \(stateDirectory): \(error)")
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
    FileHandle.standardError.write(Data(("tidings: " + line + "\n").utf8))
}
