import Foundation
import HeedTUI
import XCTest

/// Compares a grid with a golden text file kept beside the test suite.
///
/// The file holds each row framed with `|` (so trailing blanks show) and then the runs of
/// styled cells. `HEED_RECORD=1 swift test` rewrites the files and fails on purpose, so a
/// re-recording is always looked at before it is committed. A missing golden fails too.
public enum Golden {
    public static func text(of grid: Grid) -> String {
        var out = grid.lines.map { "|\($0)|" }
        out.append("styles:")
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let style = grid[x, y].style
                var end = x
                while end + 1 < grid.width && grid[end + 1, y].style == style { end += 1 }
                if style != .normal { out.append("\(y): \(x)-\(end) \(style.rawValue)") }
                x = end + 1
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    public static func assert(_ grid: Grid, named name: String, suiteFile: StaticString = #filePath,
                              file: StaticString = #filePath, line: UInt = #line) {
        let folder = URL(fileURLWithPath: "\(suiteFile)").deletingLastPathComponent().appendingPathComponent("Golden")
        let path = folder.appendingPathComponent(name + ".txt").path
        let actual = text(of: grid)
        if ProcessInfo.processInfo.environment["HEED_RECORD"] == "1" {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            XCTFail("recorded \(path); run again without HEED_RECORD=1", file: file, line: line)
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            XCTFail("no golden file \(path); record it with HEED_RECORD=1", file: file, line: line)
            return
        }
        if expected != actual {
            XCTFail("screen differs from \(name).txt:\n--- expected\n\(expected)--- actual\n\(actual)", file: file, line: line)
        }
    }
}
