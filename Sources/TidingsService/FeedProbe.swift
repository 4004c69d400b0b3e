import Foundation
import TidingsFetching
import TidingsModel
import TidingsParsing

/// What `tidings add` finds at a URL a person pasted, fetched through the
/// daemon's own engine (its limits, its User-Agent): a feed; a page that
/// declares feeds (autodiscovery, then the common paths when it declares
/// none); or the reason it is neither.
public struct FeedProbe: Sendable {
    let client: HTTPClient
    let maximumDocumentBytes: Int
    /// The feed's own request settings (`tidings add --user-agent …`).
    let options: RequestOptions

    public init(client: HTTPClient, maximumDocumentBytes: Int, options: RequestOptions = RequestOptions()) {
        self.client = client
        self.maximumDocumentBytes = maximumDocumentBytes
        self.options = options
    }

    public struct Feed: Sendable, Hashable {
        public var url: String
        public var title: String?
        public var homePageURL: String?
        public var items: Int
        public var format: String
    }

    public enum Finding: Sendable, Hashable {
        case feed(Feed)
        /// A page declaring several feeds: the person picks.
        case choices([FeedDiscovery.Candidate])
        /// Nothing to follow, and why, in words.
        case nothing(String)
    }

    public func probe(_ url: String) async -> Finding {
        let response: FetchResponse
        switch await fetch(url, operatorGiven: true) {
        case .failure(let why): return .nothing(why.description)
        case .success(let r): response = r
        }
        let parsed = parse(response)
        if case .success(let document) = parsed { return .feed(feed(url, document)) }
        guard FeedDiscovery.looksLikeHTML(response.body, contentType: response.contentType) else {
            if case .failure(let error) = parsed { return .nothing(error.description) }
            return .nothing("not a feed")
        }
        // A page may not point the daemon at this machine's files: only
        // the operator's own `add` or `--feeds` names a local document.
        let declared = FeedDiscovery.candidates(inHTML: response.body, pageURL: response.finalURL)
            .filter { ["http", "https"].contains(URLComponents(string: $0.url)?.scheme?.lowercased() ?? "") }
        switch declared.count {
        case 0:
            return await commonPath(near: response.finalURL)
                ?? .nothing("an HTML page that declares no feed, and none of \(FeedDiscovery.commonPaths.joined(separator: ", ")) is one")
        case 1:
            switch await probeFeed(declared[0].url) {
            case .success(let feed): return .feed(feed)
            case .failure(let why): return .nothing("the page declares \(declared[0].url), but it is \(why)")
            }
        default:
            return .choices(declared)
        }
    }

    /// A URL that must be a feed itself (a candidate the page declared).
    public func probeFeed(_ url: String) async -> Result<Feed, ProbeFailure> {
        switch await fetch(url, operatorGiven: false) {
        case .failure(let why): return .failure(why)
        case .success(let response):
            switch parse(response) {
            case .success(let document): return .success(feed(url, document))
            case .failure(let error): return .failure(ProbeFailure(error.description))
            }
        }
    }

    public struct ProbeFailure: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ d: String) { description = d }
    }

    private func fetch(_ url: String, operatorGiven: Bool) async -> Result<FetchResponse, ProbeFailure> {
        if !operatorGiven, url.lowercased().hasPrefix("file:") {
            return .failure(ProbeFailure("refused: \(url) is a local file, which only the operator may name"))
        }
        do {
            let r = try await client.fetch(FetchRequest(url: url, allowFileScheme: operatorGiven && url.lowercased().hasPrefix("file:"),
                                                        options: options))
            guard r.isSuccess else { return .failure(ProbeFailure("http \(r.status)")) }
            return .success(r)
        } catch {
            return .failure(ProbeFailure(error.description))
        }
    }

    private func parse(_ response: FetchResponse) -> Result<FeedDocument, ParseError> {
        Result { () throws(ParseError) in
            try FeedParser.parse(response.body, url: response.finalURL, charset: response.charset,
                                 maximumBytes: maximumDocumentBytes)
        }
    }

    private func feed(_ url: String, _ document: FeedDocument) -> Feed {
        Feed(url: url, title: document.title, homePageURL: document.homePageURL, items: document.entries.count,
             format: document.format)
    }

    /// The first of the common feed paths on the page's site that is a feed.
    private func commonPath(near page: String) async -> Finding? {
        guard let parts = URLComponents(string: page), let scheme = parts.scheme, let host = parts.host else { return nil }
        let origin = "\(scheme)://\(host)" + (parts.port.map { ":\($0)" } ?? "")
        for path in FeedDiscovery.commonPaths {
            if case .success(let feed) = await probeFeed(origin + path) { return .feed(feed) }
        }
        return nil
    }
}
