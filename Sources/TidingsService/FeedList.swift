import Foundation
import TidingsParsing

/// `tidingsd --feeds FILE`: a list of URLs read by the same rules as
/// `tidings import` (`URLList`), relative lines naming documents beside it.
public enum FeedList {
    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func read(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "cannot read feed list \(path)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            return try URLList.read([UInt8](data), directory: directory)
        } catch {
            throw ReadError(description: "\(path): \(error)")
        }
    }
}
