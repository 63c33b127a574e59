/// What an import of one source did.
public struct IngestReport: Sendable, Equatable {
    public var source: String
    public var new = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    /// The line an earlier, interrupted run of the same file had reached (0 when starting afresh).
    public var resumedAtLine = 0
    /// The format read (forced or detected), once known.
    public var format: String?
    /// Stopped on request before the end; running it again resumes.
    public var interrupted = false

    public init(source: String) { self.source = source }

    public var total: Int { new + updated + unchanged + rejected }

    public static func += (lhs: inout IngestReport, rhs: IngestReport) {
        lhs.new += rhs.new
        lhs.updated += rhs.updated
        lhs.unchanged += rhs.unchanged
        lhs.rejected += rhs.rejected
    }
}
