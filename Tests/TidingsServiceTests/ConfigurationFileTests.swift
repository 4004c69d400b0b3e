import Foundation
import Testing
import TidingsService
import TidingsTestSupport
import TidingsConfiguration

@Suite struct ConfigurationFileTests {
    func write(_ json: String) throws -> String {
        let path = TestPaths.temporaryDirectory() + "/tidings.json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func givenKeysOverrideDefaultsAndTheRestStay() throws {
        let config = try Configuration.load(try write("""
            {"poll_interval_seconds": 600, "output_directory": "/srv/out",
             "fetch": {"user_agent": "Mine/1", "maximum_transfers_per_host": 4, "refuse_private_addresses": true}}
            """))
        #expect(config.pollIntervalSeconds == 600)
        #expect(config.outputDirectory == "/srv/out")
        #expect(config.stateDirectory == Configuration().stateDirectory)
        #expect(config.fetch.userAgent == "Mine/1")
        #expect(config.fetch.maximumTransfersPerHost == 4)
        #expect(config.fetch.refusePrivateAddresses)
        #expect(config.fetch.maximumBodyBytes == Configuration().fetch.maximumBodyBytes)
    }

    /// Whole numbers are numbers (on Linux they also cast to Bool, which
    /// once made `{"move_confirmations": 1}` "not a number").
    @Test func wholeNumbersAndBooleansAreReadAsWritten() throws {
        let config = try Configuration.load(try write(#"{"move_confirmations": 1, "poll_interval_seconds": 1, "fetch": {"refuse_private_addresses": true}}"#),
                                            allowShortIntervals: true)
        #expect(config.moveConfirmations == 1)
        #expect(config.pollIntervalSeconds == 1)
        #expect(config.fetch.refusePrivateAddresses)
    }

    /// YAML with comments, the format the shipped example uses; and an
    /// empty file is the defaults.
    @Test func yamlWithCommentsReads() throws {
        let config = try Configuration.load(try write("""
            # how often a healthy feed is polled
            poll_interval_seconds: 900   # 15 minutes
            fetch:
              user_agent: "Mine/2"       # quoted or not
              refuse_private_addresses: true
            """))
        #expect(config.pollIntervalSeconds == 900)
        #expect(config.fetch.userAgent == "Mine/2" && config.fetch.refusePrivateAddresses)
        #expect(try Configuration.load(try write("# nothing set\n")) == Configuration())
    }

    /// Three mistakes, three messages, each with its key; and ranges hold.
    @Test func everyMistakeIsReportedAtOnce() throws {
        let path = try write(#"{"poll_intervall": 60, "poll_interval_seconds": 5, "fetch": {"maximum_transfers_per_host": 0}}"#)
        #expect {
            try Configuration.load(path)
        } throws: { error in
            let problems = (error as? Configuration.FileError)?.problems ?? []
            return problems.count == 3 && problems.contains("unknown key poll_intervall")
                && problems.contains("poll_interval_seconds must be at least 60, not 5")
                && problems.contains("fetch.maximum_transfers_per_host must be at least 1, not 0")
                && "\(error)".hasPrefix("\(path): 3 mistakes:")
        }
        #expect(try Configuration.load(try write(#"{"poll_interval_seconds": 5}"#), allowShortIntervals: true).pollIntervalSeconds == 5)
    }

    /// The example `make install` ships loads, and says what the defaults are.
    @Test func theShippedExampleLoadsAndHoldsTheDefaults() throws {
        var example = try Configuration.load(TestPaths.repository + "/systemd/tidings.example.yaml")
        #expect(example.stateDirectory == "/var/lib/tidings/state")
        #expect(example.outputDirectory == "/var/lib/tidings/out")
        example.stateDirectory = Configuration().stateDirectory
        example.outputDirectory = Configuration().outputDirectory
        #expect(example == Configuration(), "the example's values drifted from the defaults")
    }

    /// A mistake is reported with what the README promises: the key's name.
    @Test(arguments: [
        (#"{"poll_interval": 5}"#, "unknown key poll_interval"),
        (#"{"fetch": {"timeout": 5}}"#, "unknown key fetch.timeout"),
        (#"{"poll_interval_seconds": "soon"}"#, "poll_interval_seconds must be a number"),
        ("[1]", "not a mapping of keys to values"),
        ("poll_interval_seconds: [", "not valid YAML"),
        (#"{"move_confirmations": 1e300}"#, "move_confirmations must be a whole number"),
        (#"{"move_confirmations": 2.5}"#, "move_confirmations must be a whole number"),
        (#"{"fetch": {"refuse_private_addresses": 1}}"#, "refuse_private_addresses must be true or false"),
        (#"{"poll_interval_seconds": true}"#, "poll_interval_seconds must be a number"),
    ])
    func mistakesAreReportedByName(json: String, message: String) throws {
        let path = try write(json)
        #expect {
            try Configuration.load(path)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains(path)
        }
    }
}
