import Foundation
import Testing
import TidingsModel
import TidingsParsing
import TidingsTestSupport

/// Each `Fixtures/NAME.xml|json` is parsed and compared with the hand-written
/// `NAME.expected.json`: every key written there must match (other keys are
/// free), arrays must have the same length. `_guid` names `_tidings.guid`.
@Suite struct GoldenFixtureTests {
    static let directory = Bundle.module.resourcePath! + "/Fixtures"
    static let names: [String] = TestPaths.files(under: directory, suffix: ".expected.json")
        .map { URL(fileURLWithPath: $0).lastPathComponent.replacingOccurrences(of: ".expected.json", with: "") }

    /// The sweep below runs one case per file it finds: a fixture folder
    /// that went missing from the bundle must fail, not pass with no cases.
    @Test func everyFixtureIsFound() {
        #expect(Self.names.count >= 17, "found \(Self.names.count) golden fixtures in \(Self.directory)")
    }

    @Test(arguments: names)
    func matchesExpectation(name: String) throws {
        let input = try #require(TestPaths.files(under: Self.directory, suffix: "").first {
            let file = URL(fileURLWithPath: $0).lastPathComponent
            return file.hasPrefix(name + ".") && !file.hasSuffix(".expected.json")
        })
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: input)))
        let document = try FeedParser.parse(bytes, url: nil)
        let actual = try ParsedJSON.object(for: document)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/\(name).expected.json")))
        var problems: [String] = []
        PartialMatch.compare(expected: expected, actual: actual, path: "$", problems: &problems)
        #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "; "))")
    }
}

enum ParsedJSON {
    /// The parsed document as `tidings parse` prints it, with `feed` and `_guid` added for matching.
    static func object(for document: FeedDocument) throws -> [String: Any] {
        let feed = FeedIdentity(id: "0000000000000000", url: "https://test.invalid/feed")
        let items = document.entries.map { Article.make(from: $0, feed: feed, seenAt: Date(timeIntervalSince1970: 0)) }
        let data = try Article.encoder().encode(JSONFeedDocument(feed: document, items: items))
        var top = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        var list = top["items"] as? [[String: Any]] ?? []
        for i in list.indices {
            list[i]["_guid"] = (list[i]["_tidings"] as? [String: Any])?["guid"] ?? NSNull()
        }
        top["items"] = list
        top["feed"] = top
        return top
    }
}

enum PartialMatch {
    static func compare(expected: Any, actual: Any?, path: String, problems: inout [String]) {
        switch expected {
        case let object as [String: Any]:
            guard let other = actual as? [String: Any] else { problems.append("\(path): not an object"); return }
            for (key, value) in object { compare(expected: value, actual: other[key], path: "\(path).\(key)", problems: &problems) }
        case let array as [Any]:
            guard let other = actual as? [Any], other.count == array.count else {
                problems.append("\(path): expected \(array.count) elements, got \((actual as? [Any])?.count ?? -1)")
                return
            }
            for (i, value) in array.enumerated() { compare(expected: value, actual: other[i], path: "\(path)[\(i)]", problems: &problems) }
        case is NSNull:
            if !(actual == nil || actual is NSNull) { problems.append("\(path): expected null, got \(actual!)") }
        default:
            if "\(expected)" != "\(actual ?? "nil")" { problems.append("\(path): expected \(expected), got \(actual ?? "nil")") }
        }
    }
}
