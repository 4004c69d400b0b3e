// swift-tools-version:6.0
import PackageDescription

// Dependencies are kept to two packages on purpose: clean builds on two cores
// are slow, and signal handling plus an HTTP test server are small enough to
// own (see Sources/TidingsCore/SignalWatcher.swift, Sources/TidingsTestSupport).
let package = Package(
    name: "Tidings",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tidingsd", targets: ["tidingsd"]),
        .executable(name: "tidings", targets: ["tidings"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // Tests only: the test server's gzip and deflate bodies.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "TidingsModel"),
        .target(name: "TidingsParsing", dependencies: ["TidingsModel", "CLibXML2"],
                exclude: ["XML/generate-entity-table.py"]),
        .target(name: "TidingsFetching", dependencies: ["CCurl"]),
        .target(name: "TidingsStore", dependencies: ["TidingsModel", "CSQLite"]),
        // A crash signal handler in C (only async-signal-safe calls): which
        // parse the process died in. See Sources/TidingsCore/CrashNote.swift.
        .target(name: "CCrashNote"),
        .target(name: "TidingsCore", dependencies: [
            "TidingsModel", "TidingsParsing", "TidingsFetching", "TidingsStore", "CCrashNote",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "tidingsd", dependencies: [
            "TidingsCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "tidings", dependencies: [
            "TidingsCore", "TidingsParsing", "TidingsModel", "TidingsStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The parser's fuzz target: `make fuzz` builds it with libFuzzer.
        .systemLibrary(name: "CFuzzer"),
        .executableTarget(name: "tidings-fuzz", dependencies: ["TidingsParsing", "CFuzzer"]),
        // Benchmarks beside peers: `make bench`. Not part of `make test`.
        .executableTarget(name: "tidings-bench", dependencies: [
            "TidingsParsing", "TidingsModel", "CLibXML2", "TidingsTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "TidingsTestSupport", dependencies: ["TidingsModel", "CZlib"]),

        .testTarget(name: "TidingsModelTests", dependencies: ["TidingsModel", "TidingsTestSupport"]),
        .testTarget(name: "TidingsParsingTests", dependencies: ["TidingsParsing", "TidingsTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TidingsFetchingTests", dependencies: ["TidingsFetching", "TidingsTestSupport"]),
        .testTarget(name: "TidingsStoreTests", dependencies: ["TidingsStore", "TidingsTestSupport"]),
        .testTarget(name: "TidingsCoreTests", dependencies: [
            "TidingsCore", "TidingsTestSupport", "TidingsStore", "TidingsModel",
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
