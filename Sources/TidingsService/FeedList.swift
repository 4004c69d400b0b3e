import Foundation

/// The plain feed list format: one URL per line, `#` starts a comment. A
/// line that is a relative path names a document beside the list and
/// becomes a `file:` URL (how the bundled sample feeds work offline).
public enum FeedList {
    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func read(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "cannot read feed list \(path)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { raw in
            // `#` starts a comment at the start of a line or after white space,
            // so URLs with fragments survive.
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { return nil }
            if let r = line.range(of: " #") ?? line.range(of: "\t#") { line = String(line[..<r.lowerBound]) }
            line = line.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { return nil }
            if line.contains("://") || line.hasPrefix("file:") { return line }
            return directory.appendingPathComponent(line).standardizedFileURL.absoluteString
        }
    }
}
