/// Feeds an HTML page declares: `<link rel="alternate">` elements whose
/// type is RSS, Atom or JSON Feed (the autodiscovery convention every
/// reader follows), their `href` resolved against the page's `<base>` and
/// URL. Duplicates are dropped; document order is kept.
public enum FeedDiscovery {
    public struct Candidate: Sendable, Hashable {
        public var url: String
        public var title: String?
        public var type: String
    }

    /// Not `application/json`: WordPress declares its REST API with it.
    static let feedTypes: Set<String> = [
        "application/rss+xml", "application/atom+xml", "application/feed+json",
        "application/rdf+xml", "application/x.atom+xml", "application/x-atom+xml", "text/xml", "application/xml",
    ]

    /// The paths tried when a page declares no feed, in this order.
    public static let commonPaths = ["/feed", "/rss", "/atom.xml", "/rss.xml", "/index.xml", "/feed.json"]

    public static func candidates(inHTML bytes: [UInt8], pageURL: String) -> [Candidate] {
        guard let tree = LibXMLTree(html: bytes, url: pageURL) else { return [] }
        let elements = tree.elements()
        let base = elements.first { $0.name.lowercased() == "base" }?.attributes["href"]
            .flatMap { URLResolver.resolve($0, against: pageURL) } ?? pageURL
        var seen = Set<String>()
        var out: [Candidate] = []
        for element in elements where element.name.lowercased() == "link" {
            let rels = (element.attributes["rel"] ?? "").lowercased().split(whereSeparator: \.isWhitespace)
            let type = (element.attributes["type"] ?? "").lowercased()
                .split(separator: ";").first.map { String($0).trimmedOfASCIISpace } ?? ""
            guard rels.contains("alternate"), Self.feedTypes.contains(type),
                  let href = element.attributes["href"]?.trimmedOfASCIISpace, !href.isEmpty,
                  let url = URLResolver.resolve(href, against: base), seen.insert(url).inserted else { continue }
            let title = element.attributes["title"]?.trimmedOfASCIISpace
            out.append(Candidate(url: url, title: title?.isEmpty == true ? nil : title, type: type))
        }
        return out
    }

    /// Whether bytes look like an HTML page rather than a feed.
    public static func looksLikeHTML(_ bytes: [UInt8], contentType: String?) -> Bool {
        if let type = contentType?.lowercased(), type.contains("html") { return true }
        let head = String(decoding: bytes.prefix(1024), as: UTF8.self).lowercased()
        return head.contains("<!doctype html") || head.contains("<html")
    }
}
