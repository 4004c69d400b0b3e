// swift-tools-version:6.2
import PackageDescription

// Dependencies are kept short on purpose: clean builds on two cores are slow.
// swift-service-lifecycle earns its ~55 s: ordered graceful shutdown on
// SIGTERM/SIGINT for the daemon's services. An HTTP test server is small
// enough to own (Sources/TidingsTestSupport).
//
// Linux only (Glibc, libcurl, libxml2, SQLite, systemd), Swift 6.2 or newer;
// SwiftPM cannot say "Linux only", so no `platforms` line claims otherwise.
let package = Package(
    name: "Tidings",
    products: [
        .executable(name: "tidingsd", targets: ["tidingsd"]),
        .executable(name: "tidings", targets: ["tidings"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // YAML for the configuration file: comments, and JSON still reads
        // (it is YAML). About 30 s of clean build.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // SHA-256 of fetched bodies (TidingsService.BodyDigest): the
        // package's own SHA256 took 5.7% of a cold poll's CPU on bodies
        // alone; libcrypto uses the CPU's SHA extensions, and libcurl
        // links it already, so it costs no build time and no new library.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Tests only: the test server's gzip and deflate bodies.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "TidingsModel"),
        .target(name: "TidingsParsing", dependencies: ["TidingsModel", "CLibXML2"],
                exclude: ["XML/generate-entity-table.py"]),
        // Configuration and the version, shared by both executables, with no
        // network or C code. (The CLI links libcurl all the same: `add` and
        // `poll` fetch through the daemon's engine.)
        .target(name: "TidingsConfiguration", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "TidingsFetching", dependencies: ["CCurl", "TidingsConfiguration"]),
        // PostgreSQL for a state shared by several nodes (`state_url`):
        // libpq, the reference client, as a system library like SQLite. It
        // costs no build time (postgres-nio took 6 min 54 s of clean release
        // build alone on two cores, and `make test` builds five
        // configurations), speaks LISTEN/NOTIFY, and is synchronous, as
        // the state's interface is (`TidingsState` is used from one thread).
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "TidingsStore", dependencies: ["TidingsModel", "CSQLite", "CPostgres"]),
        // A crash signal handler in C (only async-signal-safe calls): which
        // parse the process died in. See Sources/TidingsService/CrashNote.swift.
        .target(name: "CCrashNote"),
        // The service: scheduler, poller, ledger, quarantine, sd_notify.
        .target(name: "TidingsService", dependencies: [
            "TidingsModel", "TidingsParsing", "TidingsFetching", "TidingsStore", "TidingsConfiguration", "CCrashNote", "CCrypto",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "tidingsd", dependencies: [
            "TidingsService", "TidingsConfiguration", "TidingsStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // The CLI fetches what a person pastes (`add`) and polls when no
        // daemon runs (`poll`): through the daemon's own engine.
        .executableTarget(name: "tidings", dependencies: [
            "TidingsConfiguration", "TidingsParsing", "TidingsModel", "TidingsStore", "TidingsFetching",
            "TidingsService",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The parser's fuzz target: `make fuzz` builds it with libFuzzer.
        .systemLibrary(name: "CFuzzer"),
        .executableTarget(name: "tidings-fuzz", dependencies: ["TidingsParsing", "CFuzzer"]),
        // Benchmarks beside peers: `make bench`. Not part of `make test`.
        .executableTarget(name: "tidings-bench", dependencies: [
            "TidingsParsing", "TidingsModel", "TidingsStore", "CLibXML2", "TidingsTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "TidingsTestSupport", dependencies: ["TidingsModel", "TidingsStore", "CZlib"]),

        .testTarget(name: "TidingsModelTests", dependencies: ["TidingsModel", "TidingsTestSupport"]),
        .testTarget(name: "TidingsParsingTests", dependencies: ["TidingsParsing", "TidingsTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TidingsFetchingTests", dependencies: ["TidingsFetching", "TidingsConfiguration", "TidingsTestSupport"]),
        .testTarget(name: "TidingsStoreTests", dependencies: ["TidingsStore", "TidingsTestSupport"]),
        .testTarget(name: "TidingsServiceTests", dependencies: [
            "TidingsService", "TidingsConfiguration", "TidingsTestSupport", "TidingsStore", "TidingsModel",
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
