import ArgumentParser
import Foundation

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow one or more feeds.",
        discussion: "A running daemon picks new feeds up within seconds. Adding a feed twice is harmless.")

    @OptionGroup var state: StateOptions

    @Argument(help: "Feed URLs (http, https, or file for local documents).")
    var urls: [String]

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("give at least one URL") }
        for url in urls {
            if let problem = Self.problem(with: url) { throw ValidationError("cannot follow \(url): \(problem)") }
        }
    }

    /// Why a string is not a feed URL Tidings can poll, or nil: http and
    /// https need a host, file needs a path; nothing else is fetched.
    static func problem(with url: String) -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            return "not a URL (expected http://, https:// or file://)"
        }
        switch scheme {
        case "http", "https":
            return (parts.host ?? "").isEmpty ? "a \(scheme) URL needs a host" : nil
        case "file":
            return parts.path.isEmpty ? "a file URL needs a path" : nil
        default:
            return "the \(scheme) scheme is not fetched (http, https or file only)"
        }
    }

    func run() throws {
        let registry = try state.registry()
        for url in urls {
            let (record, added) = try registry.add(url: url)
            print("\(added ? "added" : "already followed") \(record.id) \(record.url)")
        }
    }
}
