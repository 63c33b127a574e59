import ArgumentParser
import HeedCore
import HeedTUI

@main
struct HeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heed",
        abstract: "A terminal inbox for social listening: every mention of your brand, one triage queue.",
        discussion: "With no command, heed opens the screen on the cache.",
        version: EngineVersion.line,
        subcommands: [InitCommand.self, IngestCommand.self, QueueCommand.self, ShowCommand.self, ExplainCommand.self, IncidentCommand.self, DemoCommand.self,
                      TagCommand.self, NoteCommand.self, AssignCommand.self, UnassignCommand.self, EscalateCommand.self, SnoozeCommand.self,
                      StatusCommand<Resolve>.self, StatusCommand<Reopen>.self, StatusCommand<Spam>.self, StatusCommand<NotSpam>.self,
                      UndoCommand.self, RedoCommand.self, NextCommand.self, MacroCommand.self, ShiftCommand.self, EscalationCommand.self, ReplyCommand.self, OutboxCommand.self, DeliverCommand.self, ContactCommand.self,
                      RunCommand.self, ServiceStatusCommand.self, AccountCommand.self, ConfigCommand.self, BackupCommand.self, RestoreCommand.self, AuditCommand.self, RetentionCommand.self, VacuumCommand.self, StoreCommand.self, ReportCommand.self, IdeaCommand.self])

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            try Screen.open(workspace: workspace)
        }
    }
}
