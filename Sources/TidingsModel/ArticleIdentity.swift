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

    /// Hash of what a reader sees: every entry field, each written with its
    /// length so that no two different entries can feed the same bytes.
    public static func contentHash(of entry: Entry) -> String {
        var h = ContentDigest()
        var field: UInt8 = 0
        func add(_ value: String?) {
            field &+= 1
            guard let value else { h.update([field, 0]); return }
            var length = UInt64(value.utf8.count).bigEndian
            h.update([field, 1])
            withUnsafeBytes(of: &length) { h.update($0.bindMemory(to: UInt8.self)) }
            h.update(value.utf8)
        }
        func add(_ values: [String]) {
            add(String(values.count))
            for v in values { add(v) }
        }
        add(entry.guid); add(entry.url); add(entry.externalURL); add(entry.title); add(entry.summary)
        add(entry.contentHTML); add(entry.contentText); add(entry.image)
        add(entry.datePublished.map(Timestamp.format)); add(entry.dateModified.map(Timestamp.format))
        add(entry.authors.flatMap { [$0.name ?? "\u{0}", $0.url ?? "\u{0}", $0.email ?? "\u{0}"] })
        add(entry.tags)
        add(entry.language)
        add(entry.attachments.flatMap {
            [$0.url, $0.mimeType ?? "\u{0}", $0.sizeInBytes.map(String.init) ?? "\u{0}", $0.title ?? "\u{0}",
             $0.durationInSeconds.map { String($0) } ?? "\u{0}"]
        })
        return h.finishHex()
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
