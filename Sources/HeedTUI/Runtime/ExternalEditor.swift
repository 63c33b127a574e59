import Foundation
import HeedCore

/// The operator's own editor on a reply: the text in a private temporary file, the editor run
/// on it (its words as arguments, quoted as a shell would, but no shell), what it saved read back.
enum ExternalEditor {
    static func edit(_ text: String, with editor: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("heed-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("reply.txt")
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw HeedError("cannot write \(file.path) for the editor: the reply is as it was")
        }
        let words: [String]
        do {
            words = try CommandWords.split(editor)
        } catch let error as QueryError {
            throw HeedError("cannot read the editor \"\(editor)\" (VISUAL or EDITOR): \(error.message)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = words + [file.path]
        do {
            try process.run()
        } catch {
            throw HeedError("cannot run the editor \"\(editor)\" (VISUAL or EDITOR): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HeedError("the editor \"\(editor)\" exited with status \(process.terminationStatus): the reply is as it was")
        }
        guard let data = FileManager.default.contents(atPath: file.path), let edited = String(data: data, encoding: .utf8) else {
            throw HeedError("the editor left no UTF-8 text in \(file.path): the reply is as it was")
        }
        // Editors end a file with a line break; the reply does not need it.
        return edited.hasSuffix("\n") ? String(edited.dropLast()) : edited
    }
}
