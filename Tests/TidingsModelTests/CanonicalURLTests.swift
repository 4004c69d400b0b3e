import Testing
import TidingsModel

/// Each rule of the canonical URL (docs/article-format.md, "Identity"),
/// with the case that tells it apart.
@Suite struct CanonicalURLTests {
    @Test(arguments: [
        ("https://example.com/a", "//example.com/a"),
        ("http://example.com/a", "//example.com/a"),                       // http and https alike
        ("HTTPS://EXAMPLE.com/A", "//example.com/A"),                      // host lower-cased, path kept
        ("https://example.com:443/a", "//example.com/a"),                  // default ports dropped
        ("http://example.com:80/a", "//example.com/a"),
        ("http://example.com:8080/a", "//example.com:8080/a"),             // others kept
        ("https://example.com/a#comments", "//example.com/a"),             // fragment dropped
        ("https://example.com", "//example.com/"),                         // empty path is /
        ("https://user:pw@example.com/a", "//example.com/a"),              // user information dropped
        ("https://example.com./a", "//example.com/a"),                     // trailing dot of the host
        ("https://example.com/a?utm_source=rss&utm_medium=feed", "//example.com/a"),
        ("https://example.com/a?id=7&utm_campaign=x&page=2", "//example.com/a?id=7&page=2"),  // order kept
        ("https://example.com/a?b=2&a=1", "//example.com/a?b=2&a=1"),      // never sorted
        ("https://example.com/a?fbclid=1&gclid=2&dclid=3&mc_cid=4&mc_eid=5&igshid=6&_hsenc=7&_hsmi=8&yclid=9&ref_src=10",
         "//example.com/a"),
        ("https://example.com/a?UTM_Source=x&ref=home", "//example.com/a?ref=home"),
        ("https://[2001:db8::1]:8443/a", "//[2001:db8::1]:8443/a"),
        ("  https://example.com/a \n", "//example.com/a"),
    ])
    func canonicalForm(raw: String, canonical: String) {
        #expect(CanonicalURL.of(raw) == canonical)
    }

    @Test(arguments: ["ftp://example.com/a", "mailto:a@example.com", "/relative/path", "https:///nohost", "tag:x,2026:1",
                      "https://example.com:port/a"])
    func onlyAbsoluteHTTPURLsHaveOne(raw: String) {
        #expect(CanonicalURL.of(raw) == nil)
    }
}
