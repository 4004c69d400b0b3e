import Foundation

/// Durations as people write them, for flags and for `tidings status`.
extension Duration {
    /// "900", "900s", "15m", "1h", "1d" -> seconds; nil for anything else.
    public static func seconds(parsing text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            return Double(t.dropLast(suffix.count)).flatMap { $0.isFinite ? $0 * factor : nil }
        }
        return Double(t).flatMap { $0.isFinite ? $0 : nil }
    }

    /// Seconds the short way round: "45s", "15m", "2h", "1h30m", "3d".
    public static func text(seconds: Double) -> String {
        let s = Int(seconds.rounded())
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s"
        case ..<86_400: return s % 3600 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\((s % 3600) / 60)m"
        default: return s % 86_400 == 0 ? "\(s / 86_400)d" : "\(s / 86_400)d\((s % 86_400) / 3600)h"
        }
    }
}
