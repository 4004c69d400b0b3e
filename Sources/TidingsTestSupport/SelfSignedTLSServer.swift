import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `openssl s_server` on 127.0.0.1 with a certificate made on the spot and
/// signed by nobody: a real TLS endpoint that a verifying client must refuse,
/// unless it trusts `certificatePath`. With `files`, it serves them
/// (`GET /name`); else a status page.
public final class SelfSignedTLSServer {
    public let port: UInt16
    private let process: Process
    private let directory: String

    public init(files: [String: String] = [:]) throws {
        directory = TestPaths.temporaryDirectory("tidings-tls")
        try Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                                         "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"])
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        port = try Loopback.freePort()
        // -WWW serves files from the working directory.
        let serve = "cd '\(directory)' && exec /usr/bin/openssl s_server -accept 127.0.0.1:\(port) -cert cert.pem -key key.pem "
            + (files.isEmpty ? "-www" : "-WWW") + " -quiet"
        process = try QuietProcess.start("/bin/sh", ["-c", serve])
        try waitUntilListening()
    }

    deinit {
        // s_server outlives SIGTERM; SIGKILL it, so waiting cannot spin forever.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public var baseURL: String { "https://127.0.0.1:\(port)" }
    public var certificatePath: String { directory + "/cert.pem" }

    public func stop() {
        kill(process.processIdentifier, SIGKILL)
    }

    private func waitUntilListening() throws {
        for _ in 0..<100 {
            if Loopback.canConnect(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestServerError("openssl s_server did not start")
    }

    private static func run(_ path: String, _ arguments: [String]) throws {
        let p = try QuietProcess.start(path, arguments)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestServerError("\(path) failed") }
    }

}
