import Dispatch
import Foundation

/// Turns SIGINT/SIGTERM into a callback on a dispatch queue. The default
/// handlers are ignored first so the process is not killed before we can
/// shut down in order. (A dozen lines instead of swift-service-lifecycle,
/// whose dependencies would triple the clean build time.)
public final class SignalWatcher: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    public init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    public func cancel() {
        for s in sources { s.cancel() }
        sources.removeAll()
    }
}
