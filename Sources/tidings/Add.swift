import ArgumentParser
import Foundation
import TidingsConfiguration
import TidingsFetching
import TidingsService
import TidingsStore

struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow feeds: paste a feed's URL or a site's page, which is searched for its feeds.",
        discussion: """
            Each URL is fetched first, as the daemon fetches (same limits, same User-Agent). A feed \
            is added with its title; an HTML page is searched for the feeds it declares \
            (<link rel="alternate">), then for /feed, /rss, /atom.xml, /rss.xml, /index.xml and \
            /feed.json; when it declares several, they are listed and nothing is added unless \
            --all. Anything else is not added, and the reason is printed. A running daemon polls \
            a new feed within seconds. Adding a followed feed again changes only the settings given.
            """)

    @OptionGroup var state: StateOptions
    @OptionGroup var options: FeedSettingsOptions

    @Flag(name: .customLong("no-check"), help: "Add without fetching (a feed not reachable yet).")
    var noCheck = false

    @Flag(help: "When a page declares several feeds, add them all.")
    var all = false

    @Argument(help: "Feed or page URLs (http or https; file for local documents).")
    var urls: [String]

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("give at least one URL") }
        for url in urls {
            if let problem = Self.problem(with: url) { throw ValidationError("cannot follow \(url): \(problem)") }
        }
        if options.title != nil, urls.count > 1 { throw ValidationError("--title names one feed: give one URL with it") }
        // `set` may change the password file alone; a new feed needs both.
        if options.request.passwordFile != nil, options.request.username == nil {
            throw ValidationError("--password-file goes with --username")
        }
    }

    /// Why a string is not a URL Tidings can fetch, or nil: http and https
    /// need a host, file needs a path; nothing else is fetched.
    static func problem(with url: String) -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            return "not a URL (expected http://, https:// or file://)"
        }
        switch scheme {
        case "http", "https":
            return (parts.host ?? "").isEmpty ? "a \(scheme) URL needs a host" : nil
        case "file":
            return parts.path.isEmpty ? "a file URL needs a path" : nil
        default:
            return "the \(scheme) scheme is not fetched (http, https or file only)"
        }
    }

    func run() async throws {
        let registry = try state.registry()
        let configuration = Configuration.forLookups()
        let client = HTTPClient(policy: configuration.fetch)
        defer { client.shutdown() }
        var failures = 0
        for given in urls {
            // A password inside the URL leaves it here: kept in a file of
            // its own (0600), never in the state, a log line or the output.
            var url = given
            var settings = try options.settings
            var password: String?
            if let split = CredentialFiles.splitUserInfo(given) {
                url = split.url
                password = split.password
                var request = settings.request ?? FeedRequestSettings()
                request.username = split.username
                settings.request = request
            }
            if let followed = try registry.find(url) {
                try registry.apply(settings, to: followed.id)
                try keep(password, of: followed, registry)
                print("already followed \(followed.id) \(followed.url)" + (settings.isEmpty ? "" : " (settings updated)"))
                continue
            }
            var requestOptions: RequestOptions
            do {
                requestOptions = try RequestOptions.forFeed(url, settings: settings.request, policy: configuration.fetch)
            } catch {
                if !noCheck { warn("cannot check \(url) from here (\(error)); adding it unchecked") }
                try add(url, title: nil, homePageURL: nil, note: "not checked", registry, settings, password: password)
                continue
            }
            if let password { requestOptions.credentials = .basic(username: settings.request?.username ?? "", password: password) }
            if noCheck {
                try add(url, title: nil, homePageURL: nil, note: "not checked", registry, settings, password: password)
                continue
            }
            let probe = FeedProbe(client: client, maximumDocumentBytes: configuration.maximumDocumentBytes, options: requestOptions)
            switch await probe.probe(url) {
            case .feed(let feed):
                try add(feed, registry, settings, password: password)
            case .choices(let candidates) where all:
                for candidate in candidates {
                    switch await probe.probeFeed(candidate.url) {
                    case .success(let feed): try add(feed, registry, settings, password: password)
                    case .failure(let why):
                        failures += 1
                        warn("not added \(candidate.url): \(why)")
                    }
                }
            case .choices(let candidates):
                failures += 1
                warn("\(url) declares \(candidates.count) feeds; add the one you want, or all of them with --all:")
                for c in candidates { warn("  \(c.url)" + (c.title.map { "  \($0)" } ?? "")) }
            case .nothing(let why):
                failures += 1
                warn("not added \(url): \(why)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func add(_ feed: FeedProbe.Feed, _ registry: TidingsState, _ settings: TidingsState.Settings,
                     password: String?) throws {
        let items = "\(feed.items) item\(feed.items == 1 ? "" : "s")"
        try add(feed.url, title: feed.title, homePageURL: feed.homePageURL, note: items, registry, settings, password: password)
    }

    private func add(_ url: String, title: String?, homePageURL: String?, note: String, _ registry: TidingsState,
                     _ settings: TidingsState.Settings, password: String?) throws {
        let (record, added) = try registry.add(url: url)
        if added { try registry.noteDiscovered(record.id, title: title, homePageURL: homePageURL) }
        try registry.apply(settings, to: record.id)
        try keep(password, of: record, registry)
        let shown = settings.title ?? title ?? "(untitled)"
        print("\(added ? "added" : "already followed") \(record.id) \(shown) (\(note)) \(record.url)")
    }

    /// A password that came inside the URL, written to the feed's own
    /// credential file in the state directory.
    private func keep(_ password: String?, of record: FeedRecord, _ registry: TidingsState) throws {
        guard let password else { return }
        let path = try CredentialFiles.store(password: password, feedID: record.id, stateDirectory: state.stateDirectory)
        var request = FeedRequestSettings()
        request.passwordFile = path
        try registry.apply(TidingsState.Settings(request: request), to: record.id)
    }
}
