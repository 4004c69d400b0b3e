import Foundation
import Logging

/// swift-log to stderr the way journald reads it: no timestamp (journald
/// adds one), the syslog priority as `<N>`, then the message and metadata
/// as `key=value` pairs.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        var all = metadata
        if let explicit { all.merge(explicit) { $1 } }
        var text = "<\(Self.priority(level))>\(message)"
        for key in all.keys.sorted() {
            let value = "\(all[key]!)"
            let quoted = value.contains(" ") || value.isEmpty ? "\"\(value)\"" : value
            text += " \(key)=\(quoted)"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
