import Foundation
import Testing
import TidingsModel
import TidingsService

/// The schedule's rules as a table: each source of an interval in its
/// order, the bounds, and the jitter.
@Suite struct ScheduleTests {
    let schedule = Schedule(configuredInterval: 1800, bounds: 900...86_400)
    let now = Date(timeIntervalSince1970: 1_800_000_000)  // Fri, 15 Jan 2027 08:00:00 GMT
    var hourly: [Date] { (0..<10).map { now.addingTimeInterval(-Double($0) * 3600) } }

    struct Row: Sendable, CustomTestStringConvertible {
        var label: String
        var operatorSetting: Double? = nil
        var cacheControl: String? = nil
        var expires: String? = nil
        var hint: FeedDocument.UpdateHint? = nil
        var gapsHours: [Double] = []
        var seconds: Double
        var source: Schedule.Source
        var testDescription: String { label }
    }

    static let rows: [Row] = [
        Row(label: "nothing said: the configured interval", seconds: 1800, source: .configured),
        Row(label: "the operator wins over everything", operatorSetting: 7200, cacheControl: "max-age=600",
            hint: .init(seconds: 3600, source: "ttl"), seconds: 7200, source: .operatorSetting),
        Row(label: "the operator is not clamped", operatorSetting: 120, seconds: 120, source: .operatorSetting),
        Row(label: "max-age over ttl", cacheControl: "public, max-age=3600", hint: .init(seconds: 600, source: "ttl"),
            seconds: 3600, source: .cacheControl),
        Row(label: "s-maxage counts as max-age", cacheControl: "s-maxage=5400", seconds: 5400, source: .cacheControl),
        Row(label: "max-age under the minimum is raised to it", cacheControl: "max-age=5", seconds: 900, source: .cacheControl),
        Row(label: "max-age over the maximum is cut to it", cacheControl: "max-age=604800", seconds: 86_400, source: .cacheControl),
        Row(label: "no-cache says nothing: the next rule decides", cacheControl: "no-cache, max-age=60",
            hint: .init(seconds: 7200, source: "ttl"), seconds: 7200, source: .ttl),
        Row(label: "Expires when no max-age", expires: "Fri, 15 Jan 2027 10:00:00 GMT", seconds: 7200, source: .expires),
        Row(label: "Expires in the past is the minimum", expires: "Fri, 15 Jan 2027 07:00:00 GMT", seconds: 900, source: .expires),
        Row(label: "ttl", hint: .init(seconds: 3 * 3600, source: "ttl"), seconds: 10_800, source: .ttl),
        Row(label: "sy:updatePeriod", hint: .init(seconds: 43_200, source: "sy:updatePeriod"), gapsHours: [1, 1, 1],
            seconds: 43_200, source: .syndication),
        Row(label: "publishing cadence: half the median gap", gapsHours: [2, 2, 4, 4, 4], seconds: 7200, source: .cadence),
        Row(label: "cadence of a busy feed is held at the minimum", gapsHours: [0.1, 0.1, 0.1], seconds: 900, source: .cadence),
        Row(label: "cadence of a quiet feed is held at the maximum", gapsHours: [240, 240, 240], seconds: 86_400, source: .cadence),
        Row(label: "two dated items are no cadence", gapsHours: [5], seconds: 1800, source: .configured),
    ]

    @Test(arguments: rows)
    func intervalComesFromTheFirstSourceThatSpeaks(row: Row) {
        var dates: [Date] = []
        if !row.gapsHours.isEmpty {
            var t = now
            dates.append(t)
            for gap in row.gapsHours {
                t = t.addingTimeInterval(-gap * 3600)
                dates.append(t)
            }
        }
        let decision = schedule.interval(operatorSetting: row.operatorSetting, cacheControl: row.cacheControl,
                                         expires: row.expires, hint: row.hint, publishedDates: dates.shuffled(), now: now)
        #expect(decision.seconds == row.seconds)
        #expect(decision.source == row.source)
    }

    @Test func onlyTheTenNewestItemsCount() {
        // Ten hourly items, then years-old ones that would drag a median out.
        let dates = hourly + (1...20).map { now.addingTimeInterval(-Double($0) * 86_400 * 365) }
        let d = schedule.interval(operatorSetting: nil, cacheControl: nil, expires: nil, hint: nil, publishedDates: dates, now: now)
        #expect(d.seconds == 1800 && d.source == .cadence)
    }

    @Test func jitterStaysWithinTenPercentAndSpreadsFeeds() {
        var random = SystemRandomNumberGenerator()
        let delays = (0..<2000).map { _ in Schedule.jittered(3600, using: &random) }
        #expect(delays.allSatisfy { $0 >= 3240 && $0 <= 3960 })
        #expect(delays.min()! < 3300 && delays.max()! > 3900, "the whole ±10% is used")
        #expect(Set(delays.map { Int($0) }).count > 500, "feeds polled together drift apart")
    }
}
