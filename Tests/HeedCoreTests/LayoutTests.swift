import Foundation
import HeedTestSupport
import XCTest

/// The rules the code states about its own shape, checked on the source tree: whatever a
/// change adds, it keeps to them or this fails and says where.
final class LayoutTests: XCTestCase {
    /// Every Swift file under `folder` (relative to the package), with its text.
    private func sources(_ folder: String) throws -> [(path: String, text: String)] {
        let root = Paths.packageRoot + "/" + folder
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: root)).filter { $0.hasSuffix(".swift") }.sorted()
        return try files.map { (folder + "/" + $0, try String(contentsOfFile: root + "/" + $0, encoding: .utf8)) }
    }

    private func lines(_ files: [(path: String, text: String)], containing needle: String) -> [String] {
        files.flatMap { file in
            file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .filter { $0.element.contains(needle) }.map { "\(file.path):\($0.offset + 1)" }
        }
    }

    func testOnlyTheStoreWritesAConversationRow() throws {
        let outside = try (sources("Sources/HeedCore") + sources("Sources/HeedTUI") + sources("Sources/heed"))
            .filter { !$0.path.hasPrefix("Sources/HeedCore/Store/") }
        XCTAssertEqual(lines(outside, containing: "UPDATE conversation "), [], "a conversation changes through ConversationChange (or the store's hot paths)")
    }

    func testTheCacheIsWrittenOnlyInsideHeedCore() throws {
        let database = try String(contentsOfFile: Paths.packageRoot + "/Sources/HeedCore/Store/AppDatabase.swift", encoding: .utf8)
        XCTAssertTrue(database.contains("private let writer"), "AppDatabase's writer is its own")
        let others = try sources("Sources/HeedTUI") + sources("Sources/heed")
        XCTAssertEqual(lines(others, containing: ".writeWithoutTransaction") + lines(others, containing: "database.write"), [])
    }

    func testOnlyTheCursesLayerImportsCurses() throws {
        let screen = try sources("Sources/HeedTUI").filter { !$0.path.hasPrefix("Sources/HeedTUI/Terminal/Curses") }
        XCTAssertEqual(lines(screen, containing: "import CNcursesw") + lines(screen, containing: "import CCursesShim"), [])
        XCTAssertEqual(lines(try sources("Sources/HeedCore"), containing: "import HeedTUI"), [])
    }

    /// Every command says its name: one left to be derived from its type's name costs each run of
    /// heed, whatever the command, a search of every protocol conformance in the binary (a
    /// tenth of `heed queue`'s time from process start).
    func testEveryCommandSaysItsName() throws {
        var unnamed: [String] = []
        for file in try sources("Sources/heed") {
            var rest = file.text[...]
            while let found = rest.range(of: "CommandConfiguration(") {
                let arguments = rest[found.upperBound...].prefix { $0 != ")" }
                if !arguments.contains("commandName:") { unnamed.append(file.path + ": " + arguments.prefix(60)) }
                rest = rest[found.upperBound...]
            }
        }
        XCTAssertEqual(unnamed, [])
    }
}
