import ArgumentParser
import Foundation
import TidingsModel
import TidingsParsing

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse one feed document and print it as a JSON Feed 1.1 document.",
        discussion: "Items are printed in the article model (see docs/article-format.md). Reads standard input when FILE is '-'.")

    @Argument(help: "The feed document to parse, or '-' for standard input.")
    var file: String

    @Option(help: "The URL the document came from: the base for relative links and the feed id.")
    var url: String?

    @Option(help: "The charset the document was served with (as HTTP would give it).")
    var charset: String?

    func run() throws {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let source = url ?? (file == "-" ? "stdin:" : URL(fileURLWithPath: file).absoluteString)
        let document: FeedDocument
        do {
            document = try FeedParser.parse([UInt8](data), url: url, charset: charset)
        } catch {
            warn("\(file): \(error)")
            throw ExitCode(65)
        }
        let feed = FeedIdentity(id: ArticleIdentity.feedID(forURL: source), url: source,
                                title: document.title, homePageURL: document.homePageURL)
        let now = Date()
        let items = document.entries.map { Article.make(from: $0, feed: feed, seenAt: now) }
        let out = try Article.encoder().encode(JSONFeedDocument(feed: document, items: items))
        FileHandle.standardOutput.write(out)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
