import ArgumentParser
import Foundation
import Logging
import TidingsCore

@main
struct TidingsDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidingsd",
        abstract: "The Tidings daemon: polls feeds and writes one JSON file per article.",
        discussion: """
            Polls every followed feed on an interval and writes deduplicated articles under \
            OUTPUT-DIR/articles/YYYY/MM/DD/<id>.json. Feeds are managed with 'tidings add'; \
            --feeds imports a list file at start. SIGINT or SIGTERM stops it cleanly.
            """)

    @Option(name: .customLong("state-dir"), help: "Where the feed list and the dedup index live.")
    var stateDirectory = Configuration().stateDirectory

    @Option(name: .customLong("output-dir"), help: "Where article files are written.")
    var outputDirectory = Configuration().outputDirectory

    @Option(help: "Seconds between polls of a healthy feed (suffixes s, m, h accepted).")
    var interval = "30m"

    @Option(help: "A feed list file (one URL or relative path per line) to import at start.")
    var feeds: String?

    @Flag(help: "Poll every feed once, print a summary line and exit.")
    var once = false

    @Option(name: .customLong("user-agent"), help: "The User-Agent header sent to publishers.")
    var userAgent: String?

    @Flag(help: "Log debug messages too.")
    var verbose = false

    func run() async throws {
        let level: Logger.Level = verbose ? .debug : .info
        LoggingSystem.bootstrap { label in
            var h = JournalLogHandler(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "tidingsd")
        guard let seconds = Duration.seconds(parsing: interval), seconds > 0 else {
            throw ValidationError("--interval must be a positive duration such as 900, 15m or 1h")
        }
        var config = Configuration()
        config.stateDirectory = stateDirectory
        config.outputDirectory = outputDirectory
        config.pollIntervalSeconds = seconds
        if let userAgent { config.fetch.userAgent = userAgent }

        let daemon: Daemon
        do {
            daemon = try Daemon(configuration: config, logger: logger)
        } catch {
            logger.critical("cannot open state", metadata: ["error": "\(error)"])
            throw ExitCode(73)
        }
        if let feeds {
            let added = try await daemon.importFeedList(feeds)
            logger.info("feed list imported", metadata: ["file": "\(feeds)", "feeds.added": "\(added)"])
        }
        if once {
            let summary = try await daemon.pollOnce()
            daemon.shutdown()
            print(summary)
            return
        }
        let loop = Task { try await daemon.run() }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { signal in
            logger.notice("stopping", metadata: ["signal": "\(signal)"])
            loop.cancel()
        }
        _ = try? await loop.value
        daemon.shutdown()
        signals.cancel()
        logger.info("daemon stopped")
    }
}

extension Duration {
    /// "900", "900s", "15m", "1h" -> seconds.
    static func seconds(parsing text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            return Double(t.dropLast(suffix.count)).map { $0 * factor }
        }
        return Double(t)
    }
}
