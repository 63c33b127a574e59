import ArgumentParser
import Foundation
import HeedCore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Import mentions from files of heed's JSON Lines format.",
        discussion: """
            Importing the same file twice changes nothing; a newer copy of a mention updates its metrics, never its \
            triage state. A bad line is reported and skipped; the rest is kept. An interrupted import resumes where it \
            stopped when run again. Exit status: 0 all stored, 65 some lines rejected, 66 a file could not be read.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Also write each rejected line, as it was, to this file.", valueName: "file"))
    var rejects: String?

    @Option(help: ArgumentHelp("Lines committed per transaction (and so redone after an interruption).", visibility: .hidden))
    var batchSize = Ingester.defaultBatchSize

    @Flag(help: "Print the reports as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("Files to import; - reads standard input.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file (or - for standard input)") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            let ingester = Ingester(database: database, config: workspace.config)
            ingester.batchSize = batchSize
            let rejectsFile = try rejects.map(RejectsFile.init(path:))
            var current = ""
            ingester.onReject = { rejection, bytes in
                printError("\(current):\(rejection)")
                rejectsFile?.write(bytes)
            }
            var reports: [IngestReport] = []
            var unreadable = false
            for file in files {
                current = file == "-" ? "<stdin>" : file
                do {
                    let report = try ingester.ingest(path: file)
                    reports.append(report)
                    if !json { print(Self.summary(of: report, name: current)) }
                } catch let error as HeedError where error.exitCode == ExitStatus.noInput {
                    printError(error.message)
                    unreadable = true
                }
            }
            if json { try printJSON(reports.map(ReportJSON.init)) }
            if unreadable { throw ExitCode(ExitStatus.noInput) }
            if reports.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.dataError) }
        }
    }

    static func summary(of report: IngestReport, name: String) -> String {
        var line = "\(name): \(report.new) new, \(report.updated) updated, \(report.unchanged) unchanged, \(report.rejected) rejected"
        if report.resumedAtLine > 0 { line += " (resumed after line \(report.resumedAtLine))" }
        return line
    }

    struct ReportJSON: Encodable {
        var file: String, new: Int, updated: Int, unchanged: Int, rejected: Int, resumedAfterLine: Int
        init(_ r: IngestReport) {
            (file, new, updated, unchanged, rejected, resumedAfterLine) = (r.source, r.new, r.updated, r.unchanged, r.rejected, r.resumedAtLine)
        }
        enum CodingKeys: String, CodingKey {
            case file, new, updated, unchanged, rejected, resumedAfterLine = "resumed_after_line"
        }
    }
}

/// The `--rejects` file: rejected lines exactly as they were read, so they can be fixed and re-imported.
final class RejectsFile {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw HeedError("cannot write the rejects file \(path)", exitCode: ExitStatus.cantCreate)
        }
        self.handle = handle
    }

    func write(_ bytes: [UInt8]?) {
        guard let bytes else { return }
        handle.write(Data(bytes + [0x0A]))
    }
}
