import GRDB

/// Which conversations one action is for: some by number, everything a search finds, or an
/// incident's members. Each is acted on at the version it had when the selection was made.
public enum ActionSelection: Sendable, Equatable {
    case conversations([Int64])
    case search(Query)
    case incident(Int64)

    /// At most this many conversations in one go: a search that finds more is refused, not cut.
    public static let limit = 10_000

    /// The conversations picked, each with its version now (nil: not found, left to the action to say).
    public func resolve(_ db: Database, now: Int64, me: String?) throws -> [(id: Int64, version: Int?)] {
        switch self {
        case .conversations(let ids):
            var seen = Set<Int64>()
            return try ids.filter { seen.insert($0).inserted }.map { id in
                (id, try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM conversation WHERE id = ?"), arguments: [id]))
            }
        case .search(let query):
            let rows = try Queue.search(db, query, now: now, me: me, limit: Self.limit + 1)
            guard rows.count <= Self.limit else {
                throw HeedError("that search finds more than \(Self.limit) conversations: narrow it before acting on all of them", .refused)
            }
            return rows.map { ($0.conversationID, $0.version) }
        case .incident(let id):
            guard let row = try Row.fetchOne(db, sql: "SELECT merged_into FROM incident WHERE id = ?", arguments: [id]) else {
                throw HeedError("no incident \(id)", .badData, hint: .listIncidents)
            }
            if let into = row["merged_into"] as Int64? { throw HeedError(Incident.mergedMessage(id, into: into), .refused) }
            return try Incident.members(db, of: id, limit: Self.limit).map { ($0.conversationID, $0.version) }
        }
    }
}

extension ActionService {
    /// What one action on several conversations did.
    public struct ManyOutcome: Sendable, Equatable {
        public var actor: String
        public var kind: EventKind
        public var done: [Outcome] = []
        /// Those it was already true of ("nothing to change"): not failures.
        public var unchanged: [Int64] = []
        /// Why not, for the others (a conflict, a refusal), one message each.
        public var failures: [Failure] = []

        public struct Failure: Sendable, Equatable {
            public var conversationID: Int64
            public var message: String
            public var kind: HeedError.Kind
        }

        public var total: Int { done.count + unchanged.count + failures.count }

        /// "sam resolved 11 of 12 conversations (1 already so); #42 changed since you looked: …"
        public var summary: String {
            var line = "\(actor) \(kind.phrase("\(done.count) of \(total) conversation\(total == 1 ? "" : "s")"))"
            if !unchanged.isEmpty { line += " (\(unchanged.count) already so)" }
            if !failures.isEmpty { line += "; " + failures.map(\.message).joined(separator: "; ") }
            return line
        }
    }

    /// Picks the conversations `selection` names, at their versions now.
    public func targets(_ selection: ActionSelection, by actor: Operator) throws -> [(id: Int64, version: Int?)] {
        try database.read { db in try selection.resolve(db, now: clock.now(), me: actor.handle) }
    }

    /// `act` on each of `targets` in turn: each its own compare-and-set against the version
    /// given and its own event, so one conflict stops only that conversation. What was done is
    /// then one step for undo.
    public func each(_ targets: [(id: Int64, version: Int?)], kind: EventKind, by actor: Operator,
                     _ act: (Int64, Int?) throws -> Outcome) -> ManyOutcome {
        var outcome = ManyOutcome(actor: actor.handle, kind: kind)
        for (id, version) in targets {
            do {
                outcome.done.append(try act(id, version))
            } catch let error as HeedError where error.kind == .unchanged {
                outcome.unchanged.append(id)
            } catch let error as HeedError {
                outcome.failures.append(.init(conversationID: id, message: error.message, kind: error.kind))
            } catch {
                outcome.failures.append(.init(conversationID: id, message: "#\(id): \(error)", kind: .failed))
            }
        }
        // Grouped after the fact: a crash before this leaves the actions done, each its own step.
        if outcome.done.count > 1 {
            try? database.write { db in try ActionHistory.group(db, outcome.done.map(\.eventID)) }
        }
        return outcome
    }

    /// `command` on each of `targets` (see `each`).
    public func performEach(_ command: TriageCommand, on targets: [(id: Int64, version: Int?)], by actor: Operator) -> ManyOutcome {
        each(targets, kind: command.kind, by: actor) { id, version in try perform(command, on: id, by: actor, expecting: version) }
    }
}
