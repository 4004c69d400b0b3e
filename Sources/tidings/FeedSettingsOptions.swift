import ArgumentParser
import TidingsConfiguration
import TidingsStore

/// The settings `add` and `set` share.
struct FeedSettingsOptions: ParsableArguments {
    @Option(help: "The title to show, instead of the feed's own.")
    var title: String?

    @Option(help: "Poll this feed at this interval (900, 15m, 2h, 1d), whatever its publisher says.")
    var interval: String?

    @Option(help: "A category (folder) for the feed; nested ones with '/', as in OPML.")
    var category: String?

    func validate() throws {
        _ = try seconds()
    }

    func seconds() throws -> Double? {
        guard let interval else { return nil }
        guard let seconds = Duration.seconds(parsing: interval), seconds >= Configuration.shortestPollIntervalSeconds else {
            throw ValidationError("--interval must be a duration of at least a minute, such as 900, 15m or 2h, not \(interval)")
        }
        return seconds
    }

    var settings: TidingsState.Settings {
        get throws { TidingsState.Settings(category: category, title: title, intervalSeconds: try seconds()) }
    }
}
