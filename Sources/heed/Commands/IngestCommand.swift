import ArgumentParser
import Foundation
import HeedCore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Import mentions from files: heed's JSON Lines or a channel's own API format.",
        discussion: """
            The format is told from each file's content (--format forces one; --formats lists them). \
            Importing the same file twice changes nothing; a newer copy of a mention updates its metrics, never its \
            triage state. A bad line is reported and skipped; the rest is kept. An interrupted import resumes where it \
            stopped when run again. Exit status: 0 all stored, 65 some lines rejected, 66 a file could not be read.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Also write each rejected line, as it was, to this file.", valueName: "file"))
    var rejects: String?

    @Option(help: ArgumentHelp("Lines committed per transaction (and so redone after an interruption).", visibility: .hidden))
    var batchSize = Ingester.defaultBatchSize

    @Option(help: ArgumentHelp("About how long a writer who needs the cache (an operator's action) may wait for the import: its rounds "
                               + "of storing and scoring (0: batches of any length, for a cache no one else is using).", valueName: "ms"))
    var lockBudget = Ingester.defaultLockBudget * 1000

    @Flag(help: "Print the reports as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Read the files in this format instead of telling it from their content.", valueName: "name"))
    var format: String?

    @Flag(help: "List the formats heed reads, and stop.")
    var formats = false

    @Option(help: ArgumentHelp("Import every file that appears in this folder, until SIGINT or SIGTERM (see docs/formats.md).",
                               valueName: "folder"))
    var watch: String?

    @OptionGroup var progress: ProgressOptions

    @Argument(help: ArgumentHelp("Files to import; - reads standard input.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if formats { return }
        if watch != nil && !files.isEmpty { throw ValidationError("--watch takes a folder and no files") }
        if watch == nil && files.isEmpty { throw ValidationError("name at least one file (or - for standard input), or --watch a folder") }
        if let format, MentionFormats.named(format) == nil {
            throw ValidationError("unknown format \"\(format)\"; known: \(MentionFormats.all.map(\.name).joined(separator: ", "))")
        }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if !(0...60_000).contains(lockBudget) { throw ValidationError("--lock-budget must be between 0 and 60000 milliseconds") }
    }

    func run() throws {
        if formats {
            for format in MentionFormats.all { print("\(format.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(format.summary)") }
            return
        }
        try guarded {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            let ingester = Ingester(database: database, config: workspace.config)
            ingester.batchSize = batchSize
            ingester.lockBudget = Ingester.lockBudget(milliseconds: lockBudget)
            if let program = workspace.config.afterIngestHook {
                let hook = IngestHook(program: program, cachePath: workspace.cachePath)
                if hook.programExists {
                    var lastWarning: String?
                    ingester.afterBatch = { mentions in
                        // The same failure batch after batch is said once.
                        let warning = hook.run(mentions)
                        if let warning, warning != lastWarning { printError(warning) }
                        lastWarning = warning
                    }
                } else {
                    printError("hook \(program.path) (hooks.after_ingest) cannot be run: no such program; importing without it")
                }
            }
            if let watch {
                try Self.watch(folder: watch, ingester: ingester, format: format.flatMap(MentionFormats.named))
                return
            }
            let rejectsFile = try rejects.map(RejectsFile.init(path:))
            let display = progress.display(IngestProgress.files(files))
            ingester.progress = display.progress
            ingester.onReject = { file, rejection, bytes in
                display.around { printError("\(Self.shown(file)):\(rejection)") }
                rejectsFile?.write(bytes)
            }
            var reports: [IngestReport] = []
            var failures: [Int32] = []
            defer { display.finish() }
            try ingester.ingest(paths: files, format: format.flatMap(MentionFormats.named)) { file, outcome in
                switch outcome {
                case .success(let report):
                    reports.append(report)
                    if !json { display.around { print(Self.summary(of: report, name: Self.shown(file))) } }
                case .failure(let error):
                    display.around { printError(error.commandLineMessage) }
                    failures.append(error.exitCode)
                }
            }
            display.finish()
            if json { try printJSON(reports.map(ReportJSON.init)) }
            if failures.contains(ExitStatus.noInput) { throw ExitCode(ExitStatus.noInput) }
            if !failures.isEmpty || reports.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.dataError) }
        }
    }

    /// Watches a spool folder until SIGINT or SIGTERM, reporting each file on standard output.
    static func watch(folder: String, ingester: Ingester, format: (any MentionFormat)?) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw HeedError("\(folder) is not a folder", .unreadable)
        }
        StopSignal.install()
        let watcher = SpoolWatcher(folder: folder, ingester: ingester, format: format)
        watcher.onFile = { name, outcome in
            switch outcome {
            case .done(let report, let rejections):
                print(summary(of: report, name: name) + " → done/" + (rejections.isEmpty ? "" : " (rejections in done/\(name).rejected)"))
            case .failed(let reason):
                print("\(name): failed → failed/\(name).error")
                printError(reason)
            case .interrupted(let report):
                print(summary(of: report, name: name) + " — stopped; it resumes on the next start")
            }
            fflush(nil)
        }
        print("watching \(folder) (SIGINT or SIGTERM stops)")
        fflush(nil)
        try watcher.run(shouldStop: StopSignal.requested)
        print("stopped")
    }

    private static func shown(_ file: String) -> String { file == "-" ? "<stdin>" : file }

    static func summary(of report: IngestReport, name: String) -> String {
        var line = "\(name) (\(report.format ?? "empty")): \(report.new) new, \(report.updated) updated, \(report.unchanged) unchanged, \(report.rejected) rejected"
        if report.resumedAtLine > 0 { line += " (resumed after line \(report.resumedAtLine))" }
        return line
    }

    struct ReportJSON: Encodable {
        var file: String, format: String?, new: Int, updated: Int, unchanged: Int, rejected: Int, resumedAfterLine: Int
        init(_ r: IngestReport) {
            (file, format, new, updated, unchanged, rejected, resumedAfterLine) =
                (r.source, r.format, r.new, r.updated, r.unchanged, r.rejected, r.resumedAtLine)
        }
        enum CodingKeys: String, CodingKey {
            case file, format, new, updated, unchanged, rejected, resumedAfterLine = "resumed_after_line"
        }
    }
}

/// The `--rejects` file: rejected lines exactly as they were read, so they can be fixed and re-imported.
final class RejectsFile {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw HeedError("cannot write the rejects file \(path)", .cannotWrite)
        }
        self.handle = handle
    }

    func write(_ bytes: [UInt8]?) {
        guard let bytes else { return }
        handle.write(Data(bytes + [0x0A]))
    }
}
