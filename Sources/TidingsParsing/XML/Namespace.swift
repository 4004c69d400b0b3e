/// Canonical tokens for the namespaces feed readers care about. Feeds spell
/// URIs loosely (case, trailing slash, old versions), so matching goes
/// through this table, as feedparser's does; unknown URIs pass through as is.
enum Namespace {
    static let none = ""
    static let atom = "atom"
    static let atom03 = "atom03"
    static let rdf = "rdf"
    static let rss10 = "rss10"
    static let rss090 = "rss090"
    static let dc = "dc"
    static let content = "content"
    static let media = "media"
    static let itunes = "itunes"
    static let xhtml = "xhtml"
    static let xml = "xml"
    static let slash = "slash"
    static let wfw = "wfw"
    static let googleplay = "googleplay"
    static let sy = "sy"

    /// RSS core elements: no namespace, or the RSS 1.0 / 0.90 / userland ones.
    static let rssCore: [String] = [none, rss10, rss090, "rss20"]
    static let anyAtom: [String] = [atom, atom03]

    private static let byURI: [String: String] = [
        "http://www.w3.org/2005/atom": atom,
        "http://purl.org/atom/ns#": atom03,
        "http://purl.org/atom/ns": atom03,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#": rdf,
        "http://purl.org/rss/1.0/": rss10,
        "http://purl.org/rss/1.0": rss10,
        "http://my.netscape.com/rdf/simple/0.9/": rss090,
        "http://backend.userland.com/rss2": "rss20",
        "http://blogs.law.harvard.edu/tech/rss": "rss20",
        "http://purl.org/dc/elements/1.1/": dc,
        "http://purl.org/dc/elements/1.0/": dc,
        "http://purl.org/dc/terms/": dc,
        "http://purl.org/rss/1.0/modules/content/": content,
        "http://search.yahoo.com/mrss/": media,
        "http://search.yahoo.com/mrss": media,
        "http://video.search.yahoo.com/mrss": media,
        "http://www.itunes.com/dtds/podcast-1.0.dtd": itunes,
        "http://example.com/dtds/podcast-1.0.dtd": itunes,
        "http://www.w3.org/1999/xhtml": xhtml,
        "http://www.w3.org/xml/1998/namespace": xml,
        "http://purl.org/rss/1.0/modules/slash/": slash,
        "http://wellformedweb.org/commentapi/": wfw,
        "http://www.google.com/schemas/play-podcasts/1.0": googleplay,
        "http://purl.org/rss/1.0/modules/syndication/": sy,
    ]

    /// Prefixes used without a declaration are common enough (`dc:creator`
    /// in hand-written RSS) that the usual ones get their usual meaning.
    private static let byUndeclaredPrefix: [String: String] = [
        "dc": dc, "dcterms": dc, "content": content, "media": media, "itunes": itunes,
        "atom": atom, "xhtml": xhtml, "rdf": rdf, "slash": slash, "wfw": wfw, "xml": xml, "sy": sy,
    ]

    static func canonical(uri: String) -> String {
        if let known = byURI[uri] { return known }
        return byURI[uri.lowercased()] ?? uri
    }

    static func canonical(undeclaredPrefix prefix: String) -> String {
        byUndeclaredPrefix[prefix.lowercased()] ?? prefix
    }
}
