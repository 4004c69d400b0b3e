import Foundation
import Logging
import Synchronization
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

    static let statusSeconds: Double = 5

    func run() async throws {
        if once {
            let summary = try await cancelWhenGracefulShutdown { try await daemon.pollOnce() }
            daemon.shutdown()
            print(summary)
            return
        }
        notifier.send("READY=1\nSTATUS=started, first round under way")
        let notifier = self.notifier
        let lastStatus = Mutex<Date?>(nil)
        try await withGracefulShutdownHandler {
            try await cancelWhenGracefulShutdown {
                try await daemon.run(heartbeat: { notifier.watchdogPing() }, roundFinished: { summary in
                    // With thousands of feeds a round ends many times a
                    // second: the line is refreshed when a round changed
                    // something, else at most every `statusSeconds`.
                    guard notifier.isActive else { return }
                    let now = Date()
                    let eventful = summary.newArticles + summary.updatedArticles + summary.failed > 0
                    let due = lastStatus.withLock { last in
                        guard eventful || last.map({ now.timeIntervalSince($0) >= Self.statusSeconds }) ?? true else { return false }
                        last = now
                        return true
                    }
                    if due { notifier.send("STATUS=\(await daemon.statusLine(after: summary))") }
                })
            }
        } onGracefulShutdown: { [logger] in
            logger.notice("stopping: no new polls, transfers in flight aborted")
            notifier.send("STOPPING=1")
        }
        logger.notice("polling stopped")
    }
}
