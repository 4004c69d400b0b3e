import Foundation

/// OPML subscription lists, both ways. Reading takes OPML 1.0 and 2.0 as
/// newsboat, Miniflux, FreshRSS and most readers export them: every
/// `outline` with an `xmlUrl` is a feed; outlines around it without one
/// are its category (nested ones joined with `/`), else its own
/// `category` attribute (OPML 2.0) names it. Writing gives OPML 2.0 with
/// categories as nested outlines.
public enum OPML {
    public struct Feed: Sendable, Hashable {
        public var url: String
        public var title: String?
        public var homePageURL: String?
        public var category: String?

        public init(url: String, title: String? = nil, homePageURL: String? = nil, category: String? = nil) {
            self.url = url
            self.title = title
            self.homePageURL = homePageURL
            self.category = category
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The feeds of a subscription list: OPML, or plain text with one URL a
    /// line (`URLList`, files beside it found in `directory`). A malformed
    /// OPML file, or a text that is not a list of URLs, is an error as a
    /// whole, so that nothing is half imported.
    public static func read(_ bytes: [UInt8], directory: String? = nil) throws(Failure) -> [Feed] {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self).trimmedOfASCIISpace
        guard text.hasPrefix("<") else {
            do { return try URLList.read(bytes, directory: directory).map { Feed(url: $0) } } catch {
                throw Failure(description: error.description)
            }
        }
        let tree: LibXMLTree
        do { tree = try LibXMLTree(xml: bytes) } catch {
            guard case .malformed(let why) = error else { throw Failure(description: "not OPML") }
            throw Failure(description: "not well-formed OPML: \(why)")
        }
        let elements = tree.elements()
        guard elements.first?.name.lowercased() == "opml" else {
            throw Failure(description: "not OPML: the document is <\(elements.first?.name ?? "?")>")
        }
        var feeds: [Feed] = []
        var folders: [(depth: Int, name: String)] = []
        for element in elements where element.name.lowercased() == "outline" {
            while let last = folders.last, last.depth >= element.depth { folders.removeLast() }
            let a = element.attributes
            let title = (a["title"] ?? a["text"])?.trimmedOfASCIISpace
            guard let url = (a["xmlUrl"] ?? a["xmlurl"])?.trimmedOfASCIISpace, !url.isEmpty else {
                folders.append((element.depth, title ?? ""))
                continue
            }
            let path = folders.map(\.name).filter { !$0.isEmpty }.joined(separator: "/")
            let attribute = a["category"]?.split(separator: ",").first.map { String($0).trimmedOfASCIISpace }
                .map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
            feeds.append(Feed(url: url, title: title?.isEmpty == true ? nil : title,
                              homePageURL: (a["htmlUrl"] ?? a["htmlurl"]).map(\.trimmedOfASCIISpace).flatMap { $0.isEmpty ? nil : $0 },
                              category: path.isEmpty ? (attribute?.isEmpty == false ? attribute : nil) : path))
        }
        return feeds
    }

    /// OPML 2.0: feeds without a category first, then each category as an
    /// outline holding its feeds (a `/` in a category nests outlines).
    public static func write(_ feeds: [Feed], title: String = "Tidings subscriptions", at now: Date = Date()) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0">
              <head>
                <title>\(escape(title))</title>
                <dateCreated>\(httpDate(now))</dateCreated>
              </head>
              <body>

            """
        var open: [String] = []
        let sorted = feeds.sorted { ($0.category ?? "", $0.title ?? $0.url) < ($1.category ?? "", $1.title ?? $1.url) }
        for feed in sorted {
            let path = (feed.category ?? "").split(separator: "/").map { String($0).trimmedOfASCIISpace }.filter { !$0.isEmpty }
            var common = 0
            while common < min(open.count, path.count), open[common] == path[common] { common += 1 }
            while open.count > common {
                open.removeLast()
                out += String(repeating: "  ", count: open.count + 2) + "</outline>\n"
            }
            for name in path[common...] {
                out += String(repeating: "  ", count: open.count + 2) + "<outline text=\"\(escape(name))\" title=\"\(escape(name))\">\n"
                open.append(name)
            }
            let text = escape(feed.title ?? feed.url)
            var line = "<outline type=\"rss\" text=\"\(text)\" title=\"\(text)\" xmlUrl=\"\(escape(feed.url))\""
            if let home = feed.homePageURL { line += " htmlUrl=\"\(escape(home))\"" }
            out += String(repeating: "  ", count: open.count + 2) + line + "/>\n"
        }
        while !open.isEmpty {
            open.removeLast()
            out += String(repeating: "  ", count: open.count + 2) + "</outline>\n"
        }
        return out + "  </body>\n</opml>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                // Characters XML forbids are left out.
                if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func httpDate(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: date)
    }
}
