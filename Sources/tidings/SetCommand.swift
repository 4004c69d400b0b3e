import ArgumentParser

struct SetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a followed feed's settings: its interval, category or title.",
        discussion: """
            --interval overrides what the publisher says (Cache-Control, ttl, publishing cadence) \
            and takes effect now; --clear-interval hands the choice back to the schedule. A running \
            daemon sees the change within seconds.
            """)

    @OptionGroup var state: StateOptions
    @OptionGroup var options: FeedSettingsOptions

    @Flag(name: .customLong("clear-interval"), help: "Let the schedule choose the interval again.")
    var clearInterval = false

    @Argument(help: "The feed's URL or id (as 'tidings list' shows it).")
    var feed: String

    func validate() throws {
        if clearInterval, options.interval != nil { throw ValidationError("--interval and --clear-interval contradict each other") }
        if !clearInterval, options.interval == nil, options.category == nil, options.title == nil {
            throw ValidationError("give a setting: --interval, --clear-interval, --category or --title")
        }
    }

    func run() throws {
        let registry = try state.registry(mustExist: true)
        guard let record = try registry.find(feed) else { throw CLIError("no followed feed matches \(feed)") }
        try registry.apply(try options.settings, to: record.id)
        if clearInterval { try registry.clearOperatorInterval(record.id) }
        print("set \(record.id) \(record.url)")
    }
}
