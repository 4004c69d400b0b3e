import Foundation
import TidingsModel

/// RSS 0.90, 0.91 (Netscape and Userland), 0.92, 0.93/0.94, 1.0 (RDF) and 2.0.
/// The versions differ in what is optional, not in what the elements mean,
/// so one reader serves them all; core elements may be in no namespace or in
/// the RSS 1.0 / 0.90 namespace.
enum RSSReader {
    static func read(_ root: XMLElement, format: String) -> FeedDocument {
        let channel = root.first("channel", in: Namespace.rssCore) ?? root
        var feed = FeedDocument(format: format)
        feed.title = (channel.core("title") ?? channel.first("title", in: Namespace.dc)).map(PlainText.line)
        feed.homePageURL = channel.coreLink() ?? ExtensionModules.atomLink(channel, rel: "alternate")
        feed.feedURL = ExtensionModules.atomLink(channel, rel: "self")
        feed.description = (channel.core("description") ?? channel.first("description", in: Namespace.dc)
            ?? channel.first("summary", in: Namespace.itunes) ?? channel.first("subtitle", in: Namespace.itunes))
            .map(PlainText.block)
        feed.language = channel.core("language")?.trimmedText ?? ExtensionModules.language(channel)
            ?? channel.language ?? root.language
        let image = channel.core("image") ?? root.first("image", in: Namespace.rssCore)
        feed.icon = image.flatMap { $0.resolve($0.core("url")?.trimmedText) } ?? ExtensionModules.image(channel)
        var authors: [Author] = []
        for name in ["managingeditor", "author"] {
            if let text = channel.core(name)?.trimmedText, let a = PersonParser.parse(text) { authors.append(a) }
        }
        authors += ExtensionModules.people(channel)
        feed.authors = EntryCompletion.unique(authors)

        feed.updateHint = updateHint(channel)

        var items = Self.items(in: channel)
        if channel != root {
            items += root.elements.filter { $0.isNamed("item") && Namespace.rssCore.contains($0.namespace) }
        }
        feed.entries = items.map { entry(from: $0, feed: feed) }
        return feed
    }

    /// The channel's items in document order, with those that a channel
    /// element left open swallowed (an `<itunes:category>` never closed
    /// before the first `<item>`: libxml2's recovery nests everything after
    /// it inside it, and feedparser still finds every item). Items are not
    /// searched inside items. Iterative, like every walk over a document.
    static func items(in channel: XMLElement) -> [XMLElement] {
        var found: [XMLElement] = []
        var open = [channel.elements]
        while !open.isEmpty {
            guard let child = open[open.count - 1].next() else {
                open.removeLast()
                continue
            }
            if child.isNamed("item") && Namespace.rssCore.contains(child.namespace) {
                found.append(child)
            } else {
                open.append(child.elements)
            }
        }
        return found
    }

    /// RSS 2.0 `ttl` (minutes), else the syndication module's period
    /// divided by its frequency (`daily` and 2: every 12 hours). A value
    /// that is not a positive number is no hint.
    static func updateHint(_ channel: XMLElement) -> FeedDocument.UpdateHint? {
        if let ttl = channel.core("ttl")?.trimmedText.flatMap(Double.init), ttl > 0, ttl.isFinite {
            return .init(seconds: ttl * 60, source: "ttl")
        }
        let periods: [String: Double] = ["hourly": 3600, "daily": 86_400, "weekly": 604_800,
                                         "monthly": 2_592_000, "yearly": 31_536_000]
        guard let name = channel.first("updateperiod", in: Namespace.sy)?.trimmedText?.lowercased(),
              let period = periods[name] else { return nil }
        let frequency = channel.first("updatefrequency", in: Namespace.sy)?.trimmedText.flatMap(Double.init) ?? 1
        guard frequency > 0, frequency.isFinite else { return nil }
        return .init(seconds: period / frequency, source: "sy:updatePeriod")
    }

    private static func entry(from item: XMLElement, feed: FeedDocument) -> Entry {
        var e = Entry()
        // Title: RSS `title`, then `dc:title`, then Media RSS (see `mediaTitle`).
        e.title = (item.core("title") ?? item.first("title", in: Namespace.dc)
            ?? ExtensionModules.mediaTitle(item)).map(PlainText.line)
        let guidElement = item.core("guid")
        e.guid = guidElement?.trimmedText ?? item.attribute("about", namespace: Namespace.rdf)
        e.url = item.coreLink() ?? ExtensionModules.atomLink(item, rel: "alternate")
        if e.url == nil, let guidElement, let guid = guidElement.trimmedText,
           guidElement.attribute(caseInsensitive: "isPermaLink")?.lowercased() != "false",
           guid.lowercased().hasPrefix("http://") || guid.lowercased().hasPrefix("https://") {
            e.url = guidElement.resolve(guid)
        }
        e.externalURL = ExtensionModules.atomLink(item, rel: "related")

        // RSS has no summary element, but feeds write one; when a feed has both
        // `description` and `summary` and no other content, the first is the
        // summary and the second the content (feedparser's reading).
        let summaries = item.elements.filter { ($0.isNamed("description") || $0.isNamed("summary")) && Namespace.rssCore.contains($0.namespace) }
        var description = summaries.first ?? item.first("description", in: Namespace.dc)
            ?? item.first("summary", in: Namespace.itunes)
        var content = item.first("encoded", in: Namespace.content) ?? item.first("body", in: Namespace.xhtml)
            ?? item.first("div", in: Namespace.xhtml) ?? item.core("fullitem")
        if content == nil, summaries.count > 1 { content = summaries[1] }
        if description == nil, content == nil { description = nil }
        if let description { e.summary = PlainText.block(description) }
        var contentImage: String?
        if let body = content ?? description {
            let rendering = body.hasElementChildren
                ? HTMLContent.render(childrenOf: body, base: body.base)
                : HTMLContent.render(textOf: body, base: body.base)
            e.contentHTML = rendering.html
            e.contentText = rendering.text
            contentImage = rendering.firstImage
        }

        e.datePublished = firstDate(item, [("pubdate", Namespace.none), ("pubdate", Namespace.rss10),
                                           ("date", Namespace.dc), ("issued", Namespace.dc),
                                           ("created", Namespace.dc), ("published", Namespace.atom)])
        e.dateModified = firstDate(item, [("modified", Namespace.dc), ("updated", Namespace.atom),
                                          ("lastbuilddate", Namespace.none)])

        var authors: [Author] = []
        if let a = item.core("author")?.trimmedText, let p = PersonParser.parse(a) { authors.append(p) }
        authors += ExtensionModules.people(item)
        e.authors = authors
        e.tags = item.all("tags", in: Namespace.none).flatMap { ($0.trimmedText ?? "").split(separator: ",").map(String.init) }
            + item.elements.filter { $0.isNamed("category") && Namespace.rssCore.contains($0.namespace) }
            .compactMap(\.trimmedText) + ExtensionModules.tags(item)

        var attachments: [Attachment] = []
        for enc in item.elements where enc.isNamed("enclosure") && Namespace.rssCore.contains(enc.namespace) {
            guard let url = enc.resolve(enc.attribute("url")) else { continue }
            attachments.append(Attachment(url: url, mimeType: enc.attribute("type"),
                                          sizeInBytes: EntryCompletion.integer(enc.attribute("length"))))
        }
        // iTunes gives the episode's duration beside its enclosure.
        if let duration = EntryCompletion.duration(item.first("duration", in: Namespace.itunes)?.trimmedText) {
            for i in attachments.indices where attachments[i].durationInSeconds == nil { attachments[i].durationInSeconds = duration }
        }
        attachments += ExtensionModules.mediaAttachments(item)
        e.attachments = attachments
        e.image = ExtensionModules.image(item)
        e.language = ExtensionModules.language(item) ?? item.attribute("lang", namespace: Namespace.xml)
        EntryCompletion.complete(&e, feed: feed, contentImage: contentImage)
        return e
    }

    private static func firstDate(_ item: XMLElement, _ names: [(String, String)]) -> Date? {
        for (name, ns) in names {
            if let text = item.first(name, in: ns)?.trimmedText, let d = DateParser.parse(text) { return d }
        }
        return nil
    }
}

extension XMLElement {
    /// An RSS core element: in no namespace or in an RSS namespace.
    func core(_ name: String) -> XMLElement? { first(name, in: Namespace.rssCore) }

    /// The RSS `link`: text content, resolved.
    func coreLink() -> String? {
        for l in elements where l.isNamed("link") && Namespace.rssCore.contains(l.namespace) {
            if let url = l.resolve(l.trimmedText) { return url }
        }
        return nil
    }
}
