import Foundation
import TidingsModel

extension TidingsState {
    /// `<output>/feed.json`: a JSON Feed 1.1 document of the newest `items`
    /// articles across all feeds (newest first sighting first), for tools
    /// that read feeds rather than files. Each item is the article file's
    /// object as it is (JSON Feed item keys plus `_tidings`). Replaced
    /// atomically: a reader sees the previous document or this one.
    public func writeMergedFeed(items: Int) throws(StoreError) {
        let output = try writer()
        let newest = try db.prepare("""
            SELECT path FROM articles WHERE expired_at IS NULL ORDER BY first_seen DESC, id DESC LIMIT ?
            """)
        try newest.bind([.int(Int64(items))])
        var objects: [Any] = []
        while try newest.step() {
            guard let path = newest.text(0), let bytes = FileSystem.read(output.directory + "/" + path),
                  let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else { continue }
            objects.append(Self.withoutNulls(object))
        }
        let document: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Tidings: newest articles",
            "description": "The newest \(items) articles across every feed this Tidings follows.",
            "items": objects,
        ]
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: document,
                                              options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        } catch {
            throw .encoding("merged feed: \(error)")
        }
        try FileSystem.replaceAtomically(output.directory + "/" + Self.mergedFeedName, with: [UInt8](data) + [0x0A],
                                         stagingDirectory: output.staging)
        try FileSystem.syncDirectory(output.directory)
    }

    public static let mergedFeedName = "feed.json"

    /// JSON Feed 1.1 types its optional members as strings (or arrays,
    /// objects, numbers): a reader expects an absent member, not `null`.
    /// Article files keep their documented explicit nulls; the merged
    /// feed, read by JSON Feed readers, leaves them out, in items, authors
    /// and attachments alike. `_tidings` is Tidings' own and stays as it is.
    static func withoutNulls(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var out: [String: Any] = [:]
            for (key, member) in object where !(member is NSNull) {
                out[key] = key == "_tidings" ? member : withoutNulls(member)
            }
            return out
        }
        if let array = value as? [Any] { return array.map(withoutNulls) }
        return value
    }
}
