/// A file that goes with an article: an enclosure, a Media RSS item (JSON Feed 1.1 `attachments[]`).
public struct Attachment: Codable, Sendable, Hashable {
    public var url: String
    public var mimeType: String?
    public var sizeInBytes: Int64?
    public var title: String?
    public var durationInSeconds: Double?

    public init(url: String, mimeType: String? = nil, sizeInBytes: Int64? = nil,
                title: String? = nil, durationInSeconds: Double? = nil) {
        self.url = url
        self.mimeType = mimeType
        self.sizeInBytes = sizeInBytes
        self.title = title
        self.durationInSeconds = durationInSeconds
    }

    enum CodingKeys: String, CodingKey {
        case url, title
        case mimeType = "mime_type"
        case sizeInBytes = "size_in_bytes"
        case durationInSeconds = "duration_in_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(mimeType, forKey: .mimeType)
        try c.encode(sizeInBytes, forKey: .sizeInBytes)
        try c.encode(title, forKey: .title)
        try c.encode(durationInSeconds, forKey: .durationInSeconds)
    }
}
