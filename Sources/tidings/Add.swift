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
        for url in urls where !(url.contains("://") || url.hasPrefix("file:")) {
            throw ValidationError("not a URL: \(url) (expected http://, https:// or file://)")
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
