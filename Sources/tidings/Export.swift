import ArgumentParser
import Foundation
import TidingsParsing

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the followed feeds as OPML 2.0, categories as nested outlines.")

    @OptionGroup var state: StateOptions

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func run() throws {
        let feeds = try state.registry(readOnly: true).all().map {
            OPML.Feed(url: $0.url, title: $0.displayTitle, homePageURL: $0.homePageURL, category: $0.category)
        }
        let document = OPML.write(feeds)
        guard let output else {
            print(document, terminator: "")
            return
        }
        do {
            try document.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError("cannot write \(output): \(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data("tidings: exported \(feeds.count) feeds to \(output)\n".utf8))
    }
}
