import Logging
import ServiceLifecycle
import TidingsService

/// The polling loop as a service of the daemon's `ServiceGroup`: on
/// SIGTERM or SIGINT the group's graceful shutdown cancels it, which stops
/// new polls and aborts transfers in flight (see `Daemon.run`). Tells
/// systemd how it goes: `READY=1` once serving, `STATUS=` after each round,
/// `WATCHDOG=1` from the loop, `STOPPING=1` on the way out.
struct PollingService: Service {
    let daemon: Daemon
    let once: Bool
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        if once {
            let summary = try await cancelWhenGracefulShutdown { try await daemon.pollOnce() }
            daemon.shutdown()
            print(summary)
            return
        }
        notifier.send("READY=1\nSTATUS=started, first round under way")
        let notifier = self.notifier
        try await withGracefulShutdownHandler {
            try await cancelWhenGracefulShutdown {
                try await daemon.run(heartbeat: { notifier.watchdogPing() }, roundFinished: { summary in
                    notifier.send("STATUS=\(await daemon.statusLine(after: summary))")
                })
            }
        } onGracefulShutdown: { [logger] in
            logger.notice("stopping: no new polls, transfers in flight aborted")
            notifier.send("STOPPING=1")
        }
        logger.notice("polling stopped")
    }
}
