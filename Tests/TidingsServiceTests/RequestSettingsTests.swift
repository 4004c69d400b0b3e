import Foundation
import Testing
import TidingsModel
import TidingsStore
import TidingsTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Feeds as people really follow them, through the built executables: a
/// site that refuses the default User-Agent, one behind a password or a
/// token, one that needs a cookie and a header; secrets that never show.
@Suite(.timeLimit(.minutes(3))) struct RequestSettingsTests {
    static let password = "pw-Secret-7f3a9c1e"
    static let urlPassword = "url-Secret-52b8d0aa"
    static let token = "tok-Secret-e91c44d2"

    static func rss(_ title: String) -> String { OperatorCLITests.rss(title) }

    /// Each feed wants something of its request, and answers 401 or 403 without it.
    static func site(_ r: TestRequest) -> TestResponse {
        func basic(_ user: String, _ password: String) -> String {
            "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        switch r.path {
        case "/picky.xml":
            // Refuses the default User-Agent, wants a header and a cookie.
            guard r.headers["user-agent"] == "Mozilla/5.0 (Tidings test)" else { return .status(403) }
            guard r.headers["x-feed-key"] == "k1", r.headers["cookie"] == "consent=yes; region=eu" else { return .status(403) }
            return .ok(rss("Picky"))
        case "/private.xml":
            guard r.headers["authorization"] == basic("reader", password) else {
                return .status(401, headers: [("WWW-Authenticate", "Basic realm=\"feeds\"")])
            }
            return .ok(rss("Private"))
        case "/inline.xml", "/inline.xml?from-list":
            guard r.headers["authorization"] == basic("inline", urlPassword) else {
                return .status(401, headers: [("WWW-Authenticate", "Basic realm=\"feeds\"")])
            }
            return .ok(rss("Inline"))
        case "/token.json":
            guard r.headers["authorization"] == "Bearer " + token else { return .status(401) }
            return .ok(#"{"version":"https://jsonfeed.org/version/1.1","title":"Token","items":[{"id":"t1","title":"T one","content_text":"x"}]}"#,
                       type: "application/feed+json")
        default: return .status(404)
        }
    }

    struct Outputs {
        var texts: [String] = []
        mutating func add(_ run: CommandLineTests.Run) -> CommandLineTests.Run {
            texts += [run.out, run.err]
            return run
        }
    }

    @Test func settingsReachTheServerAndSecretsNeverShow() throws {
        let server = try TestHTTPServer(handler: Self.site)
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-request")
        let state = root + "/state", out = root + "/out"
        let base = server.baseURL
        try Self.password.write(toFile: root + "/password", atomically: true, encoding: .utf8)
        chmod(root + "/password", 0o600)
        try FileManager.default.createDirectory(atPath: root + "/credentials", withIntermediateDirectories: true)
        try (Self.token + "\n").write(toFile: root + "/credentials/feed-token", atomically: true, encoding: .utf8)
        var outputs = Outputs()
        func tidings(_ arguments: [String], environment: [String: String?] = [:]) throws -> CommandLineTests.Run {
            outputs.add(try RealFeedsSupport.run(CommandLineTests.cli, arguments + ["--state-dir", state], environment: environment))
        }

        // Without its settings the picky feed is refused, and the reason said.
        let refused = try tidings(["add", base + "/picky.xml"])
        #expect(refused.status == 1 && refused.err.contains("http 403"), "\(refused.err)")
        let picky = try tidings(["add", base + "/picky.xml", "--user-agent", "Mozilla/5.0 (Tidings test)",
                                 "--header", "X-Feed-Key: k1", "--cookie", "consent=yes; region=eu"])
        #expect(picky.status == 0 && picky.out.contains("Picky (3 items)"), "\(picky.err)")

        // Basic with a password file; a password inside the URL; a bearer
        // token as a systemd credential, which `add` cannot read here.
        let privateFeed = try tidings(["add", base + "/private.xml", "--username", "reader", "--password-file", root + "/password"])
        #expect(privateFeed.status == 0 && privateFeed.out.contains("Private (3 items)"), "\(privateFeed.err)")
        let inlineURL = base.replacingOccurrences(of: "http://", with: "http://inline:\(Self.urlPassword)@") + "/inline.xml"
        let inline = try tidings(["add", inlineURL])
        #expect(inline.status == 0 && inline.out.contains("Inline (3 items)") && inline.out.contains(base + "/inline.xml"),
                "\(inline.err)")
        let token = try tidings(["add", base + "/token.json", "--bearer-token-file", "credential:feed-token"],
                                environment: ["CREDENTIALS_DIRECTORY": nil])
        #expect(token.status == 0 && token.err.contains("$CREDENTIALS_DIRECTORY is not set"), "\(token.err)")

        // The password moved out of the URL into a file only its owner reads.
        let inlineID = ArticleIdentity.feedID(forURL: base + "/inline.xml")
        var info = stat()
        #expect(stat(state + "/credentials/\(inlineID).password", &info) == 0 && info.st_mode & 0o777 == 0o600)

        // A list with a password in a URL: imported without it.
        let listed = inlineURL + "?from-list"
        try (listed + "\n").write(toFile: root + "/list.txt", atomically: true, encoding: .utf8)
        let imported = try tidings(["import", root + "/list.txt"])
        #expect(imported.status == 0, "\(imported.err)")

        // The daemon, as systemd runs it with LoadCredential=.
        let daemon = outputs.add(try RealFeedsSupport.run(CommandLineTests.daemon, [
            "--once", "--verbose", "--state-dir", state, "--output-dir", out,
        ], environment: ["CREDENTIALS_DIRECTORY": root + "/credentials"]))
        #expect(daemon.status == 0, "\(daemon.err)")
        let records = try TidingsState(stateDirectory: state, readOnly: true).all()
        #expect(records.count == 5 && records.allSatisfy { $0.lastResult == "ok" }, "\(records.map { ($0.url, $0.lastError) })")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/articles").count >= 1)

        // Everything an operator looks at.
        let privateID = ArticleIdentity.feedID(forURL: base + "/private.xml")
        let detail = try tidings(["status", privateID])
        #expect(detail.out.contains("credentials") && detail.out.contains("password from \(root)/password"), "\(detail.out)")
        let pickyDetail = try tidings(["status", base + "/picky.xml"])
        #expect(pickyDetail.out.contains("Mozilla/5.0 (Tidings test)") && pickyDetail.out.contains("X-Feed-Key: k1"))
        #expect(pickyDetail.out.contains("consent=***; region=***"), "\(pickyDetail.out)")
        for arguments in [["status"], ["status", "--json"], ["list"], ["list", "--json"], ["export"], ["status", inlineID]] {
            #expect(try tidings(arguments).status == 0, "\(arguments)")
        }
        _ = outputs.add(try RealFeedsSupport.run(CommandLineTests.daemon, ["--print-config", "--state-dir", state]))
        _ = try tidings(["tail", "--output-dir", out])

        // A wrong password: the failure is recorded, the password is not.
        try "not-the-password".write(toFile: root + "/password", atomically: true, encoding: .utf8)
        _ = try tidings(["poll", privateID])
        _ = outputs.add(try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--verbose", "--state-dir", state,
                                                                           "--output-dir", out]))
        #expect(try TidingsState(stateDirectory: state, readOnly: true).find(privateID)?.lastResult == "http 401")
        try Self.password.write(toFile: root + "/password", atomically: true, encoding: .utf8)
        // Another file for the same user: --password-file alone keeps the user name.
        try Self.password.write(toFile: root + "/password2", atomically: true, encoding: .utf8)
        chmod(root + "/password2", 0o600)
        #expect(try tidings(["set", privateID, "--password-file", root + "/password2"]).status == 0)
        let moved = try tidings(["status", privateID])
        #expect(moved.out.contains("basic, user reader, password from \(root)/password2"), "\(moved.out)")

        // Every byte the programs wrote: what they printed, the state, the
        // output (the credential file the password was moved to aside).
        var written = outputs.texts.joined(separator: "\n")
        for directory in [state, out] {
            for file in RealFeedsSupport.files(under: directory) where !file.hasPrefix(state + "/credentials/") {
                written += String(decoding: (FileManager.default.contents(atPath: file) ?? Data()), as: UTF8.self)
            }
        }
        #expect(written.count > 10_000)
        for secret in [Self.password, Self.urlPassword, Self.token] {
            #expect(!written.contains(secret), "\(secret) was written")
            let encoded = Data("reader:\(secret)".utf8).base64EncodedString()
            #expect(!written.contains(encoded))
        }
    }

    @Test func insecureTLSIsOneFeedsLoggedChoice() throws {
        let server = try SelfSignedTLSServer(files: ["feed.xml": Self.rss("Self-signed")])
        defer { server.stop() }
        let root = TestPaths.temporaryDirectory("tidings-tls")
        let state = root + "/state"
        let url = "https://127.0.0.1:\(server.port)/feed.xml"
        let strict = try RealFeedsSupport.run(CommandLineTests.cli, ["add", url, "--state-dir", state])
        #expect(strict.status == 1 && strict.err.contains("tls"), "\(strict.err)")
        let added = try RealFeedsSupport.run(CommandLineTests.cli, ["add", url, "--insecure-tls", "--state-dir", state])
        #expect(added.status == 0, "\(added.err)")
        let daemon = try RealFeedsSupport.run(CommandLineTests.daemon, ["--once", "--state-dir", state, "--output-dir", root + "/out"])
        #expect(daemon.status == 0)
        #expect(daemon.err.contains("certificates not checked for this feed"), "\(daemon.err)")
        let detail = try RealFeedsSupport.run(CommandLineTests.cli, ["status", url, "--state-dir", state])
        #expect(detail.out.contains("INSECURE"))
        // The CA file instead: the server's own certificate, trusted for this feed alone.
        let state2 = root + "/state2"
        let trusted = try RealFeedsSupport.run(CommandLineTests.cli, ["add", url, "--ca-file", server.certificatePath,
                                                                      "--state-dir", state2])
        #expect(trusted.status == 0, "\(trusted.err)")
    }
}

enum RealFeedsSupport {
    static func run(_ executable: String, _ arguments: [String], environment: [String: String?] = [:],
                    stdinFile: String? = nil) throws -> CommandLineTests.Run {
        let directory = TestPaths.temporaryDirectory("tidings-run")
        let usage = try ChildProcess.spawn(executable, arguments, stdin: stdinFile, stdout: directory + "/out",
                                           stderr: directory + "/err", environment: environment).wait()
        return CommandLineTests.Run(status: usage.status, out: try String(contentsOfFile: directory + "/out", encoding: .utf8),
                                    err: try String(contentsOfFile: directory + "/err", encoding: .utf8))
    }

    static func files(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { $0 as? String }.map { directory + "/" + $0 }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }
}
