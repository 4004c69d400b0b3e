import ArgumentParser
import TidingsConfiguration

@main
struct Tidings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings",
        abstract: "Control the Tidings feed aggregator: manage feeds, inspect state, parse documents.",
        version: TidingsVersion.string,
        subcommands: [Add.self, Remove.self, SetCommand.self, Pause.self, Resume.self, Rules.self, List.self, Status.self,
                      Poll.self, Import.self, Export.self, Tail.self, Reindex.self, MigrateState.self, Parse.self])
}
