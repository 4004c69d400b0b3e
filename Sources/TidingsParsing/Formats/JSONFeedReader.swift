import Foundation
import TidingsModel

/// JSON Feed 1.0 and 1.1, read leniently: unknown keys are ignored and a
/// value of the wrong type is skipped, never fatal. 1.0's single `author`
/// is read when 1.1's `authors` is absent.
enum JSONFeedReader {
    static func read(_ bytes: [UInt8], base: String?) throws(ParseError) -> FeedDocument {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .badJSONFeed("invalid JSON")
        }
        guard let top = cleaned(object) as? [String: Any] else { throw .badJSONFeed("top level is not an object") }
        let version = top["version"] as? String ?? ""
        guard version.contains("jsonfeed.org") || top["items"] is [Any] else {
            throw .notAFeed("a JSON document that is not a JSON Feed")
        }
        let base = (top["feed_url"] as? String) ?? base
        var feed = FeedDocument(format: version.hasSuffix("/1") ? "jsonfeed10" : "jsonfeed11")
        feed.title = (top["title"] as? String).map(TextFolder.fold)
        feed.homePageURL = url(top["home_page_url"], base)
        feed.feedURL = url(top["feed_url"], base)
        feed.description = top["description"] as? String
        feed.language = top["language"] as? String
        feed.icon = url(top["icon"], base) ?? url(top["favicon"], base)
        feed.authors = authors(top, base)
        feed.entries = (top["items"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.map { item in
            entry(item, feed: feed, base: base)
        }
        return feed
    }

    private static func entry(_ item: [String: Any], feed: FeedDocument, base: String?) -> Entry {
        var e = Entry()
        if let id = item["id"] as? String { e.guid = id } else if let n = item["id"] as? NSNumber { e.guid = n.stringValue }
        e.url = url(item["url"], base)
        e.externalURL = url(item["external_url"], base)
        e.title = (item["title"] as? String).map(HTMLContent.line)
        e.summary = (item["summary"] as? String).map(HTMLContent.text)
        var contentImage: String?
        if let html = item["content_html"] as? String {
            let r = HTMLContent.render(html, base: e.url ?? base)
            e.contentHTML = r.html
            e.contentText = (item["content_text"] as? String) ?? r.text
            contentImage = r.firstImage
        } else if let text = item["content_text"] as? String {
            e.contentText = text
        }
        e.image = url(item["image"], base) ?? url(item["banner_image"], base)
        e.datePublished = (item["date_published"] as? String).flatMap(DateParser.parse)
        e.dateModified = (item["date_modified"] as? String).flatMap(DateParser.parse)
        e.authors = authors(item, base)
        e.tags = (item["tags"] as? [Any] ?? []).compactMap { $0 as? String }
        e.language = item["language"] as? String
        e.attachments = (item["attachments"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.compactMap { a in
            guard let u = url(a["url"], base) else { return nil }
            return Attachment(url: u, mimeType: a["mime_type"] as? String,
                              sizeInBytes: (a["size_in_bytes"] as? NSNumber)?.int64Value,
                              title: a["title"] as? String,
                              durationInSeconds: (a["duration_in_seconds"] as? NSNumber)?.doubleValue)
        }
        EntryCompletion.complete(&e, feed: feed, contentImage: contentImage)
        return e
    }

    /// Every string in the document without control characters: JSON
    /// allows `\u001b` where XML allows no such character, and an escape
    /// sequence in a title would reach the article file and the terminal
    /// of whoever runs `tidings status`. As the XML path does
    /// (`ForbiddenCharacters`): C0 and C1 controls removed, vertical tab
    /// and form feed made a space, carriage returns made line feeds; tab
    /// and line feed stay.
    static func cleaned(_ value: Any) -> Any {
        switch value {
        case let s as String: return withoutControls(s)
        case let list as [Any]: return list.map(cleaned)
        case let object as [String: Any]:
            var out: [String: Any] = [:]
            for (key, v) in object { out[key] = cleaned(v) }
            return out
        default: return value
        }
    }

    static func withoutControls(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return s }
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in s.unicodeScalars {
            defer { previous = scalar }
            switch scalar.value {
            case 0x09, 0x0A:
                if !(scalar.value == 0x0A && previous == "\r") { out.append(scalar) }
            case 0x0D: out.append("\n")
            case 0x0B, 0x0C: out.append(" ")
            case 0x00..<0x20, 0x7F...0x9F: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func authors(_ object: [String: Any], _ base: String?) -> [Author] {
        var list = (object["authors"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        if list.isEmpty, let single = object["author"] as? [String: Any] { list = [single] }
        return list.map { Author(name: $0["name"] as? String, url: url($0["url"], base)) }.filter { !$0.isEmpty }
    }

    private static func url(_ value: Any?, _ base: String?) -> String? {
        guard let s = value as? String else { return nil }
        return LinkPolicy.resolve(s, against: base, allowing: LinkPolicy.articleSchemes)
    }
}
