import ArgumentParser
import Foundation
import TidingsConfiguration
import TidingsFetching
import TidingsStore

/// The settings `add` and `set` share.
struct FeedSettingsOptions: ParsableArguments {
    @Option(help: "The title to show, instead of the feed's own.")
    var title: String?

    @Option(help: "Poll this feed at this interval (900, 15m, 2h, 1d), whatever its publisher says.")
    var interval: String?

    @Option(help: "A category (folder) for the feed; nested ones with '/', as in OPML.")
    var category: String?

    @OptionGroup var request: RequestSettingsOptions

    func validate() throws {
        _ = try seconds()
    }

    func seconds() throws -> Double? {
        guard let interval else { return nil }
        guard let seconds = Duration.seconds(parsing: interval), seconds >= Configuration.shortestPollIntervalSeconds else {
            throw ValidationError("--interval must be a duration of at least a minute, such as 900, 15m or 2h, not \(interval)")
        }
        return seconds
    }

    var settings: TidingsState.Settings {
        get throws {
            TidingsState.Settings(category: category, title: title, intervalSeconds: try seconds(), request: try request.settings)
        }
    }
}

/// How a feed's requests differ from the daemon's: for the site that
/// refuses the default User-Agent, wants a cookie or HTTP/2, has a
/// password, a proxy or its own certificate authority.
struct RequestSettingsOptions: ParsableArguments {
    @Option(name: .customLong("user-agent"), help: "The User-Agent to send instead of Tidings' own.")
    var userAgent: String?

    @Option(name: .customLong("header"), help: ArgumentHelp("A request header, 'Name: value'; repeat for more.", valueName: "header"))
    var headers: [String] = []

    @Option(help: "A Cookie header's value: 'name=value; other=value'.")
    var cookie: String?

    @Option(name: .customLong("http-version"), help: "1.1, or 2 (negotiated over TLS; spoken at once over plain http).")
    var httpVersion: String?

    @Option(name: .customLong("ip-version"), help: "Connect over IPv4 only (4) or IPv6 only (6).")
    var ipVersion: String?

    @Option(name: .customLong("ca-file"), help: "A PEM file of certificate authorities to trust for this feed.")
    var caFile: String?

    @Flag(name: .customLong("insecure-tls"), help: "Do not check this feed's certificate (logged at every poll).")
    var insecureTLS = false

    @Option(help: "The user name for HTTP basic authentication (with --password-file).")
    var username: String?

    @Option(name: .customLong("password-file"),
            help: "A file holding the password (mode 0600), or credential:NAME for a systemd credential.")
    var passwordFile: String?

    @Option(name: .customLong("bearer-token-file"),
            help: "A file holding a bearer token (Authorization: Bearer), or credential:NAME.")
    var bearerTokenFile: String?

    @Option(help: "The proxy for this feed: http://, https://, socks5:// or socks5h:// (names resolved by the proxy).")
    var proxy: String?

    @Flag(name: .customLong("no-proxy"), help: "Connect directly, whatever fetch.proxy and the environment say.")
    var noProxy = false

    func validate() throws {
        _ = try settings
    }

    var isEmpty: Bool { (try? settings) == nil }

    /// The settings given, checked; nil when none was given.
    var settings: FeedRequestSettings? {
        get throws {
            var s = FeedRequestSettings()
            s.userAgent = userAgent
            for header in headers {
                guard let colon = header.firstIndex(of: ":"), !header[..<colon].trimmingCharacters(in: .whitespaces).isEmpty,
                      !header.contains("\n"), !header.contains("\r") else {
                    throw ValidationError("--header takes 'Name: value', on one line")
                }
            }
            s.headers = headers.isEmpty ? nil : headers
            s.cookie = cookie
            if let httpVersion, RequestOptions.HTTPVersion(rawValue: httpVersion) == nil {
                throw ValidationError("--http-version is 1.1 or 2, not \(httpVersion)")
            }
            s.httpVersion = httpVersion
            if let ipVersion, RequestOptions.IPVersion(rawValue: ipVersion) == nil {
                throw ValidationError("--ip-version is 4 or 6, not \(ipVersion)")
            }
            s.ipVersion = ipVersion
            s.caFile = try caFile.map { try Self.existingFile($0, "--ca-file") }
            s.insecureTLS = insecureTLS ? true : nil
            if passwordFile != nil, bearerTokenFile != nil {
                throw ValidationError("--password-file and --bearer-token-file exclude each other")
            }
            if username != nil, passwordFile == nil { throw ValidationError("--username goes with --password-file") }
            s.username = username
            s.passwordFile = try passwordFile.map { try Self.secretFile($0, "--password-file") }
            s.bearerTokenFile = try bearerTokenFile.map { try Self.secretFile($0, "--bearer-token-file") }
            if proxy != nil, noProxy { throw ValidationError("--proxy and --no-proxy exclude each other") }
            if let proxy, !FetchPolicy.isProxyURL(proxy) {
                throw ValidationError("--proxy takes a proxy URL (http://, https://, socks5://, socks5h://), not "
                                      + FeedRequestSettings.redactingUserInfo(proxy))
            }
            s.proxy = proxy
            s.proxyDisabled = noProxy ? true : nil
            return s.isEmpty ? nil : s
        }
    }

    /// An absolute path to a file that exists: the daemon reads it later,
    /// from its own working directory.
    static func existingFile(_ path: String, _ option: String) throws -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard FileManager.default.isReadableFile(atPath: absolute) else {
            throw ValidationError("\(option): cannot read \(absolute)")
        }
        return (absolute as NSString).standardizingPath
    }

    /// A secret's file (checked readable, and warned about when others
    /// may read it), or a systemd credential named as `credential:NAME`.
    static func secretFile(_ reference: String, _ option: String) throws -> String {
        if reference.hasPrefix(CredentialFiles.credentialPrefix) {
            let name = reference.dropFirst(CredentialFiles.credentialPrefix.count)
            guard !name.isEmpty, !name.contains("/") else { throw ValidationError("\(option): credential:NAME needs a plain name") }
            return reference
        }
        let path = try existingFile(reference, option)
        if CredentialFiles.isReadableByOthers(path) {
            warn("\(path) can be read by other users; chmod 600 it")
        }
        return path
    }
}
