import Foundation

/// One item of a feed as the parser understood it: every article field that
/// comes from the document itself. `Article` adds identity and bookkeeping.
public struct Entry: Codable, Sendable, Hashable {
    /// The entry's own identifier: RSS `guid`, Atom `id`, JSON Feed `id`.
    public var guid: String?
    public var url: String?
    public var externalURL: String?
    public var title: String?
    public var summary: String?
    public var contentHTML: String?
    public var contentText: String?
    public var image: String?
    public var datePublished: Date?
    public var dateModified: Date?
    public var authors: [Author]
    public var tags: [String]
    public var language: String?
    public var attachments: [Attachment]

    public init(guid: String? = nil, url: String? = nil, externalURL: String? = nil,
                title: String? = nil, summary: String? = nil, contentHTML: String? = nil,
                contentText: String? = nil, image: String? = nil, datePublished: Date? = nil,
                dateModified: Date? = nil, authors: [Author] = [], tags: [String] = [],
                language: String? = nil, attachments: [Attachment] = []) {
        self.guid = guid
        self.url = url
        self.externalURL = externalURL
        self.title = title
        self.summary = summary
        self.contentHTML = contentHTML
        self.contentText = contentText
        self.image = image
        self.datePublished = datePublished
        self.dateModified = dateModified
        self.authors = authors
        self.tags = tags
        self.language = language
        self.attachments = attachments
    }

    enum CodingKeys: String, CodingKey {
        case url, title, summary, image, authors, tags, language, attachments
        case externalURL = "external_url"
        case contentHTML = "content_html"
        case contentText = "content_text"
        case datePublished = "date_published"
        case dateModified = "date_modified"
    }

    /// Writes every key, null when unknown, so that `jq` users see the whole
    /// shape on every article. `guid` is not an item key: `Article` puts it
    /// under `_tidings`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(externalURL, forKey: .externalURL)
        try c.encode(title, forKey: .title)
        try c.encode(summary, forKey: .summary)
        try c.encode(contentHTML, forKey: .contentHTML)
        try c.encode(contentText, forKey: .contentText)
        try c.encode(image, forKey: .image)
        try c.encode(datePublished.map(Timestamp.format), forKey: .datePublished)
        try c.encode(dateModified.map(Timestamp.format), forKey: .dateModified)
        try c.encode(authors, forKey: .authors)
        try c.encode(tags, forKey: .tags)
        try c.encode(language, forKey: .language)
        try c.encode(attachments, forKey: .attachments)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        externalURL = try c.decodeIfPresent(String.self, forKey: .externalURL)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        summary = try c.decodeIfPresent(String.self, forKey: .summary)
        contentHTML = try c.decodeIfPresent(String.self, forKey: .contentHTML)
        contentText = try c.decodeIfPresent(String.self, forKey: .contentText)
        image = try c.decodeIfPresent(String.self, forKey: .image)
        datePublished = try c.decodeIfPresent(String.self, forKey: .datePublished).flatMap(Timestamp.parse)
        dateModified = try c.decodeIfPresent(String.self, forKey: .dateModified).flatMap(Timestamp.parse)
        authors = try c.decodeIfPresent([Author].self, forKey: .authors) ?? []
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
        language = try c.decodeIfPresent(String.self, forKey: .language)
        attachments = try c.decodeIfPresent([Attachment].self, forKey: .attachments) ?? []
        guid = nil
    }
}
