import Foundation
import Logging
import TidingsService
import TidingsTestSupport
import TidingsConfiguration

/// A daemon on scratch directories, logging nowhere.
struct DaemonFixture {
    let root: String
    let configuration: Configuration

    init(root: String = TestPaths.temporaryDirectory()) {
        self.root = root
        var c = Configuration()
        c.stateDirectory = root + "/state"
        c.outputDirectory = root + "/out"
        configuration = c
    }

    init(root: String, configuration: Configuration) {
        self.root = root
        self.configuration = configuration
    }

    func daemon() throws -> Daemon {
        try Daemon(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    var articleFiles: [String] { TestPaths.files(under: root + "/out/articles", suffix: ".json") }

    func modificationTimes() -> [String: Date] {
        var out: [String: Date] = [:]
        for f in articleFiles {
            out[f] = (try? FileManager.default.attributesOfItem(atPath: f)[.modificationDate] as? Date) ?? nil
        }
        return out
    }
}
