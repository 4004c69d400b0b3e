/// Documents nested a million levels deep in each place a feed can nest,
/// each with a second, ordinary item after the deep one (guids `deep` and
/// `after`). The parser's tests parse them in process; the CLI's tests run
/// `tidings parse` on them to bound time and memory.
public enum HostileDocuments {
    public static let nestingDepth = 1_000_000

    public static func rssDescriptionNestedXML(depth: Int) -> [UInt8] {
        rss(item: "<description>" + String(repeating: "<div>", count: depth) + "deepest"
            + String(repeating: "</div>", count: depth) + "</description>")
    }

    public static func rssDescriptionNestedEscapedHTML(depth: Int) -> [UInt8] {
        rss(item: "<description>" + String(repeating: "&lt;div&gt;", count: depth) + "deepest</description>")
    }

    public static func rssNestedCategories(depth: Int) -> [UInt8] {
        rss(item: String(repeating: "<i:category text=\"c\">", count: depth) + String(repeating: "</i:category>", count: depth))
    }

    public static func atomNestedXHTML(depth: Int) -> [UInt8] {
        let content = "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
            + String(repeating: "<b>", count: depth) + "deepest" + String(repeating: "</b>", count: depth) + "</div></content>"
        return Array(("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>"
            + "<entry><id>deep</id><title>deep</title>\(content)</entry>"
            + "<entry><id>after</id><title>after</title></entry></feed>").utf8)
    }

    public static func jsonFeedNested(depth: Int) -> [UInt8] {
        Array(("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{\"id\":\"1\",\"x\":"
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}]}").utf8)
    }

    private static func rss(item: String) -> [UInt8] {
        Array(("<rss version=\"2.0\" xmlns:i=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><channel><title>t</title>"
            + "<item><guid>deep</guid><title>deep</title>\(item)</item>"
            + "<item><guid>after</guid><title>after</title></item></channel></rss>").utf8)
    }
}
