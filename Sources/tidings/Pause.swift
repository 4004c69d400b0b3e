import ArgumentParser
import TidingsStore

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop fetching feeds for now; they stay followed and shown, with their articles.",
        discussion: """
            A paused feed is never fetched, by any daemon, until 'tidings resume'. 'tidings status' \
            shows it as paused, with since when.
            """)

    @OptionGroup var state: StateOptions

    @Argument(help: "The feeds' URLs or ids (as 'tidings list' shows them).")
    var feeds: [String]

    func run() throws {
        let registry = try state.registry(mustExist: true)
        for name in feeds {
            guard let record = try registry.find(name) else { throw CLIError("no followed feed matches \(name)") }
            let changed = try registry.pause(record.id)
            print("\(changed ? "paused" : "already paused") \(record.id) \(record.url)")
        }
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch paused feeds again; each is polled at once.")

    @OptionGroup var state: StateOptions

    @Argument(help: "The feeds' URLs or ids (as 'tidings list' shows them).")
    var feeds: [String]

    func run() throws {
        let registry = try state.registry(mustExist: true)
        for name in feeds {
            guard let record = try registry.find(name) else { throw CLIError("no followed feed matches \(name)") }
            let changed = try registry.resume(record.id)
            print("\(changed ? "resumed" : "not paused") \(record.id) \(record.url)")
        }
    }
}
