import Foundation
import TidingsFetching

/// The configuration file: JSON with snake_case keys, every key optional,
/// defaults from `Configuration()`. Unknown keys are an error, so a typo
/// is reported instead of silently ignored.
extension Configuration {
    public struct FileError: Error, CustomStringConvertible {
        public let description: String
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
            case "maximum_document_bytes": config.maximumDocumentBytes = Int(try number(value, key))
            case "move_confirmations": config.moveConfirmations = Int(try number(value, key))
            case "move_minimum_span_seconds": config.moveMinimumSpanSeconds = try number(value, key)
            case "maximum_retry_after_seconds": config.maximumRetryAfterSeconds = try number(value, key)
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
            case "connect_timeout_seconds": p.connectTimeoutSeconds = Int(try number(value, key))
            case "total_timeout_seconds": p.totalTimeoutSeconds = Int(try number(value, key))
            case "low_speed_bytes_per_second": p.lowSpeedBytesPerSecond = Int(try number(value, key))
            case "low_speed_seconds": p.lowSpeedSeconds = Int(try number(value, key))
            case "maximum_body_bytes": p.maximumBodyBytes = Int(try number(value, key))
            case "maximum_redirects": p.maximumRedirects = Int(try number(value, key))
            case "maximum_concurrent_transfers": p.maximumConcurrentTransfers = Int(try number(value, key))
            case "maximum_transfers_per_host": p.maximumTransfersPerHost = Int(try number(value, key))
            case "user_agent": p.userAgent = try string(value, key)
            case "refuse_private_addresses":
                guard let b = value as? Bool else { throw FileError(description: "\(key) must be true or false") }
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

    private static func number(_ v: Any, _ key: String) throws -> Double {
        guard let n = v as? NSNumber, !(v is Bool) else { throw FileError(description: "\(key) must be a number") }
        return n.doubleValue
    }
}
