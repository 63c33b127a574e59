import ArgumentParser
import HeedCore

struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "A customer across their channels: show their card, tag them, note, merge two into one, export or erase all held about them.",
        discussion: "A customer is named as #ID (the customer of conversation ID), CHANNEL:HANDLE, or a handle alone when only one customer has it.",
        subcommands: [Show.self, Tag.self, Note.self, Merge.self, Export.self, Forget.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Their card: handles, tags, notes, first seen, conversations, sentiment.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "#ID, CHANNEL:HANDLE or HANDLE.")
        var contact: String

        func run() throws {
            try guarded {
                let workspace = try global.workspace()
                let database = try workspace.openCache()
                let service = ActionService(database: database, config: workspace.config, clock: SystemClock())
                let id = try service.contact(contact)
                guard let card = try database.read({ db in try ContactCard.fetch(db, contact: id, previousLimit: 20) }) else {
                    throw HeedError("no contact \(contact)", .badData)
                }
                let clean = { (text: String) in DisplayText(untrusted: text).string }
                print("contact \(card.contactID)" + (card.name.map { " · " + clean($0) } ?? "") + " · first seen " + RFC3339.string(fromMilliseconds: card.firstSeenAt))
                for handle in card.handles { print("  \(handle.channel): @\(clean(handle.handle)) (\(Age.count(handle.followers)) followers)") }
                if !card.tags.isEmpty { print("tags: " + card.tags.map(clean).joined(separator: " ")) }
                for note in card.notes { print("note: " + clean(note)) }
                for past in card.previous { print("  #\(past.id) \(past.channel) \(past.status.rawValue): " + clean(past.text)) }
            }
        }
    }

    struct Tag: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tag", abstract: "Tag (+vip) or untag (-vip) a customer.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        func validate() throws { try options.refuseVersion() }

        @Argument(help: "#ID, CHANNEL:HANDLE or HANDLE.")
        var contact: String

        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("+NAME (or NAME) to add, -NAME to remove.", valueName: "tag"))
        var tags: [String] = []

        func run() throws {
            try runAction(global, options) { service, actor in
                try service.tagContact(contact, add: tags.filter { !$0.hasPrefix("-") }, remove: tags.filter { $0.hasPrefix("-") }, by: actor)
            }
        }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "An internal note on a customer (on their card, never sent).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        func validate() throws { try options.refuseVersion() }

        @Argument(help: "#ID, CHANNEL:HANDLE or HANDLE.")
        var contact: String

        @Option(help: "The note.")
        var text: String

        func run() throws {
            try runAction(global, options) { service, actor in try service.noteContact(contact, text: text, by: actor) }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "merge",
            abstract: "Make two customers one: the second's handles, conversations, tags and notes become the first's.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        func validate() throws { try options.refuseVersion() }

        @Argument(help: "The customer kept.")
        var into: String

        @Argument(help: "The customer merged into it.")
        var other: String

        func run() throws {
            try runAction(global, options) { service, actor in try service.mergeContacts(into, other, by: actor) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export",
            abstract: "Everything held about a customer, for a subject-access request (logged).",
            discussion: "Their contact and handles, every message they wrote, their conversations with our replies, notes, tags, "
                + "escalations, posts, drafts and every event on them; each row whole, times in RFC 3339.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        func validate() throws { try options.refuseVersion() }

        @Argument(help: "#ID, CHANNEL:HANDLE or HANDLE.")
        var contact: String

        func run() throws {
            try guarded {
                let (service, actor) = try acting(global, options)
                let export = try service.exportContact(contact, by: actor)
                if options.json {
                    print(JSONWriter.terminalSafe(export.json))
                    return
                }
                print("contact \(export.contactID): everything heed holds about them, exported by \(actor.handle)")
                for section in export.sections {
                    print("\n\(section.name) (\(section.rows.count))")
                    for row in section.rows {
                        let fields = row.filter { $0.value != .null }.map { "\($0.column)=\(Self.text($0.value))" }
                        print("  " + DisplayText(untrusted: fields.joined(separator: " ")).string)
                    }
                }
            }
        }

        /// A value on one line: strings quoted (newlines as \n), numbers bare.
        static func text(_ value: JSONValue) -> String {
            switch value {
            case .string(let s): "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
            case .number(let n): n
            case .bool(let b): b ? "true" : "false"
            default: "null"
            }
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "forget",
            abstract: "Erase a customer on request (leads only): their texts, names and handles everywhere, leaving tombstones and the figures.",
            discussion: "Their messages and our replies to them, notes, posts (those not sent are withdrawn), escalations, drafts, the log's "
                + "entries on them, others' messages naming them and the full-text index; one event records who erased whom and why.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        func validate() throws { try options.refuseVersion() }

        @Argument(help: "#ID, CHANNEL:HANDLE or HANDLE.")
        var contact: String

        @Option(help: "Why (a request's reference): kept in the log.")
        var reason: String

        func run() throws {
            try guarded {
                let (service, actor) = try acting(global, options)
                let done = try service.forgetContact(contact, reason: reason, by: actor)
                let summary = "\(actor.handle) erased contact \(done.contactID): \(done.mentions) messages and replies, \(done.conversations) conversations, "
                    + "\(done.eventsRedacted) log entries redacted, \(done.elsewhere) places elsewhere naming them, \(done.postsCancelled) posts withdrawn"
                if options.json {
                    print(JSONWriter.object([
                        ("contact", .number(String(done.contactID))), ("mentions", .number(String(done.mentions))),
                        ("conversations", .number(String(done.conversations))), ("events_redacted", .number(String(done.eventsRedacted))),
                        ("elsewhere", .number(String(done.elsewhere))), ("posts_cancelled", .number(String(done.postsCancelled))), ("summary", .string(summary)),
                    ]))
                } else {
                    print(summary)
                }
            }
        }
    }
}
