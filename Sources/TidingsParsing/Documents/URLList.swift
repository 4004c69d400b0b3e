import Foundation

/// The plain subscription list, read the same way by `tidingsd --feeds`
/// and `tidings import`: one URL a line; `#` starts a comment at the start
/// of a line or after white space (so URLs with fragments survive); blank
/// lines are skipped. With the list's directory, a line naming a file
/// beside it becomes a `file:` URL (how the bundled sample feeds work
/// offline). Anything else is not a list of URLs: binary data, or a line
/// that is neither a URL nor such a file, refuses the whole list, saying
/// which line, escaped, in one line.
public enum URLList {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public static func read(_ bytes: [UInt8], directory: String?) throws(Failure) -> [String] {
        if bytes.contains(0) || String(validatingUTF8: bytes.map { CChar(bitPattern: $0) } + [0]) == nil {
            throw Failure(description: "neither OPML nor a list of URLs: binary data")
        }
        var urls: [String] = []
        let lines = String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (number, raw) in lines.enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            if let r = line.range(of: " #") ?? line.range(of: "\t#") { line = String(line[..<r.lowerBound]) }
            line = line.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if isURL(line) {
                urls.append(line)
            } else if let directory, let url = beside(directory, line) {
                urls.append(url)
            } else {
                throw Failure(description: "neither OPML nor a list of URLs: line \(number + 1) is not a URL: "
                              + quoted(String(line.prefix(80))))
            }
        }
        return urls
    }

    /// `scheme://…` or `file:…`, with no white space or control character in it.
    static func isURL(_ line: String) -> Bool {
        guard line.contains("://") || line.lowercased().hasPrefix("file:") else { return false }
        guard let scheme = line.split(separator: ":").first, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
              scheme.first?.isLetter == true else { return false }
        return !line.unicodeScalars.contains { $0.value <= 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// A file beside the list, as a `file:` URL, when it exists.
    static func beside(_ directory: String, _ line: String) -> String? {
        guard !line.contains("://") else { return nil }
        let url = URL(fileURLWithPath: directory).appendingPathComponent(line).standardizedFileURL
        return FileManager.default.fileExists(atPath: url.path) ? url.absoluteString : nil
    }

    /// Control characters escaped, so an error message cannot drive a terminal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\x" + String(format: "%02x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
