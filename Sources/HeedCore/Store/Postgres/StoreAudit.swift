import NIOCore
import PostgresNIO

extension AuditReport {
    /// Walks the event log of a copy in PostgreSQL (`heed store migrate --to`) as `verify` walks
    /// the cache's: the same chain, checked where a compliance office keeps it.
    public static func verify(_ location: PostgresLocation) async throws -> AuditReport {
        let session = try await PostgresSession.open(location)
        do {
            let report = try await session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
                var walk = AuditWalk()
                let rows = try await session.query("SELECT \(AuditEntry.columns) FROM event ORDER BY id")
                for try await row in rows.decode((Int64, Int64, String, Int64?, String, Int64?, String?, String?, String?, ByteBuffer?, ByteBuffer?).self) {
                    let (id, at, actor, uid, kind, conversation, subject, before, after, digest, chain) = row
                    let record = EventRecord(id: id, at: at, actor: actor, uid: uid.map { UInt32(truncatingIfNeeded: $0) }, kind: kind,
                                             conversationID: conversation, subject: subject, before: before, after: after)
                    walk.add(AuditEntry(record: record, digest: digest.map { Array($0.readableBytesView) },
                                        chain: chain.map { Array($0.readableBytesView) }))
                }
                return walk.report
            }
            await session.close()
            return report
        } catch let error as HeedError {
            await session.close()
            throw error
        } catch {
            await session.close()
            throw HeedError("cannot read the event log of the store \(location): \(PostgresSession.reason(error))", .badData)
        }
    }
}
