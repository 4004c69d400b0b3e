/// The allowlist behind `content_html`. Anything not named here is dropped:
/// unknown elements are unwrapped (their text kept), the elements in
/// `dropped` go with everything inside them.
enum SanitizePolicy {
    static let dropped: Set<String> = [
        "script", "style", "iframe", "object", "embed", "form", "noscript", "applet", "frame",
        "frameset", "template", "svg", "math", "head", "title", "meta", "link", "base", "button",
        "input", "select", "textarea", "canvas", "param", "noembed", "noframes", "xml",
    ]

    static let allowed: Set<String> = [
        "a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo", "big",
        "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
        "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "source",
        "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "time", "tr", "tt", "u", "ul", "var", "video", "wbr",
    ]

    static let void: Set<String> = ["br", "hr", "img", "col", "source", "wbr"]

    private static let common: Set<String> = ["title", "lang", "dir"]
    private static let perElement: [String: Set<String>] = [
        "a": ["href"],
        "img": ["src", "alt", "width", "height"],
        "td": ["colspan", "rowspan", "align", "valign"],
        "th": ["colspan", "rowspan", "align", "valign", "scope"],
        "ol": ["start", "type", "reversed"],
        "li": ["value"],
        "blockquote": ["cite"], "q": ["cite"], "del": ["cite", "datetime"], "ins": ["cite", "datetime"],
        "time": ["datetime"],
        "audio": ["src", "controls"],
        "video": ["src", "controls", "poster", "width", "height"],
        "source": ["src", "type"],
        "col": ["span"], "colgroup": ["span"],
        "font": ["color", "face", "size"],
    ]

    /// Attributes whose value is a URL: resolved against the base, dropped if script.
    static let urlAttributes: Set<String> = ["href", "src", "cite", "poster"]

    static func attributes(for tag: String) -> Set<String> {
        common.union(perElement[tag] ?? [])
    }

    /// Elements that end a paragraph in `content_text`.
    static let blocks: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
        "table", "tr", "dl", "dt", "dd", "figure", "figcaption", "section", "article", "header",
        "footer", "aside", "nav", "hr", "address", "main", "details", "summary", "caption", "center",
    ]
}
