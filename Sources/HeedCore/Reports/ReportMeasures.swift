/// The relationship measures of one group of conversations (a day, a channel, an operator…).
/// `docs/reports.md` defines each; the names here are the JSON's and the CSV's.
public struct ReportMeasures: Sendable, Equatable, Codable {
    public struct Heard: Sendable, Equatable, Codable {
        /// Customers' messages written in the period.
        public var mentionsIn = 0
        /// Conversations whose first customer message is in the period: the measures below count these.
        public var opened = 0
        public var answered = 0
        /// Answered, and no answer of ours asked the customer to go elsewhere (DM, e-mail, phone).
        public var answeredOnTheirChannel = 0
        public var unansweredSpam = 0
        public var unansweredResolved = 0
        public var unansweredOpen = 0
    }

    /// Milliseconds, counted by the SLA clock (business hours only where the config says so).
    public struct Durations: Sendable, Equatable, Codable {
        public var count = 0
        public var medianMs: Int64?
        public var p90Ms: Int64?

        init(_ values: [Int64]) {
            var values = values
            count = values.count
            medianMs = Self.rank(&values, 0.5)
            p90Ms = Self.rank(&values, 0.9)
        }

        /// Nearest rank: the smallest value with at least `p` of them at or below it. Found by
        /// selection, not by sorting (a large report has hundreds of thousands): `values` is left
        /// partly reordered.
        static func rank(_ values: inout [Int64], _ p: Double) -> Int64? {
            guard !values.isEmpty else { return nil }
            let k = max(0, Int((p * Double(values.count)).rounded(.up)) - 1)
            var (low, high) = (0, values.count - 1)
            // Quickselect: narrow [low, high] to the part that holds the k-th smallest.
            while low < high {
                let pivot = Swift.max(Swift.min(values[low], values[high]), Swift.min(Swift.max(values[low], values[high]), values[(low + high) / 2]))
                var (left, right) = (low, high)
                while left <= right {
                    while values[left] < pivot { left += 1 }
                    while values[right] > pivot { right -= 1 }
                    if left <= right {
                        values.swapAt(left, right)
                        left += 1
                        right -= 1
                    }
                }
                if k <= right { high = right } else if k >= left { low = left } else { return values[k] }
            }
            return values[k]
        }
    }

    /// The SLA of one urgency and target (a channel or a rule may give an urgency another target).
    public struct SLATarget: Sendable, Equatable, Codable {
        /// `high`, `normal` or `low`, as triage judged the conversation (nil: not judged).
        public var urgency: String?
        public var targetMinutes: Int
        public var conversations = 0
        /// First answer within the target.
        public var met = 0
        /// Answered late, or still unanswered past the target.
        public var breached = 0
        /// How late the breaches were (unanswered ones: until now).
        public var medianLateMs: Int64?
    }

    public struct Responsiveness: Sendable, Equatable, Codable {
        public var firstResponse = Durations([])
        public var resolution = Durations([])
        public var sla: [SLATarget] = []
        /// How late the breaches of every target were.
        public var breachedLateMedianMs: Int64?
    }

    public struct Dialogue: Sendable, Equatable, Codable {
        /// Answered conversations where the customer wrote again after our first answer.
        public var twoWay = 0
        /// Resolved after an answer, the customer's last word after it being thanks or praise.
        public var closedWithThanks = 0
        /// The same customer, about the same kind of thing, within 7 days of their previous conversation.
        public var repeatWithin7Days = 0
    }

    public struct Mood: Sendable, Equatable, Codable {
        /// Answered conversations with a customer message scored both before and after our first answer.
        public var measured = 0
        public var before: Double?
        public var after: Double?
        /// After minus before: how our first answer moved the customer.
        public var shift: Double?
        /// Conversations where the customer was negative at some point.
        public var detractors = 0
        /// Of those, the customer was positive later in the same conversation.
        public var turned = 0
    }

    public struct Advocates: Sendable, Equatable, Codable {
        /// Customers who praised us twice or more in the period.
        public var praisedTwice = 0
        /// Of those, who had not praised us before the period.
        public var new = 0
        /// Customers whose praise answered another customer's complaint.
        public var defenders = 0
    }

    public struct Ideas: Sendable, Equatable, Codable {
        public var received = 0
        public var tagged = 0
        public var passedToTeam = 0
        public var closedWithAnswer = 0
    }

    public var heard = Heard()
    public var responsiveness = Responsiveness()
    public var dialogue = Dialogue()
    public var mood = Mood()
    public var advocates = Advocates()
    public var ideas = Ideas()

    public init() {}
}

extension ReportMeasures.Responsiveness {
    /// Met and breached over every target.
    public var slaMet: Int { sla.reduce(0) { $0 + $1.met } }
    public var slaBreached: Int { sla.reduce(0) { $0 + $1.breached } }
}

extension ReportMeasures.Heard {
    public var shareAnswered: Double? { opened == 0 ? nil : Double(answered) / Double(opened) }
    public var shareOnTheirChannel: Double? { answered == 0 ? nil : Double(answeredOnTheirChannel) / Double(answered) }
}
