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

    @Option(help: "A JSON configuration file (see README); flags given here override it.")
    var config: String?

    @Option(name: .customLong("state-dir"), help: "Where the feed list and the dedup index live (default ./state).")
    var stateDirectory: String?

    @Option(name: .customLong("output-dir"), help: "Where article files are written (default ./out).")
    var outputDirectory: String?

    @Option(help: "Time between polls of a healthy feed: 900, 15m, 1h (default 30m).")
    var interval: String?

    @Flag(name: .customLong("refuse-private-addresses"),
          help: "Never connect to private, loopback or link-local addresses (checked after DNS).")
    var refusePrivateAddresses = false

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
        var config = Configuration()
        if let path = self.config {
            do { config = try Configuration.load(path) } catch { throw ValidationError("\(error)") }
        }
        if let interval {
            guard let seconds = Duration.seconds(parsing: interval), seconds > 0 else {
                throw ValidationError("--interval must be a positive duration such as 900, 15m or 1h")
            }
            config.pollIntervalSeconds = seconds
        }
        if let stateDirectory { config.stateDirectory = stateDirectory }
        if let outputDirectory { config.outputDirectory = outputDirectory }
        if let userAgent { config.fetch.userAgent = userAgent }
        if refusePrivateAddresses { config.fetch.refusePrivateAddresses = true }

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
