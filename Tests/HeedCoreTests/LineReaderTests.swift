import HeedTestSupport
import XCTest
@testable import HeedCore

final class LineReaderTests: XCTestCase {
    func lines(of text: String, chunk: Int) throws -> [String] {
        let folder = TemporaryFolder()
        let path = folder.write("f", text)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var reader = LineReader(fd: fd, chunkSize: chunk)
        var result: [String] = []
        while try reader.next({ line in
            switch line {
            case .text(let bytes, let number, _): result.append("\(number):" + String(decoding: bytes, as: UTF8.self))
            case .tooLong(let number, _): result.append("\(number):TOO LONG")
            }
        }) != nil {}
        return result
    }

    func testLinesAcrossChunkBoundariesCRLFAndNoFinalNewline() throws {
        let text = "first line\r\nsecond, a bit longer than a chunk\n\nlast without newline"
        for chunk in [1, 3, 7, 64, 1 << 20] {
            XCTAssertEqual(try lines(of: text, chunk: chunk),
                           ["1:first line", "2:second, a bit longer than a chunk", "3:", "4:last without newline"], "chunk \(chunk)")
        }
    }

    func testEmptyFileHasNoLines() throws {
        XCTAssertEqual(try lines(of: "", chunk: 16), [])
    }
}
