/// The complaints an import has seen, with their terms, and the stretches of time for which it
/// holds every stored complaint: each batch's incident detection reads from the cache only the
/// part of its window no earlier batch read. Reading the whole window again for every batch
/// made an import's cost grow with the number of its transactions, and an import takes many
/// short ones so that operators are never kept waiting.
///
/// Complaints another process stores inside a stretch already read are not seen by this import
/// (two imports at once each find the incidents of their own complaints).
struct ComplaintMemory {
    struct Entry {
        var at: Int64
        var conversation: Int64
        var terms: IncidentTerms
    }

    private(set) var entries: [Int64: Entry] = [:]
    /// Entries by time, then id; those added since are merged in when next asked for (sorting
    /// the few new ones, not all of them again: a detection pass asks hundreds of times).
    private var order: [(at: Int64, id: Int64)] = []
    private var added: [(at: Int64, id: Int64)] = []
    /// Disjoint, in time order: every complaint stored with a time in them is in `entries`.
    private var covered: [ClosedRange<Int64>] = []
    /// Conversations known to be in an incident: their complaints are taken.
    var inIncident: Set<Int64> = []

    var count: Int { entries.count }

    func terms(of id: Int64) -> IncidentTerms? { entries[id]?.terms }

    mutating func add(_ id: Int64, _ entry: Entry) {
        if entries.updateValue(entry, forKey: id) == nil { added.append((entry.at, id)) }
    }

    /// A stored message at `at` changed (it may have become a complaint, or stopped being one):
    /// it is read again, with whatever else shares its time.
    mutating func forget(_ id: Int64, at: Int64) {
        if let entry = entries.removeValue(forKey: id) {
            order.removeAll { $0.id == id }
            added.removeAll { $0.id == id }
            uncover(entry.at)
        }
        uncover(at)
    }

    /// The parts of `from...to` not read yet.
    func uncovered(_ from: Int64, _ to: Int64) -> [ClosedRange<Int64>] {
        var gaps: [ClosedRange<Int64>] = []
        var next = from
        for span in covered where span.upperBound >= next && span.lowerBound <= to {
            if span.lowerBound > next { gaps.append(next...(span.lowerBound - 1)) }
            guard span.upperBound < to else { return gaps }
            next = span.upperBound + 1
        }
        if next <= to { gaps.append(next...to) }
        return gaps
    }

    mutating func cover(_ span: ClosedRange<Int64>) {
        var merged = span
        var kept: [ClosedRange<Int64>] = []
        for other in covered {
            if other.upperBound < merged.lowerBound - 1 || other.lowerBound > merged.upperBound + 1 {
                kept.append(other)
            } else {
                merged = min(merged.lowerBound, other.lowerBound)...max(merged.upperBound, other.upperBound)
            }
        }
        kept.append(merged)
        covered = kept.sorted { $0.lowerBound < $1.lowerBound }
    }

    private mutating func uncover(_ at: Int64) {
        covered = covered.flatMap { span -> [ClosedRange<Int64>] in
            guard span.contains(at) else { return [span] }
            return [span.lowerBound...(at - 1), (at + 1)...span.upperBound].filter { !$0.isEmpty }
        }
    }

    /// Ids of the entries with a time in `from...to`, in time order.
    mutating func ids(from: Int64, to: Int64) -> ArraySlice<(at: Int64, id: Int64)> {
        if !added.isEmpty { mergeAdded() }
        return order[order.lowerBound(from, by: \.at)..<order.lowerBound(to == .max ? to : to + 1, by: \.at)]
    }

    /// Past `limit` entries, keeps those from `keepFrom` on, and none when they are still too
    /// many unless `keepingLater` (a detection pass still needs them).
    mutating func trim(limit: Int, keepFrom: Int64, keepingLater: Bool = false) {
        guard entries.count > limit else { return }
        // Those that go are the front of the time order: dropping them costs what goes, where
        // filtering and sorting all that stay cost a pass an hour of a batch's complaints.
        if !added.isEmpty { mergeAdded() }
        let gone = order.lowerBound(keepFrom, by: \.at)
        for (_, id) in order[..<gone] { entries.removeValue(forKey: id) }
        order.removeFirst(gone)
        covered = covered.compactMap { $0.upperBound < keepFrom ? nil : max($0.lowerBound, keepFrom)...$0.upperBound }
        if entries.count > limit && !keepingLater {
            entries.removeAll(keepingCapacity: true)
            order.removeAll(keepingCapacity: true)
            covered.removeAll()
            inIncident.removeAll()
        }
    }

    private mutating func mergeAdded() {
        added.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        guard let first = added.first, let last = order.last, (first.at, first.id) < (last.at, last.id) else {
            order += added
            added.removeAll(keepingCapacity: true)
            return
        }
        var merged: [(at: Int64, id: Int64)] = []
        merged.reserveCapacity(order.count + added.count)
        var (i, j) = (0, 0)
        while i < order.count || j < added.count {
            if j == added.count || (i < order.count && (order[i].at, order[i].id) < (added[j].at, added[j].id)) {
                merged.append(order[i])
                i += 1
            } else {
                merged.append(added[j])
                j += 1
            }
        }
        order = merged
        added.removeAll(keepingCapacity: true)
    }
}
