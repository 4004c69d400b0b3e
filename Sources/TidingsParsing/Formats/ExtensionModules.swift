import TidingsModel

/// Namespaced modules any format may carry: Media RSS, iTunes, Dublin Core,
/// `atom:link` inside RSS. Readers call these on an item or channel element.
enum ExtensionModules {
    /// Media RSS `content` (direct or inside `group`) as attachments.
    static func mediaAttachments(_ e: XMLElement) -> [Attachment] {
        guard e.hasChild(in: Namespace.media) else { return [] }
        var out: [Attachment] = []
        var holders = [e]
        holders += e.all("group", in: Namespace.media)
        for holder in holders {
            for c in holder.all("content", in: Namespace.media) {
                guard let url = c.resolve(c.attribute("url")) else { continue }
                let title = c.first("title", in: Namespace.media)?.trimmedText
                    ?? holder.first("title", in: Namespace.media)?.trimmedText
                out.append(Attachment(url: url, mimeType: c.attribute("type"),
                                      sizeInBytes: EntryCompletion.integer(c.attribute("fileSize")),
                                      title: title.map(HTMLContent.line),
                                      durationInSeconds: EntryCompletion.duration(c.attribute("duration"))))
            }
        }
        return out
    }

    /// The picture for an item: Media thumbnail, iTunes image, an image-typed media content.
    static func image(_ e: XMLElement) -> String? {
        guard e.hasChild(in: Namespace.media) || e.hasChild(in: Namespace.itunes) else { return nil }
        var holders = [e]
        holders += e.all("group", in: Namespace.media)
        holders += holders.flatMap { $0.all("content", in: Namespace.media) }
        for h in holders {
            if let t = h.first("thumbnail", in: Namespace.media), let url = t.resolve(t.attribute("url")) { return url }
        }
        if let i = e.first("image", in: Namespace.itunes),
           let url = i.resolve(i.attribute("href") ?? i.attribute("url") ?? i.trimmedText) { return url }
        for l in e.all("link", in: Namespace.itunes) where l.attribute("rel") == "image" {
            if let url = l.resolve(l.attribute("href")) { return url }
        }
        for c in e.all("content", in: Namespace.media)
        where c.attribute("medium") == "image" || c.attribute("type")?.hasPrefix("image/") == true {
            if let url = c.resolve(c.attribute("url")) { return url }
        }
        return nil
    }

    static func tags(_ e: XMLElement) -> [String] {
        var out: [String] = []
        for s in e.all("subject", in: Namespace.dc) { if let t = s.trimmedText { out.append(t) } }
        out += itunesCategories(e)
        for k in e.all("keywords", in: Namespace.itunes) { out += commaSeparated(k) }
        guard e.hasChild(in: Namespace.media) else { return out }
        for holder in mediaHolders(e) {
            for c in holder.all("category", in: Namespace.media) { if let t = c.trimmedText { out.append(t) } }
            for k in holder.all("keywords", in: Namespace.media) { out += commaSeparated(k) }
        }
        return out
    }

    private static func commaSeparated(_ e: XMLElement) -> [String] {
        (e.trimmedText ?? "").split(separator: ",").map { String($0).trimmedOfASCIISpace }
    }

    /// The item, its `media:group`s, and every `media:content` in either:
    /// the places Media RSS lets a title, keywords or categories stand, in
    /// the order a title is looked for.
    private static func mediaHolders(_ e: XMLElement) -> [XMLElement] {
        let groups = e.all("group", in: Namespace.media)
        return [e] + e.all("content", in: Namespace.media) + groups.flatMap { [$0] + $0.all("content", in: Namespace.media) }
    }

    /// A title from Media RSS for an item that has no title of its own:
    /// `media:title` on the item, then in its `media:content`, then in its
    /// `media:group` (or a content inside the group), then inside its
    /// `enclosure` (podcast feeds put it there; feedparser reads it). Video
    /// and photo feeds often title their items only there.
    static func mediaTitle(_ e: XMLElement) -> XMLElement? {
        let enclosures = Namespace.rssCore.flatMap { e.all("enclosure", in: $0) }
        guard e.hasChild(in: Namespace.media) || !enclosures.isEmpty else { return nil }
        for holder in mediaHolders(e) + enclosures {
            if let t = holder.first("title", in: Namespace.media), t.hasText { return t }
        }
        return nil
    }

    /// iTunes categories nest (`Technology` > `Podcasting`): every level
    /// is a tag, outer first. A work list, not recursion: nesting is the
    /// document's to choose.
    private static func itunesCategories(_ e: XMLElement) -> [String] {
        var out: [String] = []
        var pending = Array(e.all("category", in: Namespace.itunes).reversed())
        while let c = pending.popLast() {
            if let t = c.attribute("text") { out.append(t) }
            pending += c.all("category", in: Namespace.itunes).reversed()
        }
        return out
    }

    /// People from Dublin Core and iTunes, after the format's own.
    /// In this order: `dc:creator`, `dc:author`, `dc:contributor`, `itunes:author`.
    static func people(_ e: XMLElement) -> [Author] {
        // One pass over the children, ranked, rather than a pass per name.
        var found: [(rank: Int, position: Int, element: XMLElement)] = []
        for (position, c) in e.elements.enumerated() {
            let rank: Int
            switch (c.namespace, c.name) {
            case (Namespace.dc, "creator"): rank = 0
            case (Namespace.dc, "author"): rank = 1
            case (Namespace.dc, "contributor"): rank = 2
            case (Namespace.itunes, "author"): rank = 3
            default: continue
            }
            found.append((rank, position, c))
        }
        if found.count > 1 { found.sort { ($0.rank, $0.position) < ($1.rank, $1.position) } }
        return found.compactMap { $0.element.trimmedText.flatMap(PersonParser.parse) }
    }

    /// `atom:link` elements by rel (missing rel means alternate).
    static func atomLink(_ e: XMLElement, rel: String) -> String? {
        for l in e.elements where l.isNamed("link") && Namespace.anyAtom.contains(l.namespace) {
            if (l.attribute("rel") ?? "alternate") == rel, let url = l.resolve(l.attribute("href")) { return url }
        }
        return nil
    }

    static func language(_ e: XMLElement) -> String? {
        e.first("language", in: Namespace.dc)?.trimmedText
    }
}
