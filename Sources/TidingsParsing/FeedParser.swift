import TidingsModel

/// Bytes in, `FeedDocument` out: the one entry point of the parsing layer.
/// The format is detected from the document itself, never from a file name
/// or Content-Type.
public enum FeedParser {
    /// Documents larger than this are refused before any parsing work.
    public static let defaultMaximumBytes = 32 << 20

    /// - Parameters:
    ///   - url: where the document came from; the base for relative links.
    ///   - charset: the charset parameter of the HTTP Content-Type, if any.
    public static func parse(_ bytes: [UInt8], url: String? = nil, charset: String? = nil,
                             maximumBytes: Int = defaultMaximumBytes) throws(ParseError) -> FeedDocument {
        guard bytes.count <= maximumBytes else { throw .tooLarge(limit: maximumBytes) }
        _ = LibXML2Setup.ready
        if looksLikeJSON(bytes) { return try JSONFeedReader.read(bytes, base: url) }
        let decoded = ForbiddenCharacters.remove(DocumentDecoder.decode(bytes, httpCharset: charset))
        let root = try XMLTreeBuilder.parse(utf8: AmpersandRepair.repair(decoded), base: url)
        if url == nil || url?.lowercased().hasPrefix("file:") == true {
            // A document read from disk has no web address of its own: resolve
            // its relative links against the site it says it belongs to.
            let channel = root.first("channel", in: Namespace.rssCore)
            if let site = channel?.coreLink() ?? AtomReader.link(root, rel: "alternate"),
               site.lowercased().hasPrefix("http") {
                root.document.rebase(to: site)
            }
        }
        var document: FeedDocument
        switch (root.name.lowercased(), root.namespace) {
        case ("rss", let ns) where !Namespace.rssCore.contains(ns):
            root.document.adopt(namespace: ns, as: Namespace.none)
            document = RSSReader.read(root, format: "rss" + (root.attribute("version") ?? "").filter(\.isNumber))
        case ("rss", _):
            let version = root.attribute("version") ?? "2.0"
            document = RSSReader.read(root, format: "rss" + version.filter(\.isNumber))
        case ("rdf", Namespace.rdf), ("rdf", _):
            let is090 = root.first("channel", in: Namespace.rss090) != nil
            document = RSSReader.read(root, format: is090 ? "rss090" : "rss10")
        case ("channel", _):
            document = RSSReader.read(root, format: "rss")
        case ("feed", Namespace.atom03):
            document = AtomReader.read(root, format: "atom03")
        case ("feed", let ns) where ns != Namespace.atom:
            root.document.adopt(namespace: ns, as: Namespace.atom)
            document = AtomReader.read(root, format: root.attribute("version") == "0.3" ? "atom03" : "atom10")
        case ("feed", _):
            document = AtomReader.read(root, format: root.attribute("version") == "0.3" ? "atom03" : "atom10")
        case ("html", _), ("xhtml", _):
            throw .notAFeed("an HTML page")
        default:
            throw .notAFeed("an XML document whose root element is <\(root.name)>")
        }
        return document
    }

    private static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        return i < bytes.count && bytes[i] == UInt8(ascii: "{")
    }
}
