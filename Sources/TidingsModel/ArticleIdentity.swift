import Foundation

/// The dedup key and everything derived from it, defined once.
///
/// v1 rule: within one feed, an entry is the same article as another when it
/// has the same guid; without a guid, the same link; without either, the same
/// title and publication date. The article `id` is the first 32 hex digits of
/// SHA-256 over the key, so it is the same on every run and every machine.
/// Cross-feed dedup by canonical URL will be a new key kind, not a new id rule.
public enum ArticleIdentity {
    public static func dedupKey(for entry: Entry, feedID: String) -> String {
        if let guid = entry.guid?.trimmedOfUnicodeSpace, !guid.isEmpty { return "\(feedID)\nguid\n\(guid)" }
        if let url = entry.url?.trimmedOfUnicodeSpace, !url.isEmpty { return "\(feedID)\nurl\n\(url)" }
        let date = entry.datePublished.map(Timestamp.format) ?? ""
        let text = entry.title ?? entry.summary ?? entry.contentText ?? ""
        return "\(feedID)\ntext\n\(text)\n\(date)"
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
