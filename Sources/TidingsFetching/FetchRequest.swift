/// One conditional GET: the URL and the validators remembered from last time.
public struct FetchRequest: Sendable, Hashable {
    public var url: String
    public var etag: String?
    public var lastModified: String?
    /// A `file:` URL is read only when the feed itself was configured as one;
    /// redirects never lead to `file:` whatever this says.
    public var allowFileScheme: Bool
    /// The feed's own request settings, secrets and proxy decided.
    public var options: RequestOptions

    public init(url: String, etag: String? = nil, lastModified: String? = nil, allowFileScheme: Bool = false,
                options: RequestOptions = RequestOptions()) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.allowFileScheme = allowFileScheme
        self.options = options
    }
}

/// What came back. Any HTTP status is a response, not an error: the caller
/// decides what a 410 or a 429 means for its feed.
public struct FetchResponse: Sendable, Hashable {
    public var status: Int
    public var body: [UInt8]
    public var etag: String?
    public var lastModified: String?
    public var contentType: String?
    public var retryAfter: String?
    public var cacheControl: String?
    public var expires: String?
    /// The URL the body finally came from, after redirects.
    public var finalURL: String
    /// Every redirect followed, in order.
    public var redirects: [Redirect]

    public struct Redirect: Sendable, Hashable {
        public var status: Int
        public var location: String
    }

    public var isNotModified: Bool { status == 304 }
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The charset parameter of Content-Type, for the parser.
    public var charset: String? {
        guard let type = contentType?.lowercased(), let r = type.range(of: "charset=") else { return nil }
        let value = type[r.upperBound...].prefix { $0 != ";" && $0 != " " }
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        return trimmed.isEmpty ? nil : trimmed
    }

    /// True when every redirect was permanent (301/308): the feed has moved.
    public var isPermanentMove: Bool {
        !redirects.isEmpty && redirects.allSatisfy { $0.status == 301 || $0.status == 308 }
    }
}

import Foundation
