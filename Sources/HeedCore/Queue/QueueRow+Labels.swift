extension QueueRow {
    /// "@handle (18k)" in at most `width` columns: the handle is shortened, the audience size kept,
    /// since it is what an operator weighs. Safe to display (the handle is sanitised).
    public func authorLabel(width: Int) -> String {
        let count = " (\(Age.count(followers)))"
        let handle = DisplayText(untrusted: "@" + authorHandle).string
        return DisplayWidth.truncate(handle, to: Swift.max(1, width - DisplayWidth.of(count))) + count
    }
}
