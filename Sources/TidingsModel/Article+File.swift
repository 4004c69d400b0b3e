import Foundation

/// An article file's bytes, written directly: the same bytes `Article.encoder()`
/// makes (sorted keys, two-space indent, `"key" : value`, explicit nulls,
/// a final line feed), held to it by `ArticleFileBytesTests` over the
/// bundled samples and the conformance corpus. A file is written for every
/// new or changed article; building a `JSONEncoder` container tree for each
/// cost more than the write itself.
extension Article {
    public func fileBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048 + (entry.contentHTML?.utf8.count ?? 0) + (entry.contentText?.utf8.count ?? 0))
        JSONTree.write(tree, to: &out, indent: 0)
        out.append(0x0A)
        return out
    }

    private var tree: JSONTree {
        let e = entry, t = tidings
        return .object([
            ("id", .string(id)),
            ("_tidings", .object([
                ("schema", .int(Int64(t.schema))),
                ("guid", .optional(t.guid)),
                ("feed", .object([
                    ("id", .string(t.feed.id)), ("url", .string(t.feed.url)),
                    ("title", .optional(t.feed.title)), ("home_page_url", .optional(t.feed.homePageURL)),
                ])),
                ("sources", .array(t.sources.map { s in
                    .object([("feed_id", .string(s.feedID)), ("feed_url", .string(s.feedURL)),
                             ("guid", .optional(s.guid)), ("url", .optional(s.url))])
                })),
                ("first_seen", .string(Timestamp.format(t.firstSeen))),
                ("last_changed", .string(Timestamp.format(t.lastChanged))),
                ("revision", .int(Int64(t.revision))),
                ("content_hash", .string(t.contentHash)),
            ])),
            ("url", .optional(e.url)), ("external_url", .optional(e.externalURL)), ("title", .optional(e.title)),
            ("summary", .optional(e.summary)), ("content_html", .optional(e.contentHTML)),
            ("content_text", .optional(e.contentText)), ("image", .optional(e.image)),
            ("date_published", .optional(e.datePublished.map(Timestamp.format))),
            ("date_modified", .optional(e.dateModified.map(Timestamp.format))),
            ("authors", .array(e.authors.map { a in
                .object([("name", .optional(a.name)), ("url", .optional(a.url)), ("email", .optional(a.email))])
            })),
            ("tags", .array(e.tags.map { .string($0) })),
            ("language", .optional(e.language)),
            ("attachments", .array(e.attachments.map { a in
                .object([("url", .string(a.url)), ("mime_type", .optional(a.mimeType)),
                         ("size_in_bytes", a.sizeInBytes.map { .int($0) } ?? .null), ("title", .optional(a.title)),
                         ("duration_in_seconds", a.durationInSeconds.map { .double($0) } ?? .null)])
            })),
        ])
    }
}

/// A JSON value with its members in the order given, printed as
/// `JSONEncoder` prints with `.sortedKeys, .prettyPrinted, .withoutEscapingSlashes`.
enum JSONTree {
    case string(String)
    case int(Int64)
    case double(Double)
    case null
    indirect case array([JSONTree])
    indirect case object([(String, JSONTree)])

    static func optional(_ s: String?) -> JSONTree { s.map { .string($0) } ?? .null }

    static func write(_ value: JSONTree, to out: inout [UInt8], indent: Int) {
        switch value {
        case .string(let s): JSONText.appendString(s, to: &out)
        case .int(let n): out += Array(String(n).utf8)
        case .double(let d): out += Array(number(d).utf8)
        case .null: out += Array("null".utf8)
        case .array(let items):
            writeContainer("[", "]", count: items.count, to: &out, indent: indent) { i, out in
                write(items[i], to: &out, indent: indent + 2)
            }
        case .object(let members):
            let sorted = members.sorted { $0.0 < $1.0 }
            writeContainer("{", "}", count: sorted.count, to: &out, indent: indent) { i, out in
                JSONText.appendString(sorted[i].0, to: &out)
                out += [0x20, UInt8(ascii: ":"), 0x20]
                write(sorted[i].1, to: &out, indent: indent + 2)
            }
        }
    }

    /// An array or object: one member a line, indented, commas between;
    /// an empty one keeps its blank line, as `JSONEncoder` prints it.
    private static func writeContainer(_ open: Unicode.Scalar, _ close: Unicode.Scalar, count: Int, to out: inout [UInt8],
                                       indent: Int, member: (Int, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: open))
        out.append(0x0A)
        for i in 0..<count {
            pad(&out, indent + 2)
            member(i, &out)
            if i < count - 1 { out.append(UInt8(ascii: ",")) }
            out.append(0x0A)
        }
        if count == 0 { out.append(0x0A) }
        pad(&out, indent)
        out.append(UInt8(ascii: close))
    }

    private static func pad(_ out: inout [UInt8], _ n: Int) {
        out += repeatElement(0x20, count: n)
    }

    /// As `JSONEncoder` writes a double: the shortest form that reads back,
    /// without a trailing `.0`.
    private static func number(_ d: Double) -> String {
        let text = d.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
