/// heed's configuration, as read from JSON and validated by `ConfigLoader`.
///
/// Every field has a default, so an absent file gives a working heed for one person.
public struct Config: Sendable, Equatable {
    public var brand = "our brand"
    /// Path of the cache file; `--cache` and `HEED_CACHE` win over it.
    public var cache: String?
    /// IANA time zone the team works in (timestamps on screen, business hours).
    public var timeZone = "UTC"
    /// Our own accounts per channel: their posts are our replies, not customers'.
    public var accounts: [String: [String]] = [:]
    /// Those of them heed hears and answers itself (`heed run`).
    public var connectedAccounts: [ConnectedAccount] = []
    /// Where intros, roster and broadcast posts go.
    public var helpAccounts: [ChannelAccount] = []
    /// Channel names beyond the built-in ones (a connector's own).
    public var extraChannels: [String] = []
    public var operators: [Operator] = []
    public var teams: [Team] = []
    public var sla = SLATargets()
    public var businessHours: BusinessHours?
    public var cannedReplies: [CannedReply] = []
    public var macros: [Macro] = []
    public var rules: [Rule] = []
    public var triage = TriageSettings()
    /// Action name → key, overriding the default key table.
    public var keys: [String: String] = [:]
    public var delivery = DeliveryConfig()
    public var views: [SavedView] = []
    public var undoSeconds = 10
    public var claimSeconds = 120
    /// When true, only a lead may take over another operator's claim.
    public var leadOnlyTakeover = true
    public var awayAfterMinutes = 10
    public var maxShiftHours = 12
    public var signOff: String?
    public var afterIngestHook: Program?
    /// A folder `heed run` imports every file that appears in (as `heed ingest --watch`).
    public var watchFolder: String?
    /// Backups `heed run` takes on its own (`backup`), or none.
    public var backup: BackupSchedule?
    /// How long resolved conversations' text is kept (`retention`), or for ever.
    public var retention: RetentionPolicy?
    /// What of this config decides the cache's stored results (see `ConfigBinding`).
    public var scoring = ScoringFingerprint(root: nil)

    public init() {}

    public static let builtInChannels = ["x", "mastodon", "bluesky", "reddit", "facebook", "youtube", "linkedin", "blog", "forum", "email"]

    public var channels: [String] { Self.builtInChannels + extraChannels }

    public func isKnownChannel(_ name: String) -> Bool { channels.contains(name) }

    /// Whether `handle` (with or without a leading @) or `authorID` is one of our accounts on `channel`.
    public func isOurAccount(channel: String, handle: String, authorID: String) -> Bool {
        guard let ours = accounts[channel], !ours.isEmpty else { return false }
        // Lower case as bytes: asked for every new author an import meets, and Foundation's
        // case-insensitive comparison was a sixtieth of an import.
        let bare = Bytes.lowercased(handle.hasPrefix("@") ? String(handle.dropFirst()) : handle)
        return ours.contains { account in
            let name = account.hasPrefix("@") ? String(account.dropFirst()) : account
            return name == authorID || Bytes.lowercased(name) == bare
        }
    }

    public func `operator`(handle: String) -> Operator? { operators.first { $0.handle == handle } }
}

public struct ChannelAccount: Sendable, Equatable {
    public var channel: String
    public var account: String
}

public enum Role: String, Sendable, Equatable, CaseIterable {
    case agent, lead
}

/// A staff member allowed to act in heed.
public struct Operator: Sendable, Equatable {
    public var handle: String
    public var name: String
    public var unixUser: String?
    public var role: Role
    public var signature: String
    public var intro: String?
    public var teams: [String]
    /// Most conversations this operator may hold at once (nil: no cap).
    public var maxAssigned: Int?
    /// Their own IANA time zone for the times the screen shows (nil: the team's `timezone`).
    public var timeZone: String? = nil

    public var firstName: String { name.split(separator: " ").first.map(String.init) ?? name }
}

/// A team escalations go to.
public struct Team: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// Where the team is told (an address or chat room), for the delivery issue.
    public var contact: String?
}

public enum Urgency: String, Sendable, Equatable, CaseIterable {
    case high, normal, low
}

/// First-response targets in minutes, by urgency, with per-channel overrides.
public struct SLATargets: Sendable, Equatable {
    public var minutes: [Urgency: Int] = [.high: 30, .normal: 120, .low: 480]
    public var channels: [String: [Urgency: Int]] = [:]
    public var businessHoursOnly = false
    public init() {}

    public func target(channel: String, urgency: Urgency) -> Int {
        channels[channel]?[urgency] ?? minutes[urgency] ?? 120
    }
}

public struct BusinessHours: Sendable, Equatable {
    public enum Weekday: String, Sendable, CaseIterable { case mon, tue, wed, thu, fri, sat, sun }
    public struct Span: Sendable, Equatable {
        /// Minutes after midnight.
        public var start: Int
        public var end: Int
    }
    public var timeZone: String
    public var days: [Weekday: Span]
    /// Dates `YYYY-MM-DD` on which nobody is expected to answer.
    public var holidays: [String]
}

/// A named list of actions done together (`heed macro NAME ID`, or its key on the screen).
public struct Macro: Sendable, Equatable {
    public var name: String
    /// Steps as `TriageCommand.parse(step:)` reads them: "tag +refund", "resolve".
    public var steps: [String]
    public var key: String?

    public init(name: String, steps: [String], key: String? = nil) {
        (self.name, self.steps, self.key) = (name, steps, key)
    }
}

public struct CannedReply: Sendable, Equatable {
    public var name: String
    public var text: String
}

/// A helpdesk-style trigger: when every condition holds, the actions apply.
public struct Rule: Sendable, Equatable {
    public var name: String
    public var when: RuleConditions
    public var then: RuleActions
}

public struct RuleConditions: Sendable, Equatable {
    public var textContains: [String] = []
    public var textMatches: String?
    public var channels: [String] = []
    public var authors: [String] = []
    public var followersAtLeast: Int?
    public var verified: Bool?
    public var sentimentAtMost: Double?
    public var kinds: [String] = []
    public var languages: [String] = []
    public var hasTag: [String] = []
}

public struct RuleActions: Sendable, Equatable {
    public var addPriority: Int?
    public var priorityFloor: Int?
    public var tags: [String] = []
    public var assignTeam: String?
    public var escalate: String?
    public var spam = false
    public var slaMinutes: Int?
}

/// A program run without a shell: the path and a fixed argument list.
public struct Program: Sendable, Equatable {
    public var path: String
    public var arguments: [String]
    public var timeoutSeconds: Int
}

public enum DeliveryAdapter: Sendable, Equatable {
    /// One JSON file per post in a folder: works offline.
    case spool(folder: String)
    case command(Program)
}

public struct DeliveryConfig: Sendable, Equatable {
    public var defaultAdapter: DeliveryAdapter = .spool(folder: "outbox-spool")
    public var channels: [String: DeliveryAdapter] = [:]
    public init() {}

    public func adapter(for channel: String) -> DeliveryAdapter { channels[channel] ?? defaultAdapter }
}

/// `heed run`'s backups: one every `everyMilliseconds` into `folder`, the newest `keep` kept.
public struct BackupSchedule: Sendable, Equatable {
    public var folder: String
    public var everyMilliseconds: Int64 = 86_400_000
    public var keep = 7
}

/// A saved search shown as a view on the screen.
public struct SavedView: Sendable, Equatable {
    public var name: String
    public var query: String
    public var key: String?
}
