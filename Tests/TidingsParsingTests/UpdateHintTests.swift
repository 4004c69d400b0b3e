import Testing
import TidingsModel
import TidingsParsing

/// What a feed says about how often it changes, as the schedule reads it.
@Suite struct UpdateHintTests {
    func hint(_ channel: String, root: String = #"<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">"#) throws
        -> FeedDocument.UpdateHint? {
        try FeedParser.parse(Array((root + "<channel><title>t</title>" + channel + "</channel></rss>").utf8),
                             url: "https://example.com/feed").updateHint
    }

    @Test func ttlIsInMinutes() throws {
        #expect(try hint("<ttl>90</ttl>") == .init(seconds: 5400, source: "ttl"))
    }

    @Test func syndicationPeriodOverFrequency() throws {
        #expect(try hint("<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>")
            == .init(seconds: 43_200, source: "sy:updatePeriod"))
        #expect(try hint("<sy:updatePeriod> Hourly </sy:updatePeriod>") == .init(seconds: 3600, source: "sy:updatePeriod"))
        // ttl first when both are there.
        #expect(try hint("<sy:updatePeriod>weekly</sy:updatePeriod><ttl>60</ttl>")?.source == "ttl")
    }

    @Test func nonsenseIsNoHint() throws {
        #expect(try hint("<ttl>soon</ttl>") == nil)
        #expect(try hint("<ttl>-5</ttl>") == nil)
        #expect(try hint("<sy:updatePeriod>fortnightly</sy:updatePeriod>") == nil)
        #expect(try hint("<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>") == nil)
        #expect(try hint("") == nil)
    }
}
