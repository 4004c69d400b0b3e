import Foundation
import Testing
import TidingsTestSupport
@testable import TidingsParsing

/// A real browser judges `content_html`: every vector of `XSSVectors`,
/// sanitized, is put in one page that headless Chromium (Debian's
/// `chromium`) loads; a script of ours then reads the DOM the browser
/// built and reports any element that can run or load code, any `on*`
/// attribute, any URL that resolves to `javascript:`, `vbscript:` or
/// `data:` (data: images aside), and any call of `alert`. Two unsanitized
/// vectors ride along as controls: the judge must catch them, or it is not
/// judging anything. Runs when Chromium is installed (`.ci/run` installs
/// it); in CI a missing Chromium fails the test.
@Suite(.timeLimit(.minutes(4))) struct BrowserSanitizerTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil), .timeLimit(.minutes(3)))
    func chromiumFindsNothingThatCanRun() throws {
        let chromium = try #require(Self.chromium, "CI must install Debian's chromium for this test")
        let controls = ["<img src=\"x\" onerror=\"alert('control')\">", "<a href=\"jav&#x0A;ascript:alert(1)\">control</a>"]
        var body = ""
        for (i, vector) in XSSVectors.all.enumerated() {
            body += "<div class=\"vector\" id=\"v\(i)\">\(HTMLContent.render(vector, base: XSSVectors.base).html)</div>\n"
        }
        for (i, control) in controls.enumerated() { body += "<div class=\"vector\" id=\"control\(i)\">\(control)</div>\n" }
        let page = Self.page(body: body)
        let directory = TestPaths.temporaryDirectory("tidings-browser")
        try page.write(toFile: directory + "/page.html", atomically: true, encoding: .utf8)

        let dom = try Self.dumpDOM(chromium, url: "file://\(directory)/page.html", profile: directory + "/profile")
        let report = try Self.report(from: dom)
        #expect(report.vectors == XSSVectors.all.count + controls.count, "the browser saw every vector")
        let problems = report.problems.filter { !$0.hasPrefix("control") }
        #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(20).joined(separator: "\n"))\n\(Self.vectors(for: problems))")
        #expect(report.ran == ["control"], "script that ran: \(report.ran)")
        #expect(report.problems.contains { $0.hasPrefix("control0:") && $0.contains("onerror") }, "the judge missed an event handler")
        #expect(report.problems.contains { $0.hasPrefix("control1:") && $0.contains("javascript:") }, "the judge missed a javascript: URL")
    }

    struct Report: Decodable {
        var vectors: Int
        var problems: [String]
        var ran: [String]
    }

    static func report(from dom: String) throws -> Report {
        let start = try #require(dom.range(of: "<pre id=\"result\">"), "no result in the page: the browser navigated or the script failed")
        let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
        let text = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode(Report.self, from: Data(text.utf8))
    }

    static func vectors(for problems: [String]) -> String {
        let ids = Set(problems.compactMap { $0.split(separator: ":").first }.compactMap { Int($0.dropFirst()) })
        return ids.sorted().map { "v\($0): \(XSSVectors.all[$0].debugDescription)" }.joined(separator: "\n")
    }

    /// Chromium's DOM after load, through `timeout` so that a browser that
    /// hangs fails the test instead of holding it; written to a file, since
    /// Chromium's helper processes may keep a pipe open after it exits.
    static func dumpDOM(_ chromium: String, url: String, profile: String) throws -> String {
        let output = profile + ".dom.html"
        let usage = try ChildProcess.spawn("/usr/bin/timeout", [
            "-k", "5", "90", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=\(profile)", "--virtual-time-budget=5000", "--dump-dom", url,
        ], stdout: output).wait()
        #expect(usage.status == 0, "chromium exited with \(usage.status)")
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    static func page(body: String) -> String {
        """
        <!doctype html><html><head><meta charset="utf-8"><base href="\(XSSVectors.base)">
        <script>
        window.__ran = [];
        window.alert = window.confirm = window.prompt = function (m) { window.__ran.push(String(m)); };
        </script></head><body>
        \(body)
        <pre id="result"></pre>
        <script>
        function judge() {
          var XHTML = 'http://www.w3.org/1999/xhtml';
          var code = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'meta', 'link',
                      'form', 'style', 'svg', 'math', 'template', 'noscript', 'button', 'input', 'textarea', 'select',
                      'portal', 'isindex'];
          var urls = ['href', 'src', 'action', 'formaction', 'poster', 'background', 'data', 'cite', 'xlink:href', 'codebase'];
          var problems = [];
          var vectors = document.querySelectorAll('div.vector');
          vectors.forEach(function (div) {
            div.querySelectorAll('*').forEach(function (el) {
              var where = div.id + ': <' + el.localName + '>';
              if (el.namespaceURI !== XHTML) problems.push(where + ' in namespace ' + el.namespaceURI);
              if (code.indexOf(el.localName) >= 0) problems.push(where + ' can run or load code');
              for (var i = 0; i < el.attributes.length; i++) {
                var a = el.attributes[i], name = a.name.toLowerCase();
                if (name.indexOf('on') === 0) problems.push(where + ' has ' + name);
                if (['style', 'srcdoc', 'formaction', 'action'].indexOf(name) >= 0) problems.push(where + ' has ' + name);
                var values = name === 'srcset' ? a.value.split(',').map(function (c) { return c.trim().split(/\\s+/)[0]; })
                           : (urls.indexOf(name) >= 0 ? [a.value] : []);
                values.forEach(function (v) {
                  var protocol;
                  try { protocol = new URL(v, document.baseURI).protocol; } catch (e) { protocol = 'invalid:'; }
                  var dataImage = protocol === 'data:' && el.localName === 'img' && name === 'src';
                  if (protocol === 'javascript:' || protocol === 'vbscript:' || (protocol === 'data:' && !dataImage))
                    problems.push(where + ' ' + name + ' resolves to ' + protocol);
                });
              }
            });
          });
          document.getElementById('result').textContent =
            JSON.stringify({ vectors: vectors.length, problems: problems, ran: window.__ran });
        }
        window.addEventListener('load', function () { setTimeout(judge, 1000); });
        </script></body></html>
        """
    }
}
