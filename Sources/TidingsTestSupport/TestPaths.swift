import Foundation

/// Where things are in the repository, and scratch directories for tests.
public enum TestPaths {
    /// The repository root, found from this file's own path.
    public static let repository: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    public static var feeds: String { repository + "/Feeds" }
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
