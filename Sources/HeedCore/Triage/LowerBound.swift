extension RandomAccessCollection where Index == Int {
    /// The first index whose `key` is not below `value`, in a collection sorted by `key`
    /// (`endIndex` when there is none): a binary search.
    func lowerBound(_ value: Int64, by key: (Element) -> Int64) -> Int {
        var (low, high) = (startIndex, endIndex)
        while low < high {
            let mid = (low + high) / 2
            if key(self[mid]) < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
