import Foundation
import TidingsModel

/// Atom 1.0 (RFC 4287) and Atom 0.3. Version differences are in names
/// (`tagline`/`subtitle`, `issued`/`published`, `modified`/`updated`, `url`/`uri`)
/// and in text constructs, which `AtomText` handles.
enum AtomReader {
    static func read(_ root: XMLElement, format: String) -> FeedDocument {
        var feed = FeedDocument(format: format)
        feed.title = root.atom("title").map(AtomText.line)
        feed.homePageURL = link(root, rel: "alternate")
        feed.feedURL = link(root, rel: "self")
        feed.description = (root.atom("subtitle") ?? root.atom("tagline") ?? root.atom("info")).map(AtomText.block)
        feed.language = root.language
        feed.icon = [root.atom("icon"), root.atom("logo")].compactMap { $0 }.lazy
            .compactMap { $0.resolve($0.trimmedText) }.first
        feed.authors = people(root, "author")
        feed.entries = root.elements.filter { $0.isNamed("entry") && Namespace.anyAtom.contains($0.namespace) }
            .map { entry(from: $0, feed: feed) }
        return feed
    }

    private static func entry(from node: XMLElement, feed: FeedDocument) -> Entry {
        var e = Entry()
        e.guid = node.atom("id")?.trimmedText
        // Title: `atom:title`, then `dc:title`, then Media RSS (see `mediaTitle`).
        if let title = node.atom("title"), title.hasText {
            e.title = AtomText.line(title)
        } else {
            e.title = (node.first("title", in: Namespace.dc) ?? ExtensionModules.mediaTitle(node)).map(PlainText.line)
        }
        e.url = link(node, rel: "alternate")
        e.externalURL = link(node, rel: "related")
        let summary = node.atom("summary")
        let content = node.atom("content")
        if let summary { e.summary = AtomText.block(summary) }
        var contentImage: String?
        if let body = content ?? summary {
            if let src = body.resolve(body.attribute("src")), !body.hasText {
                if e.url == nil { e.url = src }
            } else if AtomText.kind(body) == .text, body == content {
                // Plain-text content stays text: no markup to invent.
                e.contentText = AtomText.block(body)
            } else {
                let rendering = AtomText.render(body, base: body.base)
                e.contentHTML = rendering.html
                e.contentText = rendering.text
                contentImage = rendering.firstImage
            }
        }
        e.datePublished = date(node, ["published", "issued", "created"])
        e.dateModified = date(node, ["updated", "modified"])
        e.authors = people(node, "author") + people(node, "contributor") + ExtensionModules.people(node)
        if e.authors.isEmpty, let source = node.atom("source") { e.authors = people(source, "author") }
        e.tags = node.elements.filter { $0.isNamed("category") && Namespace.anyAtom.contains($0.namespace) }
            .compactMap { c in c.attribute("term") ?? c.attribute("label") ?? c.trimmedText } + ExtensionModules.tags(node)
        e.attachments = node.elements.filter { $0.isNamed("link") && Namespace.anyAtom.contains($0.namespace) && $0.attribute("rel") == "enclosure" }
            .compactMap { l in
                l.resolve(l.attribute("href") ?? l.trimmedText).map {
                    Attachment(url: $0, mimeType: l.attribute("type"),
                               sizeInBytes: EntryCompletion.integer(l.attribute("length")), title: l.attribute("title"))
                }
            } + ExtensionModules.mediaAttachments(node)
        e.image = ExtensionModules.image(node)
        e.language = node.language
        EntryCompletion.complete(&e, feed: feed, contentImage: contentImage)
        return e
    }

    /// The first link with the given rel (no rel means alternate). An
    /// alternate prefers an HTML type; a link written as element text (a
    /// broken but common form) counts when it has no `href`.
    static func link(_ node: XMLElement, rel wanted: String) -> String? {
        var matching: [XMLElement] = []
        for l in node.elements where l.isNamed("link") && Namespace.anyAtom.contains(l.namespace) {
            let rel = l.attribute("rel") ?? "alternate"
            if rel == wanted || rel.lowercased() == wanted { matching.append(l) }
        }
        if wanted == "alternate" {
            // An HTML alternate first.
            for l in matching where (l.attribute("type") ?? "text/html").lowercased().containsBytes("html") {
                if let url = l.resolve(l.attribute("href") ?? l.trimmedText) { return url }
            }
        }
        for l in matching {
            if let url = l.resolve(l.attribute("href") ?? l.trimmedText) { return url }
        }
        return nil
    }

    private static func people(_ node: XMLElement, _ role: String) -> [Author] {
        node.elements.filter { $0.name == role && Namespace.anyAtom.contains($0.namespace) }.compactMap { p in
            let name = p.atom("name")?.trimmedText
            let email = p.atom("email")?.trimmedText
            let url = (p.atom("uri") ?? p.atom("url") ?? p.atom("homepage")).flatMap { $0.resolve($0.trimmedText) }
            if name == nil, email == nil, url == nil, let text = p.trimmedText { return PersonParser.parse(text) }
            let a = Author(name: name, url: url, email: email)
            return a.isEmpty ? nil : a
        }
    }

    private static func date(_ node: XMLElement, _ names: [String]) -> Date? {
        for name in names {
            // A repeated date element: the last one is the document's final word (feedparser agrees).
            var last: XMLElement?
            for c in node.elements where c.isNamed(name) && Namespace.anyAtom.contains(c.namespace) { last = c }
            if let t = last?.trimmedText, let d = DateParser.parse(t) { return d }
        }
        for name in ["date", "issued", "modified"] where names.contains(name == "date" ? "published" : name) {
            if let t = node.first(name, in: Namespace.dc)?.trimmedText, let d = DateParser.parse(t) { return d }
        }
        return nil
    }
}

extension XMLElement {
    func atom(_ name: String) -> XMLElement? { first(name, in: Namespace.anyAtom) }
}
