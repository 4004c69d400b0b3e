import Foundation
import Testing
import TidingsTestSupport

/// `HTMLEntityTable.swift` is generated from the WHATWG list by the script
/// beside it; a hand edit, or a table that drifted from the list, fails here.
@Suite struct GeneratedTableTests {
    @Test(.timeLimit(.minutes(1)))
    func entityTableIsWhatTheGeneratorWrites() throws {
        let script = TestPaths.repository + "/Sources/TidingsParsing/XML/generate-entity-table.py"
        let usage = try ChildProcess.spawn("/usr/bin/python3", [script, "--check"]).wait()
        #expect(usage.status == 0, "run python3 \(script) to regenerate the table")
    }
}
