import Foundation

/// Where listening got to on a network that pages newest first (X, YouTube): the newest mention
/// stored, and while older pages since it are still being read, the page to read next and the
/// newest of the round.
struct PagedCursor: Equatable {
    var since: String?
    var next: String?
    var newest: String?

    init(since: String?, next: String? = nil, newest: String? = nil) {
        (self.since, self.next, self.newest) = (since, next, newest)
    }

    /// As kept in `account_state`: `SINCE` or `SINCE NEXT NEWEST`.
    init(_ text: String?) {
        let words = (text ?? "").split(separator: " ").map(String.init)
        self.init(since: words.first, next: words.count == 3 ? words[1] : nil, newest: words.count == 3 ? words[2] : nil)
    }

    var text: String? {
        guard let since else { return nil }
        guard let next, let newest else { return since }
        return "\(since) \(next) \(newest)"
    }
}
