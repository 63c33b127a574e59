import Foundation

/// `heed ingest --watch DIR`: how connectors feed heed while it runs.
///
/// Every file that appears in DIR is imported, then moved to `DIR/done/` (with `NAME.rejected`
/// listing the records it could not store, if any) or, when it could not be imported at all,
/// to `DIR/failed/` with `NAME.error` saying why. Writers put `NAME.tmp` and rename it when
/// complete, so a file being written is never read; dot-files are left alone too. A restart
/// picks up what is left: a file half imported resumes from its last committed batch.
public final class SpoolWatcher {
    public let folder: String
    private let ingester: Ingester
    private let format: (any MentionFormat)?
    public var pollInterval: TimeInterval = 0.5
    /// Called after each file with what happened to it, for the command to print.
    public var onFile: ((_ name: String, _ outcome: Outcome) -> Void)?

    public enum Outcome {
        case done(IngestReport, rejections: [Rejection])
        case failed(String)
        case interrupted(IngestReport)
    }

    public init(folder: String, ingester: Ingester, format: (any MentionFormat)? = nil) {
        self.folder = folder
        self.ingester = ingester
        self.format = format
    }

    /// Watches until `shouldStop` says so (checked between batches and while idle).
    public func run(shouldStop: @escaping () -> Bool) throws {
        for sub in ["done", "failed"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        ingester.shouldStop = shouldStop
        while !shouldStop() {
            let files = try waitingFiles()
            for name in files {
                if shouldStop() { return }
                try process(name)
            }
            if files.isEmpty {
                var slept: TimeInterval = 0
                while slept < pollInterval && !shouldStop() {
                    usleep(50_000)
                    slept += 0.05
                }
            }
        }
    }

    /// Complete files waiting in the folder, oldest name first.
    func waitingFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { name in
            guard !name.hasPrefix("."), !name.hasSuffix(".tmp") else { return false }
            var info = stat()
            return stat(folder + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }.sorted()
    }

    private func process(_ name: String) throws {
        let path = folder + "/" + name
        var rejections: [Rejection] = []
        let previous = ingester.onReject
        ingester.onReject = { file, rejection, raw in
            rejections.append(rejection)
            previous?(file, rejection, raw)
        }
        defer { ingester.onReject = previous }
        let outcome: Outcome
        do {
            let report = try ingester.ingest(path: path, format: format)
            if report.interrupted {
                onFile?(name, .interrupted(report))
                return
            }
            let target = try move(name, to: "done")
            if !rejections.isEmpty {
                let text = rejections.map { "\(target):\($0)" }.joined(separator: "\n") + "\n"
                try text.write(toFile: folder + "/done/" + target + ".rejected", atomically: true, encoding: .utf8)
            }
            outcome = .done(report, rejections: rejections)
        } catch let error as HeedError where Ingester.skipsFile(error) {
            let target = try move(name, to: "failed")
            try (error.message + "\n").write(toFile: folder + "/failed/" + target + ".error", atomically: true, encoding: .utf8)
            outcome = .failed(error.message)
        }
        onFile?(name, outcome)
    }

    /// Moves a file into `done/` or `failed/`, never over an earlier file of the same name.
    private func move(_ name: String, to sub: String) throws -> String {
        var target = name
        var n = 1
        while FileManager.default.fileExists(atPath: "\(folder)/\(sub)/\(target)") {
            n += 1
            target = "\(name).\(n)"
        }
        guard rename("\(folder)/\(name)", "\(folder)/\(sub)/\(target)") == 0 else {
            throw HeedError("cannot move \(name) to \(sub)/: \(String(cString: strerror(errno)))", .cannotWrite)
        }
        return target
    }
}
