import Foundation
import TidingsConfiguration

extension Daemon {
    /// `metrics_file`, after each round: the counters and what the state
    /// says now. A failure to write it is logged, never the round's.
    func writeMetrics(_ configuration: Configuration) async {
        guard let path = configuration.metricsFile else { return }
        do {
            let gauges = MetricsFile.Gauges(feedStates: try await ledger.feedStates(),
                                            journalSeq: ledger.journalProgress.syncedSeq,
                                            networkUnreachable: try await ledger.networkOutage() != nil)
            try MetricsFile.write(MetricsFile.text(metrics.counts.withLock { $0 }, gauges), to: path)
        } catch {
            logger.error("cannot write the metrics file", metadata: ["metrics.file": "\(path)", "error": "\(error)"])
        }
    }
}
