import Testing
@testable import TidingsParsing

/// What `content_html` keeps and what it drops, as a reader of the HTML would see it.
@Suite struct SanitizerTests {
    func clean(_ html: String, base: String? = "https://example.com/a/") -> String {
        HTMLContent.render(html, base: base).html
    }

    @Test(arguments: ["script", "style", "iframe", "object", "embed", "form"])
    func dropsDangerousElementsWithTheirContent(tag: String) {
        let out = clean("<p>keep</p><\(tag)>evil()</\(tag)><p>too</p>")
        #expect(out == "<p>keep</p><p>too</p>")
    }

    @Test func dropsEventHandlersAndStyle() {
        #expect(clean(#"<p onclick="x()" onmouseover="y()" style="color:red" title="t">a</p>"#) == #"<p title="t">a</p>"#)
    }

    @Test(arguments: ["javascript:alert(1)", "JavaScript:alert(1)", "  javascript:x", "vbscript:msgbox", "data:text/html,x"])
    func dropsScriptURLs(url: String) {
        #expect(clean("<a href=\"\(url)\">x</a>") == "<a>x</a>")
        #expect(clean("<img src=\"\(url)\">") == "<img />")
    }

    @Test func resolvesRelativeURLsAgainstTheBase() {
        #expect(clean(#"<a href="../b">x</a><img src="c.png">"#)
            == #"<a href="https://example.com/b">x</a><img src="https://example.com/a/c.png" />"#)
    }

    @Test func keepsAttributesAfterAValuelessOne() {
        #expect(clean(#"<video controls src="v.mp4" poster="p.jpg"></video>"#)
            == #"<video controls="" src="https://example.com/a/v.mp4" poster="https://example.com/a/p.jpg"></video>"#)
        #expect(clean(#"<IMG SRC="c.png" ALT="A">"#) == #"<img src="https://example.com/a/c.png" alt="A" />"#)
    }

    @Test func keepsStructure() {
        let html = "<h2>T</h2><p>a <em>b</em> <strong>c</strong></p><ul><li>1</li><li>2</li></ul><ol><li>x</li></ol>"
            + "<blockquote><p>q</p></blockquote><pre><code>let x = 1</code></pre>"
            + "<table><tr><th>h</th></tr><tr><td>d</td></tr></table>"
        let out = clean(html)
        for piece in ["<h2>T</h2>", "<em>b</em>", "<strong>c</strong>", "<ul><li>1</li><li>2</li></ul>",
                      "<blockquote><p>q</p></blockquote>", "<pre><code>let x = 1</code></pre>", "<th>h</th>", "<td>d</td>"] {
            #expect(out.contains(piece), "missing \(piece) in \(out)")
        }
    }

    @Test func unwrapsUnknownElementsButKeepsTheirText() {
        #expect(clean("<custom-box><p>inside</p></custom-box>") == "<p>inside</p>")
    }

    @Test func escapesTextAndAttributes() {
        #expect(clean(#"<p title="a&quot;b">1 &lt; 2 &amp; 3</p>"#) == #"<p title="a&quot;b">1 &lt; 2 &amp; 3</p>"#)
    }

    @Test func textHasParagraphsAsBlankLineSeparatedBlocks() {
        let r = HTMLContent.render("<p>One  two\nthree</p><p>Four<br>five</p><ul><li>six</li></ul>", base: nil)
        #expect(r.text == "One two three\n\nFour\nfive\n\nsix")
    }

    @Test func deepNestingKeepsTextAndAbsurdNestingIsNotFatal() {
        let deep = String(repeating: "<span>", count: 150) + "deep" + String(repeating: "</span>", count: 150)
        #expect(HTMLContent.render(deep, base: nil).text == "deep")
        // libxml2 stops at its own depth limit (256); what matters is that we return.
        let absurd = String(repeating: "<div>", count: 100_000) + "x"
        _ = HTMLContent.render(absurd, base: nil)
    }
}
