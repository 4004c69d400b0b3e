/// A person credited for a feed or an article (JSON Feed 1.1 `authors[]`).
public struct Author: Codable, Sendable, Hashable {
    public var name: String?
    public var url: String?
    public var email: String?

    public init(name: String? = nil, url: String? = nil, email: String? = nil) {
        self.name = name
        self.url = url
        self.email = email
    }

    /// An author with no field at all carries nothing worth writing.
    public var isEmpty: Bool { name == nil && url == nil && email == nil }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(url, forKey: .url)
        try c.encode(email, forKey: .email)
    }
}
