import Dispatch
import Foundation
import Logging

/// `heed run`'s own backups (`backup` in the config): one as soon as the newest in the folder is
/// `every` old, then the oldest beyond `keep` removed — only files this part named.
struct BackupPart: ServicePart {
    let schedule: BackupSchedule
    let database: AppDatabase
    let cachePath: String
    let clock: any Clock
    let logger: Logger
    let name = "backup"
    /// How long a round waits at most, so that a changed clock or a removed backup is seen soon.
    static let longestWait: Int64 = 60_000
    private let queue = DispatchQueue(label: "heed.backup")

    static let actor = "heed:backup"

    func start() async throws {
        do {
            try FileManager.default.createDirectory(atPath: schedule.folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o770])
        } catch {
            throw HeedError("cannot create the backup folder \(schedule.folder): \(error.localizedDescription)", .cannotWrite)
        }
    }

    func round() async throws -> Int64 {
        let now = clock.now()
        let taken = Backup.scheduled(in: schedule.folder, cache: cachePath)
        if let last = taken.last, now - last.takenAt < schedule.everyMilliseconds {
            return min(schedule.everyMilliseconds - (now - last.takenAt), Self.longestWait)
        }
        let (database, file) = (database, schedule.folder + "/" + Backup.scheduledName(cache: cachePath, at: now))
        let started = Date()
        let contents = try await blocking(queue) { try Backup.take(database, to: file, by: Self.actor, now: now) }
        logger.info("backed up", metadata: ["file": "\(file)", "bytes": "\(contents.bytes)", "mentions": "\(contents.mentions)",
                                            "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))"])
        for old in (taken.map(\.path) + [file]).dropLast(schedule.keep) {
            if unlink(old) == 0 {
                logger.info("removed an old backup", metadata: ["file": "\(old)"])
            } else {
                logger.warning("cannot remove an old backup", metadata: ["file": "\(old)", "reason": "\(String(cString: strerror(errno)))"])
            }
        }
        return min(schedule.everyMilliseconds, Self.longestWait)
    }
}
