/// What a piece of the screen means; a theme decides how that looks.
public enum Style: String, Sendable, Equatable, CaseIterable {
    case normal, header, selectedRow, dim, separator, status, urgencyHigh, ours, tab, tabActive, error
    /// Below the most urgent: worth a look, not an alarm (a priority of 70–89, a row that rose,
    /// a late low-priority one).
    case urgencyMedium
    /// Late, on a conversation that matters (red, not bold: the bold red is the top band's).
    case late
    /// What came in since the operator last looked (a new row).
    case unread
}
