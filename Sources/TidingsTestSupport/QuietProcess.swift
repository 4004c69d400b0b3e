import Foundation

/// Starts a program for a test with its standard streams on /dev/null, or
/// its standard error in a file when a test wants to read the log.
public enum QuietProcess {
    public static func start(_ path: String, _ arguments: [String], errorLog: String? = nil,
                             environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        if let errorLog {
            FileManager.default.createFile(atPath: errorLog, contents: nil)
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorLog))
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p
    }
}
