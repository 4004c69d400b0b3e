/// Element content as the plain text the article model holds for titles,
/// summaries and descriptions. RSS writes these as HTML (escaped, CDATA, or
/// raw markup), so all of them go through the HTML renderer; text without
/// markup or references skips it.
enum PlainText {
    static func line(_ e: XMLElement) -> String { HTMLContent.line(e.htmlSource) }
    static func block(_ e: XMLElement) -> String { HTMLContent.text(e.htmlSource) }
}
