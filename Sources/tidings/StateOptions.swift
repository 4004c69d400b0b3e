import ArgumentParser
import TidingsCore
import TidingsStore

/// The `--state-dir` option every subcommand shares with `tidingsd`.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "The daemon's state directory (the same flag as tidingsd's).")
    var stateDirectory = Configuration().stateDirectory

    func registry() throws -> FeedRegistry {
        do {
            return try FeedRegistry(stateDirectory: stateDirectory)
        } catch {
            throw CLIError("cannot open state in \(stateDirectory): \(error)")
        }
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
