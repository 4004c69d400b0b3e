import Testing
@testable import TidingsParsing

/// The shortcut for common relative links must give exactly what libxml2's
/// RFC 3986 resolution gives, or decline.
@Suite struct URLResolverTests {
    static let bases = [
        "https://example.com", "https://example.com/", "http://example.com/blog/", "https://example.com/blog/post.html",
        "https://example.com/blog/post.html?page=2#top", "https://example.com:8080/a/b/c", "http://example.com?x=1",
        "https://example.com/a/./b/", "https://example.com/a/../b/c", "https://EXAMPLE.com/A/B", "ftp://example.com/a/",
        "https://example.com/a%20b/c", "https://user@example.com/a/", "https://example.com/a b/",
    ]
    static let references = [
        "/img/1.jpg", "img/1.jpg", "2.html", "/", "a/b/c.png", "/a/b?x=1&y=2", "page?id=3#frag", "#frag", "?q=1",
        "./x", "../x", "a/./b", "a/../b", "/a/..", ".", "..", "//cdn.example.com/x.jpg", "a%20b.png", "a b.png",
        "caf\u{E9}.html", "x:y", "/~user/", "a_b-c.d~e", "/a//b", "a#b?c", "/\u{7C}pipe",
    ]

    @Test func shortcutAgreesWithLibxml2() {
        var taken = 0
        for base in Self.bases {
            for ref in Self.references {
                guard let simple = URLResolver.simpleResolve(ref, base) else { continue }
                taken += 1
                #expect(simple == URLResolver.build(ref, base), "\(ref) against \(base)")
            }
        }
        #expect(taken >= 40)  // the shortcut is actually used for the common cases
    }

    @Test func commonLinksResolve() {
        #expect(URLResolver.resolve("/img/1.jpg", against: "https://site.example/blog/") == "https://site.example/img/1.jpg")
        #expect(URLResolver.resolve("2.html", against: "https://site.example/blog/1.html") == "https://site.example/blog/2.html")
        #expect(URLResolver.resolve("../x", against: "https://site.example/a/b/") == "https://site.example/a/x")
        #expect(URLResolver.resolve("caf\u{E9}", against: "https://site.example/") == "https://site.example/caf\u{E9}")
    }
}

extension URLResolverTests {
    /// The bit table behind the shortcut says "plain" for exactly letters, digits and `-._~/?#=&`.
    @Test func plainBytesAreExactlyTheUnreservedOnes() {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?#=&".utf8)
        for byte in 0...255 {
            let s = String(decoding: [UInt8(byte)], as: UTF8.self)
            let expected = plain.contains(UInt8(byte))
            #expect(URLResolver.allPlain(s) == expected, "byte \(byte)")
            #expect(URLResolver.allPlain(s, orColon: true) == (expected || byte == 0x3A), "byte \(byte)")
        }
        #expect(URLResolver.allPlain("/img/1.jpg") && !URLResolver.allPlain("/a b") && !URLResolver.allPlain("/caf\u{E9}"))
    }
}
