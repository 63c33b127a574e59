import Foundation

/// Where things are when tests run from `swift test`.
public enum Paths {
    /// The package root (this file is Sources/HeedTestSupport/Paths.swift).
    public static let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The real public payloads shared with the project (`../shared/fixtures`, see its README).
    public static let sharedFixtures = packageRoot + "/../shared/fixtures"

    /// The `heed` binary built beside the test bundle.
    public static var heedBinary: String { productsFolder + "/heed" }

    /// The benchmarks' binary, whose operator worker the concurrency test runs.
    public static var benchBinary: String { productsFolder + "/heed-bench" }

    private static var productsFolder: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On Linux the test runner may sit inside a .xctest folder next to the products.
        while folder.path.hasSuffix(".xctest") || folder.lastPathComponent == "Contents" { folder.deleteLastPathComponent() }
        return folder.path
    }
}
