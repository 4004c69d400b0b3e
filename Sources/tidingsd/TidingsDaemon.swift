import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TidingsService
import TidingsConfiguration
import TidingsStore

@main
struct TidingsDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidingsd",
        abstract: "The Tidings daemon: polls feeds and writes one JSON file per article.",
        discussion: """
            Polls every followed feed on an interval and writes deduplicated articles under \
            OUTPUT-DIR/articles/YYYY/MM/DD/<id>.json. Feeds are managed with 'tidings add'; \
            --feeds imports a list file at start. SIGINT or SIGTERM stops it cleanly: no new polls, \
            transfers in flight aborted, article writes already begun finished, exit 0 within seconds. \
            Exit status: 0 stopped cleanly, 64 bad flags or configuration, 70 the polling loop failed, \
            73 the state cannot be opened, 75 another tidingsd holds the state directory.
            """,
        version: TidingsVersion.string)

    @Option(help: "A YAML (or JSON) configuration file; default $TIDINGS_CONFIG, else /etc/tidings/tidings.yaml when it exists. Flags override it.")
    var config: String?

    @Option(name: .customLong("state-dir"),
            help: "Where the feed list and the dedup index live (default $TIDINGS_STATE_DIR, else ./state).")
    var stateDirectory: String?

    @Option(name: .customLong("state-url"),
            help: "A PostgreSQL connection URI: the state shared by several tidingsd (default $TIDINGS_STATE_URL, else the configuration's state_url, else SQLite in the state directory).")
    var stateURL: String?

    @Option(name: .customLong("node-name"), help: "This node's name among those sharing a state (default $TIDINGS_NODE_NAME, else the host name).")
    var nodeName: String?

    @Option(name: .customLong("output-dir"),
            help: "Where article files are written (default $TIDINGS_OUTPUT_DIR, else ./out).")
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

    @Option(name: .customLong("check-config"),
            help: "Check this configuration file (with the environment and flags over it), report every mistake, and exit: 0 when usable, 64 otherwise.")
    var checkConfig: String?

    @Flag(name: .customLong("print-config"), help: "Print the configuration in effect (as JSON, which reads back as YAML) and exit.")
    var printConfig = false

    /// Tests poll every second; publishers are owed at least a minute.
    @Flag(name: .customLong("allow-short-intervals"), help: .hidden)
    var allowShortIntervals = false

    func run() async throws {
        let level: Logger.Level = verbose ? .debug : .info
        LoggingSystem.bootstrap { label in
            var h = JournalLogHandler(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "tidingsd")
        let config = try configuration()
        if checkConfig != nil {
            print("configuration ok: state \(config.stateDirectory), output \(config.outputDirectory), interval \(Int(config.pollIntervalSeconds)) s")
            return
        }
        if printConfig {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(config.redacted()), as: UTF8.self))
            return
        }

        // The lock comes before anything in the state directory is touched.
        let lock: StateLock
        do {
            lock = try StateLock(stateDirectory: config.stateDirectory)
        } catch let failure where failure.isHeld {
            logger.critical("not starting: the state directory is in use", metadata: ["error": "\(failure)"])
            throw ExitCode(ExitStatus.stateInUse)
        } catch {
            logger.critical("cannot open state", metadata: ["error": "\(error)", "state": "\(config.stateDirectory)"])
            throw ExitCode(ExitStatus.cannotOpenState)
        }
        let daemon: Daemon
        do {
            daemon = try Daemon(configuration: config, logger: logger)
        } catch {
            logger.critical("cannot open state", metadata: ["error": "\(error)", "state": "\(config.stateDirectory)"])
            throw ExitCode(ExitStatus.cannotOpenState)
        }
        if let feeds {
            let added = try await daemon.importFeedList(feeds)
            logger.info("feed list imported", metadata: ["file": "\(feeds)", "feeds.added": "\(added)"])
        }
        let notifier = SystemdNotifier()
        let service = PollingService(daemon: daemon, once: once, notifier: notifier, logger: logger)
        let command = self
        let reloader = ReloadService {
            notifier.send("RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())")
            do {
                let restart = daemon.reconfigure(try command.configuration())
                logger.notice("configuration reloaded", metadata: [
                    "interval.seconds": "\(Int(daemon.configuration.pollIntervalSeconds))",
                    "needs.restart": "\(restart.isEmpty ? "-" : restart.joined(separator: ","))",
                ])
            } catch {
                logger.error("configuration not reloaded; the previous one stays", metadata: ["error": "\(error)"])
            }
            notifier.send("READY=1")
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // The loop returns only once it was asked to stop (or, with
            // --once, after its round): that ends the group, cleanly.
            .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if !once { services.append(.init(service: reloader, successTerminationBehavior: .gracefullyShutdownGroup)) }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            logger.critical("the polling loop failed", metadata: ["error": "\(error)"])
            throw ExitCode(ExitStatus.loopFailed)
        }
        withExtendedLifetime(lock) {}
        logger.info("daemon stopped")
    }

    /// The configuration in effect: the file, then `TIDINGS_*` environment
    /// variables, then the flags; every mistake reported at once.
    func configuration() throws -> Configuration {
        var config = Configuration()
        if let path = checkConfig ?? self.config ?? Configuration.defaultPath() {
            do { config = try Configuration.load(path, allowShortIntervals: allowShortIntervals) } catch {
                throw ValidationError("\(error)")
            }
        }
        var problems: [String] = []
        let environment = ProcessInfo.processInfo.environment
        config = config.applyingEnvironment(environment)
        for (source, text) in [("TIDINGS_INTERVAL", environment["TIDINGS_INTERVAL"]), ("--interval", interval)] {
            guard let text else { continue }
            if let seconds = Duration.seconds(parsing: text), seconds > 0 {
                config.pollIntervalSeconds = seconds
            } else {
                problems.append("\(source) must be a positive duration such as 900, 15m or 1h, not \(text)")
            }
        }
        if let stateDirectory { config.stateDirectory = stateDirectory }
        if let outputDirectory { config.outputDirectory = outputDirectory }
        if let stateURL { config.stateURL = stateURL }
        if let nodeName { config.nodeName = nodeName }
        if let userAgent { config.fetch.userAgent = userAgent }
        if refusePrivateAddresses { config.fetch.refusePrivateAddresses = true }
        problems += config.problems(allowShortIntervals: allowShortIntervals)
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
        return config
    }
}

/// How tidingsd ends, as sysexits(3) numbers; documented in the README.
enum ExitStatus {
    /// Bad flags or configuration (EX_USAGE; also what ArgumentParser uses).
    static let usage: Int32 = 64
    /// The polling loop failed (EX_SOFTWARE).
    static let loopFailed: Int32 = 70
    /// The state directory or database cannot be opened or created (EX_CANTCREAT).
    static let cannotOpenState: Int32 = 73
    /// Another tidingsd holds the state directory (EX_TEMPFAIL).
    static let stateInUse: Int32 = 75
}
