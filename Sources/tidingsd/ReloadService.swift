import ServiceLifecycle
import UnixSignals

/// SIGHUP re-reads the configuration without dropping work, as
/// `systemctl reload` asks (`ExecReload=/bin/kill -HUP $MAINPID`).
struct ReloadService: Service {
    let reload: @Sendable () async -> Void

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await cancelWhenGracefulShutdown {
            for await _ in hangups { await reload() }
        }
    }
}
