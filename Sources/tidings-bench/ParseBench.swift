import ArgumentParser
import Foundation
import TidingsModel
import TidingsParsing

/// Parse + normalize a generated corpus in-process, beside libxml2's bare
/// SAX tokenizer (`xmllint --sax --noout`) on the same files.
struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Parser throughput beside xmllint --sax --noout.")

    @Option(help: "How many feeds to generate.") var feeds = 3000
    @Option(help: "Where the corpus is kept between runs.") var corpus = ".build/bench-corpus"
    @Option(help: "Repetitions; the fastest counts.") var runs = 3

    func run() throws {
        var generator = CorpusGenerator(seed: 42)
        let paths = try generator.write(count: feeds, to: corpus)
        let documents = try paths.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let bytes = documents.reduce(0) { $0 + $1.count }
        let megabytes = Double(bytes) / 1_048_576

        let fragments = LibXMLFloor.fragments(of: documents)
        let fragmentMegabytes = Double(fragments.reduce(0) { $0 + $1.count }) / 1_048_576

        // The contenders take turns, so a slow spell of this shared machine
        // hits them alike; each keeps its fastest run.
        var items = 0
        var ours: [Measurement] = [], xmllint: [Measurement] = [], xmlPasses: [Measurement] = [], htmlPasses: [Measurement] = []
        for _ in 0..<runs {
            let (measured, count) = try parseAll(documents)
            ours.append(measured)
            items = count
            xmllint.append(try Measurement.ofProcess("/usr/bin/xmllint", ["--sax", "--noout"] + paths))
            xmlPasses.append(LibXMLFloor.xmlPass(documents))
            htmlPasses.append(LibXMLFloor.htmlPass(fragments))
        }
        let best = { (all: [Measurement]) in all.min { $0.cpu < $1.cpu }! }
        let (tidings, peer, xmlPass, htmlPass) = (best(ours), best(xmllint), best(xmlPasses), best(htmlPasses))
        let floor = xmlPass.cpu + htmlPass.cpu

        print("corpus: \(feeds) feeds, \(items) items, \(format(megabytes)) MB (\(corpus))")
        print(pad("", 34) + pad("cpu s", 9) + pad("wall s", 9) + pad("MB/s", 9) + "items/s")
        print(pad("tidings parse + normalize", 34) + pad(format(tidings.cpu, 2), 9) + pad(format(tidings.wall, 2), 9)
              + pad(format(megabytes / tidings.cpu), 9) + format(Double(items) / tidings.cpu, 0))
        print(pad("xmllint --sax --noout", 34) + pad(format(peer.cpu, 2), 9) + pad(format(peer.wall, 2), 9)
              + pad(format(megabytes / peer.cpu), 9) + "-")
        print(pad("libxml2 XML pass, in-process", 34) + pad(format(xmlPass.cpu, 2), 9) + pad(format(xmlPass.wall, 2), 9)
              + pad(format(megabytes / xmlPass.cpu), 9) + "-")
        print(pad("libxml2 HTML pass, in-process", 34) + pad(format(htmlPass.cpu, 2), 9) + pad(format(htmlPass.wall, 2), 9)
              + pad(format(fragmentMegabytes / htmlPass.cpu), 9) + "-   (\(fragments.count) fragments, \(format(fragmentMegabytes)) MB)")
        // Noise only ever adds time, so each contender's fastest run is the
        // headline. Each run also measures both back to back; the median and
        // range of those per-run ratios show how much the machine wandered.
        let ratios = zip(ours, xmllint).map { $0.cpu / $1.cpu }.sorted()
        let median = ratios.count % 2 == 1 ? ratios[ratios.count / 2]
            : (ratios[ratios.count / 2 - 1] + ratios[ratios.count / 2]) / 2
        print("ratio (cpu): \(format(tidings.cpu / peer.cpu, 2))x xmllint's time, fastest against fastest"
              + " (per-run ratios: median \(format(median, 2))x, range \(format(ratios.first!, 2))-\(format(ratios.last!, 2))x)")
        print("libxml2's own two passes (no Swift code) take \(format(floor / peer.cpu, 2))x xmllint's time;"
              + " ours is \(format(tidings.cpu / floor, 2))x theirs")
    }

    /// Parses and normalizes every document, as the daemon does after a fetch.
    private func parseAll(_ documents: [[UInt8]]) throws -> (Measurement, items: Int) {
        var items = 0
        var failures = 0
        let measured = Measurement.of {
            for (i, doc) in documents.enumerated() {
                do {
                    let parsed = try FeedParser.parse(doc, url: "https://bench.example/\(i)")
                    let feed = FeedIdentity(id: "0000000000000000", url: "https://bench.example/\(i)")
                    let articles = parsed.entries.map { Article.make(from: $0, feed: feed, seenAt: Date(timeIntervalSince1970: 0)) }
                    items += articles.count
                } catch {
                    failures += 1
                }
            }
        }
        if failures > 0 { throw ValidationError("\(failures) generated feeds failed to parse") }
        return (measured, items)
    }

}
