import ArgumentParser
import Foundation
import TidingsParsing
import TidingsStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow the feeds of an OPML file (as other readers export) or a list of URLs, one a line.",
        discussion: """
            Outlines nested in outlines without a feed become categories. Feeds already followed are \
            left as they are: importing twice adds nothing. A file that is not well-formed OPML is \
            refused whole. Feeds are not fetched here; a running daemon polls them within seconds.
            """)

    @OptionGroup var state: StateOptions

    @Argument(help: "The OPML or text file; - for standard input.")
    var file: String

    func run() throws {
        let bytes: [UInt8]
        if file == "-" {
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            bytes = [UInt8](data)
        }
        let feeds: [OPML.Feed]
        do { feeds = try OPML.read(bytes) } catch { throw CLIError("\(file): \(error); nothing imported") }
        let refused = feeds.compactMap { feed in Add.problem(with: feed.url).map { "\(feed.url): \($0)" } }
        guard refused.isEmpty else {
            throw CLIError("\(file): \(refused.count) entries cannot be followed; nothing imported:\n  "
                           + refused.joined(separator: "\n  "))
        }
        let registry = try state.registry()
        let added = try registry.importFeeds(feeds.map {
            TidingsState.Imported(url: $0.url, title: $0.title, homePageURL: $0.homePageURL, category: $0.category)
        })
        print("imported \(added) new feed\(added == 1 ? "" : "s") of \(feeds.count) in \(file)")
    }
}
