import Foundation

/// Exponential back-off with jitter for a failing feed: the first retry
/// after a quarter of the interval, doubling up to the cap, never giving up.
enum Backoff {
    static func delay(failures: Int, base: Double, cap: Double) -> Double {
        let exponent = Double(min(max(failures - 1, 0), 30))
        let raw = min(cap, base / 4 * pow(2, exponent))
        // ±20 % so that feeds that failed together do not retry together.
        return raw * Double.random(in: 0.8...1.2)
    }
}
