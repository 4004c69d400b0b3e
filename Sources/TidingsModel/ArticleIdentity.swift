import Foundation

/// The dedup keys and everything derived from them, defined once
/// (docs/article-format.md, "Identity", says the same for consumers).
///
/// An entry has up to three kinds of key:
/// - a **link key**, shared across feeds: the canonical form of its link
///   (`CanonicalURL`), and of its guid when the guid is an http(s) URL (a
///   permalink). Only a link that identifies one item counts: one that
///   several items of the same document share, or the feed's own home
///   page, is never a key.
/// - a **guid key**, within its feed: the feed's id and the guid. A guid
///   repeated in one document (the live-blog pattern) is told apart by the
///   item's link, else its content.
/// - without a guid, a **feed link key** (the raw link) or, without an
///   identifying link either, a **text key** (title, else summary, else
///   text, with the publication date).
///
/// A new article's `id` is the first 32 hex digits of SHA-256 over its
/// primary key: the link key when it has one, so that every feed carrying
/// a story derives the same id whichever is polled first; else the guid
/// key; else the feed link or text key (the v1 keys, so ids made before
/// cross-feed identity stay the same). Lookups try the guid key first,
/// then the link keys, then the rest: an article once created keeps its id.
public enum ArticleIdentity {
    /// The keys of one entry: `primary` names a new article, `lookups`
    /// find an existing one, in the order they are tried.
    public struct Keys: Sendable, Hashable {
        public var primary: String
        public var lookups: [String]
    }

    /// The keys of every entry of one document, in order. Whether a link
    /// identifies an item depends on its neighbours, so this takes them all.
    public static func keys(for entries: [Entry], feed: FeedIdentity) -> [Keys] {
        let home = feed.homePageURL.flatMap(CanonicalURL.of)
        let links = entries.map { $0.url.flatMap(CanonicalURL.of) }
        let guids = entries.map { e -> String? in
            guard let g = e.guid?.trimmedOfUnicodeSpace, !g.isEmpty else { return nil }
            return g
        }
        let permalinks = guids.map { $0.flatMap(CanonicalURL.of) }
        var linkUses: [String: Int] = [:]
        for link in links.compactMap({ $0 }) { linkUses[link, default: 0] += 1 }
        var permalinkUses: [String: Int] = [:]
        for link in permalinks.compactMap({ $0 }) { permalinkUses[link, default: 0] += 1 }
        var guidUses: [String: Int] = [:]
        for g in guids.compactMap({ $0 }) { guidUses[g, default: 0] += 1 }
        var linksPerGuid: [String: [String: Int]] = [:]
        for (g, l) in zip(guids, links) { if let g, (guidUses[g] ?? 0) > 1 { linksPerGuid[g, default: [:]][l ?? "", default: 0] += 1 } }

        func identifying(_ link: String?, _ uses: [String: Int]) -> String? {
            guard let link, link != home, uses[link] == 1 else { return nil }
            return link
        }
        return entries.indices.map { i in
            let entry = entries[i]
            var crossFeed: [String] = []
            if let link = identifying(links[i], linkUses) { crossFeed.append(linkKey(link)) }
            if let link = identifying(permalinks[i], permalinkUses), !crossFeed.contains(linkKey(link)) {
                crossFeed.append(linkKey(link))
            }
            var local: String
            if let guid = guids[i] {
                local = guidKey(feedID: feed.id, guid: guid)
                if (guidUses[guid] ?? 0) > 1 {
                    // Told apart by the link when it is unique among the
                    // items with this guid, else by the content.
                    let link = links[i] ?? ""
                    local += linksPerGuid[guid]?[link] == 1 ? "\nlink\n\(link)" : "\ncontent\n\(contentHash(of: entry))"
                }
            } else if let url = entry.url?.trimmedOfUnicodeSpace, !url.isEmpty, identifying(links[i], linkUses) != nil
                        || (links[i] == nil && entries.count { $0.url?.trimmedOfUnicodeSpace == url } == 1) {
                local = "\(feed.id)\nurl\n\(url)"
            } else {
                let date = entry.datePublished.map(Timestamp.format) ?? ""
                let text = entry.title ?? entry.summary ?? entry.contentText ?? ""
                local = "\(feed.id)\ntext\n\(text)\n\(date)"
            }
            return Keys(primary: crossFeed.first ?? local, lookups: [local] + crossFeed)
        }
    }

    /// The v1 key of one entry seen alone: the article id a feed's item had
    /// before cross-feed identity (and still has when no link identifies it).
    /// The link key of a canonical URL (`CanonicalURL.of`), shared across feeds.
    public static func linkKey(_ canonicalURL: String) -> String { "link\n" + canonicalURL }

    /// The guid key of a trimmed guid within its feed (a guid the document
    /// repeats gets more; see `keys(for:feed:)`).
    public static func guidKey(feedID: String, guid: String) -> String { "\(feedID)\nguid\n\(guid)" }

    public static func dedupKey(for entry: Entry, feedID: String) -> String {
        let feed = FeedIdentity(id: feedID, url: "")
        let keys = keys(for: [entry], feed: feed)[0]
        return keys.lookups[0]
    }

    public static func articleID(forKey key: String) -> String {
        var h = SHA256()
        h.update(key.utf8)
        return SHA256.hexString(h.finish().prefix(16))
    }

    /// A feed's id comes from the URL it was added with and never changes,
    /// even when the feed later moves, so article ids stay put.
    public static func feedID(forURL url: String) -> String {
        String(SHA256.hex(url).prefix(16))
    }

    /// Hash of what a reader sees: every entry field, each written with its
    /// length so that no two different entries can feed the same bytes.
    public static func contentHash(of entry: Entry) -> String {
        var h = FieldDigest(capacity: (entry.contentHTML?.utf8.count ?? 0)
                            + (entry.contentText?.utf8.count ?? 0) + (entry.summary?.utf8.count ?? 0) + 512)
        h.add(entry.guid); h.add(entry.url); h.add(entry.externalURL); h.add(entry.title); h.add(entry.summary)
        h.add(entry.contentHTML); h.add(entry.contentText); h.add(entry.image)
        h.add(entry.datePublished.map(Timestamp.format)); h.add(entry.dateModified.map(Timestamp.format))
        // A list is its length, then its items (people: three fields each, a missing one as NUL).
        h.add(String(entry.authors.count * 3))
        for a in entry.authors { h.add(a.name ?? "\u{0}"); h.add(a.url ?? "\u{0}"); h.add(a.email ?? "\u{0}") }
        h.add(String(entry.tags.count))
        for t in entry.tags { h.add(t) }
        h.add(entry.language)
        h.add(String(entry.attachments.count * 5))
        for a in entry.attachments {
            h.add(a.url); h.add(a.mimeType ?? "\u{0}"); h.add(a.sizeInBytes.map(String.init) ?? "\u{0}")
            h.add(a.title ?? "\u{0}"); h.add(a.durationInSeconds.map { String($0) } ?? "\u{0}")
        }
        return h.digest.finishHex()
    }

    /// Numbered, length-prefixed fields into a `ContentDigest`.
    private struct FieldDigest {
        var digest: ContentDigest
        var field: UInt8 = 0

        init(capacity: Int) { digest = ContentDigest(reservingCapacity: capacity) }

        mutating func add(_ value: String?) {
            field &+= 1
            digest.update(byte: field)
            guard var value else { digest.update(byte: 0); return }
            digest.update(byte: 1)
            digest.update(bigEndian: UInt64(value.utf8.count))
            value.withUTF8 { digest.update(buffer: $0) }
        }
    }
}

extension String {
    /// Without Unicode white space at either end. Ids depend on it, so it
    /// keeps Foundation's definition; most strings have nothing to trim,
    /// which one look at each end tells without Foundation's slow path.
    var trimmedOfUnicodeSpace: String {
        guard let first = utf8.first, let last = utf8.last,
              Self.isPlainEnd(first), Self.isPlainEnd(last) else {
            return trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return self
    }

    /// An ASCII byte that is not white space: no trimming can start there.
    private static func isPlainEnd(_ b: UInt8) -> Bool {
        b < 0x80 && b != 0x20 && !(0x09...0x0D).contains(b)
    }
}
