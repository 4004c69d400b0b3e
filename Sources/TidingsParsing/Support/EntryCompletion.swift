import TidingsModel

/// Rules every format shares, applied once after a reader has done its part.
enum EntryCompletion {
    static func complete(_ entry: inout Entry, feed: FeedDocument, contentImage: String?) {
        if entry.authors.isEmpty { entry.authors = feed.authors }
        entry.authors = unique(entry.authors.filter { !$0.isEmpty })
        entry.tags = unique(entry.tags.map { $0.trimmedOfASCIISpace }.filter { !$0.isEmpty })
        if entry.attachments.count > 1 {
            var seen = Set<String>()
            entry.attachments = entry.attachments.filter { seen.insert($0.url).inserted }
        }
        if entry.language == nil { entry.language = feed.language }
        if entry.image == nil {
            entry.image = entry.attachments.first { $0.mimeType?.hasPrefix("image/") == true }?.url ?? contentImage
        }
        if entry.title?.isEmpty == true { entry.title = nil }
        if entry.summary?.isEmpty == true { entry.summary = nil }
        if entry.contentHTML?.isEmpty == true { entry.contentHTML = nil }
        if entry.contentText?.isEmpty == true { entry.contentText = nil }
    }

    /// The first of each distinct item, in order. Entries have a few
    /// authors and tags, where comparing them pairwise is cheaper than hashing.
    static func unique<T: Hashable>(_ items: [T]) -> [T] {
        if items.count < 2 { return items }
        if items.count <= 8 {
            var out: [T] = []
            out.reserveCapacity(items.count)
            for item in items where !out.contains(item) { out.append(item) }
            return out
        }
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }

    /// Tolerant number reading for enclosure lengths: "12,345", " 123 ", "12345 bytes".
    static func integer(_ raw: String?) -> Int64? {
        guard let raw else { return nil }
        var value: Int64 = 0
        var sawDigit = false
        for b in raw.trimmedOfASCIISpace.utf8 {
            if b == UInt8(ascii: ",") { continue }
            guard b &- UInt8(ascii: "0") < 10 else { break }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(b &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = sum
            sawDigit = true
        }
        return sawDigit && value > 0 ? value : nil
    }

    /// `HH:MM:SS`, `MM:SS` or seconds, as iTunes and Media RSS write durations.
    static func duration(_ raw: String?) -> Double? {
        guard let raw = raw?.trimmedOfASCIISpace, !raw.isEmpty else { return nil }
        var total = 0.0
        for part in raw.split(separator: ":") {
            guard let v = Double(part) else { return nil }
            total = total * 60 + v
        }
        return total > 0 ? total : nil
    }
}
