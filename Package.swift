// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "heed",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "heed", targets: ["heed"]),
        .executable(name: "heed-bench", targets: ["heed-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(name: "CCursesShim", dependencies: ["CNcursesw"]),
        .target(name: "CSQLiteTuning", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "HeedCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "CSQLiteTuning",
            ],
            resources: [.embedInCode("Resources/config.example.json"), .embedInCode("Resources/sentiment-lexicon.tsv"),
                        .embedInCode("Resources/triage-cues.tsv"), .embedInCode("Resources/vader-lexicon.tsv")]
        ),
        .target(name: "HeedTUI", dependencies: ["HeedCore", "CNcursesw", "CCursesShim"]),
        .executableTarget(
            name: "heed",
            dependencies: [
                "HeedCore", "HeedTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "heed-bench",
            dependencies: [
                "HeedCore", "HeedTUI", "LocalHTTPServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // A real HTTP server on 127.0.0.1 that plays a network, for the tests and the benchmarks.
        .target(name: "LocalHTTPServer"),
        .target(
            name: "HeedTestSupport",
            dependencies: ["HeedCore", "HeedTUI", "LocalHTTPServer"],
            path: "Sources/HeedTestSupport"
        ),
        .testTarget(name: "HeedCoreTests", dependencies: ["HeedCore", "HeedTestSupport", .product(name: "Logging", package: "swift-log")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "HeedTUITests", dependencies: ["HeedTUI", "HeedTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "HeedCLITests", dependencies: ["HeedCore", "HeedTestSupport"]),
        // Run in release by scripts/test (tens of thousands of variants per payload).
        .testTarget(name: "HeedFuzzTests", dependencies: ["HeedCore", "HeedTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
