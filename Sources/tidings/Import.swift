import ArgumentParser
import Foundation
import TidingsFetching
import TidingsParsing
import TidingsStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow the feeds of an OPML file (as other readers export) or a list of URLs, one a line.",
        discussion: """
            Outlines nested in outlines without a feed become categories. Feeds already followed are \
            left as they are: importing twice adds nothing. A file that is not well-formed OPML is \
            refused whole, and so is a file that is neither OPML nor a list of URLs. A list may not \
            point the daemon at this machine: an entry naming a local file (file://) or a link-local \
            address (169.254.0.0/16, fe80::/10: a cloud's metadata service) refuses the import, \
            saying which. Feeds are not fetched here; a running daemon polls them within seconds.
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
        let directory = file == "-" ? nil : URL(fileURLWithPath: file).deletingLastPathComponent().path
        do { feeds = try OPML.read(bytes, directory: directory) } catch { throw CLIError("\(file): \(error); nothing imported") }
        let allowLinkLocal = state.configuration.fetch.allowLinkLocalAddresses
        let refused = feeds.compactMap { feed in
            (Add.problem(with: feed.url) ?? Self.danger(feed.url, allowLinkLocal: allowLinkLocal)).map { "\(feed.url): \($0)" }
        }
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

    /// Why a shared list may not name this URL, or nil: a local file
    /// (only the operator's own `add` or `--feeds` may), or a link-local
    /// address, unless the configuration allows those.
    static func danger(_ url: String, allowLinkLocal: Bool) -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else { return nil }
        if scheme == "file" {
            return "refused: a local file; a shared list may not name one (tidings add or tidingsd --feeds may)"
        }
        if AddressGuard.isLinkLocalLiteral(parts.host ?? ""), !allowLinkLocal {
            return "refused: a link-local address, where a cloud serves its metadata (fetch.allow_link_local_addresses allows it)"
        }
        return nil
    }
}
