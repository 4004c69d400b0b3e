import Foundation

/// Where things are in the repository, and scratch directories for tests.
public enum TestPaths {
    /// The repository root, found from this file's own path.
    public static let repository: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    public static var feeds: String { repository + "/Feeds" }

    /// The conformance corpus's documents: `$CONFORMANCE/feedparser` (a
    /// path relative to the repository, as `make` passes it, or absolute),
    /// else `../shared/conformance/feedparser` beside the repository.
    public static var conformanceDocuments: String {
        let root = ProcessInfo.processInfo.environment["CONFORMANCE"] ?? "../shared/conformance"
        return (root.hasPrefix("/") ? root : repository + "/" + root) + "/feedparser"
    }

    /// Whether tests run in CI (`.ci/run` sets CI=true), where a missing
    /// corpus or tool is a failure, not a reason to skip.
    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }
    public static var articleSchema: String { repository + "/docs/article.v1.schema.json" }

    /// A fresh empty directory under the system temporary directory.
    public static func temporaryDirectory(_ label: String = "tidings-test") -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every regular file below `directory` whose name ends with `suffix`.
    public static func files(under directory: String, suffix: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: directory) else { return [] }
        return e.compactMap { $0 as? String }.map { directory + "/" + $0 }
            .filter { path in
                var isDirectory: ObjCBool = false
                return path.hasSuffix(suffix) && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                    && !isDirectory.boolValue
            }.sorted()
    }
}
