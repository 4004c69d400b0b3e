import Foundation
import TidingsConfiguration
import TidingsFetching
import TidingsStore

extension RequestOptions {
    /// The process's environment (proxies, `$CREDENTIALS_DIRECTORY`), read
    /// once: `ProcessInfo.environment` builds a dictionary from `environ`
    /// at every call, which was a third of an idle poll's CPU.
    public static let processEnvironment = ProcessInfo.processInfo.environment

    /// A feed's request as its settings, the configuration and the
    /// environment make it: secrets read from their files now (a rotated
    /// password is used at the next poll), the proxy decided
    /// (`ProxyChoice`). Throws when a secret cannot be read; the message
    /// names the file, never its content.
    public static func forFeed(_ url: String, settings: FeedRequestSettings?, policy: FetchPolicy,
                               environment: [String: String] = processEnvironment)
        throws(CredentialFiles.Failure) -> RequestOptions {
        var options = RequestOptions()
        let s = settings ?? FeedRequestSettings()
        options.userAgent = s.userAgent
        options.headers = s.headers ?? []
        options.cookie = s.cookie
        options.httpVersion = s.httpVersion.flatMap(HTTPVersion.init(rawValue:))
        options.ipVersion = s.ipVersion.flatMap(IPVersion.init(rawValue:))
        options.caFile = s.caFile
        options.insecureTLS = s.insecureTLS ?? false
        if let file = s.bearerTokenFile {
            options.credentials = .bearer(token: try CredentialFiles.read(file, environment: environment))
        } else if let file = s.passwordFile {
            options.credentials = .basic(username: s.username ?? "", password: try CredentialFiles.read(file, environment: environment))
        }
        let choice: ProxyChoice = s.proxyDisabled == true ? .direct : s.proxy.map { .url($0) } ?? .inherited
        options.proxy = choice.proxy(for: url, configured: policy.proxy, environment: environment)
        return options
    }
}
