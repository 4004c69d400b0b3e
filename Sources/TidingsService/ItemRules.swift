import Foundation
import TidingsConfiguration
import TidingsModel
import TidingsStore

/// The configuration's keep and drop rules (`FeedRule`), compiled once per
/// round and applied to a document's entries before they are recorded: a
/// dropped item is not written, journaled or given to hooks.
/// `@unchecked Sendable`: `Regex<AnyRegexOutput>` is not marked Sendable,
/// but a compiled regex is immutable and matching does not change it.
public struct ItemRules: @unchecked Sendable {
    let rules: [(rule: FeedRule, regex: Regex<AnyRegexOutput>)]

    /// Rules that do not compile are left out: the configuration refuses
    /// them when it is read.
    public init(_ rules: [FeedRule]) {
        self.rules = rules.compactMap { rule in (try? rule.compiled().get()).map { (rule, $0) } }
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// Whether an entry is kept, and the rule that decided (nil: no rule did).
    public struct Verdict: Sendable {
        public var kept: Bool
        public var rule: FeedRule?
    }

    public func verdict(for entry: Entry, feed: FeedRecord) -> Verdict {
        let applicable = rules.filter { $0.rule.applies(toURL: feed.url, id: feed.id, category: feed.category) }
        let keeps = applicable.filter { $0.rule.action == .keep }
        var kept: FeedRule?
        if !keeps.isEmpty {
            guard let match = keeps.first(where: { matches($0.regex, $0.rule.field, entry) }) else {
                return Verdict(kept: false, rule: nil)
            }
            kept = match.rule
        }
        if let drop = applicable.first(where: { $0.rule.action == .drop && matches($0.regex, $0.rule.field, entry) }) {
            return Verdict(kept: false, rule: drop.rule)
        }
        return Verdict(kept: true, rule: kept)
    }

    /// The entries the rules keep, and how many they dropped.
    public func filter(_ entries: [Entry], feed: FeedRecord) -> (kept: [Entry], dropped: Int) {
        guard !rules.isEmpty else { return (entries, 0) }
        let kept = entries.filter { verdict(for: $0, feed: feed).kept }
        return (kept, entries.count - kept.count)
    }

    private func matches(_ regex: Regex<AnyRegexOutput>, _ field: FeedRule.Field, _ entry: Entry) -> Bool {
        Self.texts(field, entry).contains { (try? regex.firstMatch(in: $0)) != nil }
    }

    static func texts(_ field: FeedRule.Field, _ e: Entry) -> [String] {
        switch field {
        case .title: [e.title].compactMap { $0 }
        case .content: [e.contentText, e.contentHTML].compactMap { $0 }
        case .summary: [e.summary].compactMap { $0 }
        case .author: e.authors.compactMap(\.name)
        case .tag: e.tags
        case .link: [e.url, e.externalURL].compactMap { $0 }
        }
    }

    /// Identifies a rule set, so that a daemon can tell when it changed.
    public static func fingerprint(_ rules: [FeedRule]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(rules)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
