import GRDB

extension ActionService {
    /// Everything held about a customer (`ContactExport`), read in the transaction that logs
    /// who asked for it (`contact-export`), so that the log says what was handed out.
    public func exportContact(_ reference: String, by actor: Operator) throws -> ContactExport {
        var export: ContactExport?
        _ = try transaction { db, now in
            let id = try Self.contact(db, reference)
            let event = try EventLog.append(db, at: now, by: actor.handle, kind: .contactExport, subject: String(id),
                                            after: JSONWriter.object([("reference", .string(reference))]))
            export = try ContactExport.read(db, contact: id)
            return Outcome(conversationID: 0, kind: EventKind.contactExport.rawValue, version: 0, eventID: event,
                           summary: "\(actor.handle) exported contact \(id)")
        }
        return export!
    }
}
