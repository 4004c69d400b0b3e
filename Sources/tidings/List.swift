import ArgumentParser
import Foundation

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List followed feeds: id, URL and title.")

    @OptionGroup var state: StateOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let feeds = try state.registry(readOnly: true).all()
        if json {
            let rows = feeds.map { ["id": $0.id, "url": $0.url, "title": $0.title as Any? ?? NSNull()] as [String: Any] }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        for f in feeds { print("\(f.id)  \(f.url)\(f.title.map { "  \($0)" } ?? "")") }
    }
}
