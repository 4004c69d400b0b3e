import Foundation
import TidingsFetching

/// The configuration file: JSON with snake_case keys, every key optional,
/// defaults from `Configuration()`. Unknown keys are an error, so a typo
/// is reported instead of silently ignored.
extension Configuration {
    public struct FileError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Where both executables look for the configuration when none is
    /// named: `$TIDINGS_CONFIG`, else `/etc/tidings/tidings.json` (the
    /// unit's ConfigurationDirectory). Nil when that file does not exist.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = environment["TIDINGS_CONFIG"] ?? "/etc/tidings/tidings.json"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    public static func load(_ path: String) throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(description: "cannot read configuration \(path)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw FileError(description: "\(path): not a JSON object")
        }
        var config = Configuration()
        do {
            try apply(object, to: &config, path)
        } catch let error as FileError where !error.description.hasPrefix(path) {
            // Every message names the file, as the README promises.
            throw FileError(description: "\(path): \(error.description)")
        }
        return config
    }

    private static func apply(_ object: [String: Any], to config: inout Configuration, _ path: String) throws {
        for (key, value) in object {
            switch key {
            case "state_directory": config.stateDirectory = try string(value, key)
            case "output_directory": config.outputDirectory = try string(value, key)
            case "poll_interval_seconds": config.pollIntervalSeconds = try number(value, key)
            case "maximum_backoff_seconds": config.maximumBackoffSeconds = try number(value, key)
            case "maximum_document_bytes": config.maximumDocumentBytes = try integer(value, key)
            case "move_confirmations": config.moveConfirmations = try integer(value, key)
            case "move_minimum_span_seconds": config.moveMinimumSpanSeconds = try number(value, key)
            case "maximum_retry_after_seconds": config.maximumRetryAfterSeconds = try number(value, key)
            case "storage_retry_seconds": config.storageRetrySeconds = try number(value, key)
            case "fetch":
                guard let fetch = value as? [String: Any] else { throw FileError(description: "\(path): fetch must be an object") }
                config.fetch = try fetchPolicy(fetch, path)
            default:
                throw FileError(description: "\(path): unknown key \(key)")
            }
        }
    }

    private static func fetchPolicy(_ object: [String: Any], _ path: String) throws -> FetchPolicy {
        var p = FetchPolicy()
        for (key, value) in object {
            switch key {
            case "connect_timeout_seconds": p.connectTimeoutSeconds = try integer(value, key)
            case "total_timeout_seconds": p.totalTimeoutSeconds = try integer(value, key)
            case "low_speed_bytes_per_second": p.lowSpeedBytesPerSecond = try integer(value, key)
            case "low_speed_seconds": p.lowSpeedSeconds = try integer(value, key)
            case "maximum_body_bytes": p.maximumBodyBytes = try integer(value, key)
            case "maximum_redirects": p.maximumRedirects = try integer(value, key)
            case "maximum_concurrent_transfers": p.maximumConcurrentTransfers = try integer(value, key)
            case "maximum_transfers_per_host": p.maximumTransfersPerHost = try integer(value, key)
            case "user_agent": p.userAgent = try string(value, key)
            case "refuse_private_addresses":
                guard let n = value as? NSNumber, String(cString: n.objCType) == "c" else {
                    throw FileError(description: "\(key) must be true or false")
                }
                let b = n.boolValue
                p.refusePrivateAddresses = b
            default:
                throw FileError(description: "\(path): unknown key fetch.\(key)")
            }
        }
        return p
    }

    private static func string(_ v: Any, _ key: String) throws -> String {
        guard let s = v as? String else { throw FileError(description: "\(key) must be a string") }
        return s
    }

    /// A JSON number. On Linux every JSON number is also castable to Bool,
    /// so booleans are told apart by the number's own type code ("c").
    private static func number(_ v: Any, _ key: String) throws -> Double {
        guard let n = v as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue.isFinite else {
            throw FileError(description: "\(key) must be a number")
        }
        return n.doubleValue
    }

    /// A whole, non-negative number that fits an Int: `1e300` or `2.5`
    /// is an error, not a crash or a silent truncation.
    private static func integer(_ v: Any, _ key: String) throws -> Int {
        let d = try number(v, key)
        guard d >= 0, d <= Double(Int32.max) * 1024, d.rounded() == d else {
            throw FileError(description: "\(key) must be a whole number from 0 to \(Int(Int32.max) * 1024)")
        }
        return Int(d)
    }
}
