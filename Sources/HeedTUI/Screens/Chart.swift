/// Charts made of characters, so that they read the same in colour and in monochrome:
/// sparklines of block heights, areas of braille dots, bars of eighth blocks.
enum Chart {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value, its height from the lowest (or 0) to the highest; a missing
    /// value is a gap.
    static func sparkline(_ values: [Double?]) -> String {
        let known = values.compactMap { $0 }
        guard let high = known.max() else { return String(repeating: " ", count: values.count) }
        let low = Swift.min(0, known.min() ?? 0)
        return String(values.map { value -> Character in
            guard let value else { return " " }
            guard high > low else { return levels[0] }
            return levels[Int(((value - low) / (high - low) * Double(levels.count - 1)).rounded())]
        })
    }

    /// An area of `values` from the bottom, `rows` characters high and two values a character
    /// wide (braille has two columns of four dots), the highest value reaching the top. Rows
    /// come top first.
    static func brailleArea(_ values: [Int], rows: Int) -> [String] {
        let high = values.max() ?? 0
        let dots = rows * 4
        let heights = values.map { value -> Int in
            guard high > 0, value > 0 else { return 0 }
            return Swift.max(1, Int((Double(value) / Double(high) * Double(dots)).rounded()))
        }
        // Dots from the bottom of a cell up: the left column's bits, then the right's.
        let left: [UInt32] = [0x40, 0x04, 0x02, 0x01], right: [UInt32] = [0x80, 0x20, 0x10, 0x08]
        return (0..<rows).map { row in
            let floor = (rows - 1 - row) * 4
            var line = ""
            for pair in stride(from: 0, to: heights.count, by: 2) {
                var bits: UInt32 = 0
                for (column, height) in heights[pair..<Swift.min(pair + 2, heights.count)].enumerated() {
                    let filled = Swift.min(4, Swift.max(0, height - floor))
                    for dot in 0..<filled { bits |= (column == 0 ? left : right)[dot] }
                }
                line.unicodeScalars.append(Unicode.Scalar(0x2800 + bits)!)
            }
            return line
        }
    }

    /// `values` summed in runs of `size`, the last run taking what is left.
    static func buckets(_ values: [Int], size: Int) -> [Int] {
        let size = Swift.max(1, size)
        return stride(from: 0, to: values.count, by: size).map { values[$0..<Swift.min($0 + size, values.count)].reduce(0, +) }
    }

    /// A bar `share` (0…1) of `width` characters, to an eighth of one.
    static func bar(_ share: Double, width: Int) -> String {
        let eighths = Int((Swift.min(1, Swift.max(0, share)) * Double(width * 8)).rounded())
        let partial: [String] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }
}
