import ArgumentParser
import Foundation
import HeedCore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the cache to a new file while everyone keeps working, check the copy, and say what it holds.",
        discussion: "The copy is the cache as of one moment, with the cache's mode and group; FILE must not exist. "
            + "With --check, only reads FILE (a backup) and says what it holds.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The backup file to write (or to read, with --check).")
    var file: String

    @Flag(help: "Check an existing backup instead of taking one.")
    var check = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let zone = workspace.config.timeZone
            if check {
                let contents = try Backup.check(file)
                print("\(contents.file) is a whole heed backup")
                for line in contents.lines(timeZone: zone) { print("  " + line) }
                return
            }
            guard FileManager.default.fileExists(atPath: workspace.cachePath) else {
                throw HeedError("no cache at \(workspace.cachePath) to back up", .unreadable, hint: .otherCache)
            }
            let database = try AppDatabase.open(path: workspace.cachePath)
            defer { try? database.close() }
            let contents = try Backup.take(database, to: file, by: workspace.person() ?? "heed", now: SystemClock().now())
            print("backed up \(workspace.cachePath) to \(contents.file)")
            for line in contents.lines(timeZone: zone) { print("  " + line) }
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a backup the cache; refused while anyone (a screen, a command, heed run) has the cache open.",
        discussion: "The cache it replaces is kept beside it as CACHE.replaced-TIME until you delete it. "
            + "Posts the backup holds as not yet sent are left for checking (heed outbox retry or cancel), never sent twice.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The backup file (as `heed backup` wrote it).")
    var file: String

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            try workspace.administer("restore the cache")
            // Nobody has the cache open while it is restored, so reading its binding apart is safe.
            try workspace.refuseOwnCopy(of: ConfigBinding.peek(path: workspace.cachePath))
            let restored = try Backup.restore(from: file, into: workspace.cachePath, by: workspace.person() ?? "heed", now: SystemClock().now())
            print("restored \(workspace.cachePath) from \(restored.contents.file)")
            for line in restored.contents.lines(timeZone: workspace.config.timeZone) { print("  " + line) }
            if restored.leftForChecking > 0 {
                print("\(restored.leftForChecking) posts it holds as not yet sent may have gone out since: left for checking (heed outbox list)")
            }
            if let replaced = restored.replaced { print("the cache it replaced is kept as \(replaced): delete it once the restored one is right") }
        }
    }
}

struct VacuumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Rewrite the cache whole, giving back to the disk what retention and erasure emptied; refused while anyone has it open.",
        discussion: "Needs about the cache's size free on its disk while it runs. A cache an older heed made gives pages back as it goes afterwards.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let done = try Backup.vacuum(workspace.cachePath, by: workspace.person() ?? "heed", now: SystemClock().now())
            print("vacuumed \(workspace.cachePath): \(IngestProgress.Snapshot.size(done.bytesBefore)) → \(IngestProgress.Snapshot.size(done.bytesAfter))")
        }
    }
}
