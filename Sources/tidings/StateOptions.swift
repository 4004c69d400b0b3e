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
    var stateDirectory = StateOptions.defaultStateDirectory()

    /// The daemon's own default, found as the daemon finds it.
    static func defaultStateDirectory() -> String {
        if let directory = ProcessInfo.processInfo.environment["TIDINGS_STATE_DIR"] { return directory }
        if let path = Configuration.defaultPath(), let config = try? Configuration.load(path) { return config.stateDirectory }
        return Configuration().stateDirectory
    }

    /// The daemon's feed registry. `readOnly` for commands that only look:
    /// they never create a state where there is none.
    func registry(readOnly: Bool = false, mustExist: Bool = false) throws -> FeedRegistry {
        if mustExist, !readOnly, !FileManager.default.fileExists(atPath: stateDirectory + "/" + FeedRegistry.fileName) {
            throw CLIError("no Tidings state in \(stateDirectory) (no \(FeedRegistry.fileName)): is --state-dir right?")
        }
        do {
            return try FeedRegistry(stateDirectory: stateDirectory, readOnly: readOnly)
        } catch StoreError.notFound(let why) {
            throw CLIError("\(why): is --state-dir right? A daemon creates its state when it first starts")
        } catch {
            throw CLIError("cannot open state in \(stateDirectory): \(error)")
        }
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
