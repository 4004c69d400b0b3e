import TidingsModel

/// Namespaced modules any format may carry: Media RSS, iTunes, Dublin Core,
/// `atom:link` inside RSS. Readers call these on an item or channel element.
enum ExtensionModules {
    /// Media RSS `content` (direct or inside `group`) as attachments.
    static func mediaAttachments(_ e: XMLElement) -> [Attachment] {
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
        for k in e.all("keywords", in: Namespace.itunes) {
            out += (k.trimmedText ?? "").split(separator: ",").map { String($0).trimmed }
        }
        for c in e.all("category", in: Namespace.media) { if let t = c.trimmedText { out.append(t) } }
        return out
    }

    private static func itunesCategories(_ e: XMLElement) -> [String] {
        var out: [String] = []
        for c in e.all("category", in: Namespace.itunes) {
            if let t = c.attribute("text") { out.append(t) }
            out += itunesCategories(c)
        }
        return out
    }

    /// People from Dublin Core and iTunes, after the format's own.
    static func people(_ e: XMLElement) -> [Author] {
        var out: [Author] = []
        for name in ["creator", "author", "contributor"] {
            for c in e.all(name, in: Namespace.dc) { if let t = c.trimmedText, let a = PersonParser.parse(t) { out.append(a) } }
        }
        for c in e.all("author", in: Namespace.itunes) { if let t = c.trimmedText, let a = PersonParser.parse(t) { out.append(a) } }
        return out
    }

    /// `atom:link` elements by rel (missing rel means alternate).
    static func atomLink(_ e: XMLElement, rel: String) -> String? {
        for l in e.elements where l.name == "link" && Namespace.anyAtom.contains(l.namespace) {
            if (l.attribute("rel") ?? "alternate") == rel, let url = l.resolve(l.attribute("href")) { return url }
        }
        return nil
    }

    static func language(_ e: XMLElement) -> String? {
        e.first("language", in: Namespace.dc)?.trimmedText
    }
}
