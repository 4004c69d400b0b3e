import ArgumentParser
import Foundation
import TidingsConfiguration
import TidingsFetching
import TidingsModel
import TidingsParsing
import TidingsService
import TidingsStore

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep and drop rules on items (the configuration's rules:).",
        subcommands: [RulesTest.self])
}

struct RulesTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Fetch a followed feed and print what the rules would keep or drop; nothing is changed.",
        discussion: """
            Each item is printed with KEEP or DROP and the rule that decided it. The rules are the \
            configuration file's (--config, else $TIDINGS_CONFIG, else /etc/tidings/tidings.yaml); \
            a rule that is not a valid regular expression is refused with where it is wrong.
            """)

    @OptionGroup var state: StateOptions

    @Option(help: "The configuration file whose rules to test.")
    var config: String?

    @Argument(help: "The feed's URL or id (as 'tidings list' shows it).")
    var feed: String

    func run() async throws {
        let configuration: Configuration
        if let path = config ?? Configuration.defaultPath() {
            do { configuration = try Configuration.load(path) } catch { throw CLIError(error.description) }
        } else {
            configuration = Configuration()
        }
        let registry = try state.registry(readOnly: true)
        guard let record = try registry.find(feed) else { throw CLIError("no followed feed matches \(feed)") }
        let rules = ItemRules(configuration.rules)
        let applicable = configuration.rules.filter { $0.applies(toURL: record.url, id: record.id, category: record.category) }
        print("\(applicable.count) of \(configuration.rules.count) rule(s) apply to \(record.id) \(record.url)")
        for (i, rule) in applicable.enumerated() { print("  \(i + 1). \(rule.summary)") }

        let options: RequestOptions
        do { options = try RequestOptions.forFeed(record.url, settings: record.request, policy: configuration.fetch) } catch {
            throw CLIError("cannot fetch \(record.url): \(error)")
        }
        let client = HTTPClient(policy: configuration.fetch)
        defer { client.shutdown() }
        let response: FetchResponse
        do {
            response = try await client.fetch(FetchRequest(url: record.url, allowFileScheme: record.url.lowercased().hasPrefix("file:"),
                                                           options: options))
        } catch {
            throw CLIError("cannot fetch \(record.url): \(error)")
        }
        guard response.isSuccess else { throw CLIError("cannot fetch \(record.url): http \(response.status)") }
        let document: FeedDocument
        do {
            document = try FeedParser.parse(response.body, url: response.finalURL, charset: response.charset,
                                            maximumBytes: configuration.maximumDocumentBytes)
        } catch {
            throw CLIError("\(record.url): \(error)")
        }
        var dropped = 0
        for entry in document.entries {
            let verdict = rules.verdict(for: entry, feed: record)
            if !verdict.kept { dropped += 1 }
            let why = verdict.rule.map { "  (\($0.summary))" } ?? (verdict.kept ? "" : "  (no keep rule matches)")
            print((verdict.kept ? "KEEP  " : "DROP  ") + (entry.title ?? entry.url ?? entry.guid ?? "(untitled)") + why)
        }
        print("\(document.entries.count - dropped) kept, \(dropped) dropped")
    }
}
