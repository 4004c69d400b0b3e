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
        if let guid = entry.guid?.trimmed, !guid.isEmpty { return "\(feedID)\nguid\n\(guid)" }
        if let url = entry.url?.trimmed, !url.isEmpty { return "\(feedID)\nurl\n\(url)" }
        let date = entry.datePublished.map(Timestamp.format) ?? ""
        let text = entry.title ?? entry.summary ?? entry.contentText ?? ""
        return "\(feedID)\ntext\n\(text)\n\(date)"
    }

    public static func articleID(forKey key: String) -> String {
        String(SHA256.hex(key).prefix(32))
    }

    /// A feed's id comes from the URL it was added with and never changes,
    /// even when the feed later moves, so article ids stay put.
    public static func feedID(forURL url: String) -> String {
        String(SHA256.hex(url).prefix(16))
    }

    /// Hash of what a reader sees: every entry field, canonically encoded.
    public static func contentHash(of entry: Entry) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? e.encode(entry)) ?? Data()
        var h = SHA256()
        h.update(data)
        if let guid = entry.guid { h.update(guid.utf8) }
        return h.finish().prefix(16).map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
