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
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(name: "CCursesShim", dependencies: ["CNcursesw"]),
        // The SQLite heed runs on, whatever the system has (Sources/CSQLite/README.md).
        .target(name: "CSQLite", exclude: ["README.md"], cSettings: sqliteSettings),
        .target(
            name: "HeedCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                "CSQLite",
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
        .testTarget(name: "HeedCoreTests", dependencies: ["HeedCore", "HeedTestSupport", .product(name: "Logging", package: "swift-log"),
                                                    .product(name: "NIOCore", package: "swift-nio")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "HeedTUITests", dependencies: ["HeedTUI", "HeedTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "HeedCLITests", dependencies: ["HeedCore", "HeedTestSupport"]),
        // Run in release by scripts/test (tens of thousands of variants per payload).
        .testTarget(name: "HeedFuzzTests", dependencies: ["HeedCore", "HeedTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

/// Debian's own build options, so heed behaves as it did on the system's SQLite, and three of
/// heed's: memory statistics off (their global mutex is taken on every allocation, and heed
/// never reads them); plans that do not change with the values bound (QPSG: otherwise a
/// statement is prepared again whenever a bound integer moves to or from 0 or 1, and FTS5's own
/// lookup of a term in each segment, segments 1, 2, 3…, was prepared twice for every search of
/// a mention's words); and SQLite optimised in debug builds too, since the tests exercise it hard.
var sqliteSettings: [CSetting] {
    ["SQLITE_DEFAULT_MEMSTATUS=0", "SQLITE_THREADSAFE=1", "SQLITE_USE_URI=1", "SQLITE_SECURE_DELETE", "SQLITE_DEFAULT_RECURSIVE_TRIGGERS=1",
     "SQLITE_ENABLE_FTS3", "SQLITE_ENABLE_FTS3_PARENTHESIS", "SQLITE_ENABLE_FTS4", "SQLITE_ENABLE_FTS5", "SQLITE_ENABLE_RTREE",
     "SQLITE_ENABLE_MATH_FUNCTIONS", "SQLITE_ENABLE_COLUMN_METADATA", "SQLITE_ENABLE_DBSTAT_VTAB", "SQLITE_ENABLE_UNLOCK_NOTIFY",
     "SQLITE_ENABLE_PREUPDATE_HOOK", "SQLITE_LIKE_DOESNT_MATCH_BLOBS", "SQLITE_MAX_VARIABLE_NUMBER=250000",
     "SQLITE_ENABLE_QPSG", "HAVE_USLEEP=1", "HAVE_FDATASYNC=1", "HAVE_LOCALTIME_R=1", "HAVE_GMTIME_R=1", "HAVE_ISNAN=1", "HAVE_STRCHRNUL=1"].map { setting in
        let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
        return .define(parts[0], to: parts.count > 1 ? parts[1] : nil)
    } + [.unsafeFlags(["-w"]), .unsafeFlags(["-O2"], .when(configuration: .debug))]
}
