import Foundation
import Testing
@testable import TidingsParsing

/// Every vector of `XSSVectors`, sanitized, read by this test's own small
/// reading of HTML (independent of the sanitizer's code): no element that
/// runs or loads code, no `on*` or `style` attribute, and every URL
/// attribute absolute `http`, `https` or `mailto` whatever control
/// characters hide in it. `BrowserSanitizerTests` asks Chromium the same.
@Suite struct SanitizerAttackTests {
    static let forbiddenElements = [
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "base",
        "meta", "link", "form", "button", "input", "isindex", "textarea", "template", "noscript", "xmp",
        "plaintext", "noembed", "title",
    ]
    static let forbiddenAttributes = ["style", "srcdoc", "formaction", "action", "background", "xlink:href", "data", "code"]
    static let urlAttributes = ["href", "src", "cite", "poster"]

    @Test(arguments: XSSVectors.all)
    func noScriptCanRun(vector: String) {
        let html = HTMLContent.render(vector, base: XSSVectors.base).html
        for problem in Self.problems(in: html) {
            Issue.record("\(vector.debugDescription) -> \(html.debugDescription): \(problem)")
        }
    }

    @Test(arguments: zip(XSSVectors.mustKeep.map(\.vector), XSSVectors.mustKeep.map(\.fragment)))
    func benignLinksSurvive(vector: String, fragment: String) {
        let html = HTMLContent.render(vector, base: XSSVectors.base).html
        #expect(html.contains(fragment), "\(html)")
    }

    /// The same vectors arriving as escaped HTML in a feed, through the whole parser.
    @Test func vectorsInAFeedDescription() throws {
        var xml = "<rss version=\"2.0\"><channel><title>x</title><link>https://feed.example/</link>"
        for (i, v) in XSSVectors.all.enumerated() {
            let escaped = v.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\u{0}", with: "")
                .replacingOccurrences(of: "\u{01}", with: "")
            xml += "<item xml:base=\"\(XSSVectors.base)\"><guid>\(i)</guid><description>\(escaped)</description></item>"
        }
        xml += "</channel></rss>"
        let entries = try FeedParser.parse(Array(xml.utf8)).entries
        #expect(entries.count == XSSVectors.all.count)
        for entry in entries {
            for problem in Self.problems(in: entry.contentHTML ?? "") {
                Issue.record("item \(entry.guid ?? "?"): \(problem) in \(entry.contentHTML ?? "")")
            }
        }
    }

    /// What is wrong with sanitized HTML, by a deliberately simple reading:
    /// our output quotes every attribute and escapes every `<` in text.
    static func problems(in html: String) -> [String] {
        var found: [String] = []
        let lower = html.lowercased()
        for name in forbiddenElements where lower.contains("<\(name)") && Self.isTagStart(lower, name) {
            found.append("element <\(name)>")
        }
        let tag = try! Regex(#"<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*/?>"#)
        let attribute = try! Regex(#"([^\s=>/]+)(?:="([^"]*)")?"#)
        for match in html.matches(of: tag) {
            guard let attributes = match.output[2].substring else { continue }
            for a in String(attributes).matches(of: attribute) {
                let name = String(a.output[1].substring ?? "").lowercased()
                let value = a.output[2].substring.map(String.init) ?? ""
                if name.hasPrefix("on") { found.append("event handler \(name)") }
                if forbiddenAttributes.contains(name) { found.append("attribute \(name)") }
                if urlAttributes.contains(name) {
                    let decoded = value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                        .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
                    // Stricter than a browser: every control and space anywhere is ignored.
                    let squeezed = String(decoded.unicodeScalars.filter { $0.value > 0x20 }).lowercased()
                    if !(squeezed.hasPrefix("https://") || squeezed.hasPrefix("http://") || squeezed.hasPrefix("mailto:")) {
                        found.append("\(name)=\(value.debugDescription) is not an absolute http(s) or mailto URL")
                    }
                }
            }
        }
        return found
    }

    /// `<name` followed by a character that ends a tag name (not `<b` of `<br>`).
    private static func isTagStart(_ html: String, _ name: String) -> Bool {
        var rest = html[...]
        while let r = rest.range(of: "<\(name)") {
            let next = rest[r.upperBound...].first
            if next == nil || next == " " || next == ">" || next == "/" || next == "\t" || next == "\n" { return true }
            rest = rest[r.upperBound...]
        }
        return false
    }
}
