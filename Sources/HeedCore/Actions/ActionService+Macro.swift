import Foundation

/// Macros: a named list of actions from the config, done to one conversation together.
extension ActionService {
    /// Does `name`'s steps to conversation `id` in one transaction: all of them or, when one
    /// cannot be done, none. A step that is so already is passed over; each step done writes
    /// its own event (so `undo` takes them back one at a time, latest first).
    @discardableResult
    public func runMacro(_ name: String, on id: Int64, by actor: Operator, expecting: Int? = nil) throws -> Outcome {
        guard let macro = config.macros.first(where: { $0.name == name }) ?? config.macros.first(where: { $0.name.hasPrefix(name) }) else {
            let names = config.macros.map(\.name)
            throw HeedError("no macro \"\(name)\"" + (names.isEmpty ? " (the config has none)" : "; there are " + names.joined(separator: ", ")), .refused)
        }
        let zone = timeZone(for: actor)
        return try transaction { db, now in
            var version = expecting
            var done: [Outcome] = []
            for step in macro.steps {
                let command: TriageCommand
                do {
                    command = try TriageCommand.parse(step: step, now: now, timeZone: zone)
                } catch let error as QueryError {
                    throw ActionError.refused("macro \(macro.name): \"\(step)\": \(error.message)")
                }
                do {
                    done.append(try apply(command, on: id, by: actor, expecting: version, db, now))
                } catch ActionError.unchanged {
                    // So already: the rest of the macro still applies.
                }
                // The version seen is checked once, before the first step; later steps follow the earlier ones.
                version = nil
            }
            guard var last = done.last else { throw ActionError.unchanged("#\(id): nothing to change (macro \(macro.name))") }
            last.kind = EventKind.macro.rawValue
            last.summary = "\(actor.handle) ran \(macro.name) on #\(id) (\(done.map(\.kind).joined(separator: ", ")))"
            return last
        }
    }
}
