import ArgumentParser

/// Benchmarks that print figures beside a peer measured in the same run.
/// Not tests: nothing here passes or fails on speed. Run with `make bench`.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings-bench",
        abstract: "Tidings benchmarks, each measured beside a peer on the same input.",
        subcommands: [ParseBench.self, PollBench.self, SoakBench.self, StoreBench.self, ClusterBench.self])
}
