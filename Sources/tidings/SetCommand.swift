import ArgumentParser

struct SetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a followed feed's settings: interval, category, title, and how it is requested.",
        discussion: """
            --interval overrides what the publisher says (Cache-Control, ttl, publishing cadence) \
            and takes effect now; --clear-interval hands the choice back to the schedule. The request \
            settings (--user-agent, --header, --cookie, --http-version, --ip-version, --ca-file, \
            --insecure-tls, --username with --password-file, --bearer-token-file, --proxy, --no-proxy) \
            replace those given before, one by one; --clear-request drops them all first. A running \
            daemon sees the change within seconds.
            """)

    @OptionGroup var state: StateOptions
    @OptionGroup var options: FeedSettingsOptions

    @Flag(name: .customLong("clear-interval"), help: "Let the schedule choose the interval again.")
    var clearInterval = false

    @Flag(name: .customLong("clear-request"), help: "Drop every request setting (before applying those given).")
    var clearRequest = false

    @Argument(help: "The feed's URL or id (as 'tidings list' shows it).")
    var feed: String

    func validate() throws {
        if clearInterval, options.interval != nil { throw ValidationError("--interval and --clear-interval contradict each other") }
        if !clearInterval, !clearRequest, options.interval == nil, options.category == nil, options.title == nil,
           try options.request.settings == nil {
            throw ValidationError("give a setting: --interval, --clear-interval, --category, --title, a request setting or --clear-request")
        }
    }

    func run() throws {
        let registry = try state.registry(mustExist: true)
        guard let record = try registry.find(feed) else { throw CLIError("no followed feed matches \(feed)") }
        if clearRequest { try registry.replaceRequest(nil, of: record.id) }
        try registry.apply(try options.settings, to: record.id)
        if clearInterval { try registry.clearOperatorInterval(record.id) }
        print("set \(record.id) \(record.url)")
    }
}
