import ArgumentParser
import TidingsConfiguration

@main
struct Tidings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings",
        abstract: "Control the Tidings feed aggregator: manage feeds, inspect state, parse documents.",
        version: TidingsVersion.string,
        subcommands: [Add.self, Remove.self, List.self, Status.self, Poll.self, Tail.self, Reindex.self, Parse.self])
}
