/// What a piece of the screen means; a theme decides how that looks.
public enum Style: String, Sendable, Equatable, CaseIterable {
    case normal, header, selectedRow, dim, separator, status, urgencyHigh, ours, tab, tabActive, error
    /// What came in since the operator last looked (a new row).
    case unread
}
