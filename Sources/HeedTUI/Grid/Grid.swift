import HeedCore

/// One terminal cell: the scalars drawn there (a wide character's second cell holds "").
public struct Cell: Sendable, Equatable {
    public var text: String
    public var style: Style

    public static let blank = Cell(text: " ", style: .normal)
}

/// The screen as values: rendering writes here, a terminal shows it, tests read it as text.
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes text from (x, y), clipped to `limit` columns (to the right edge by default), and
    /// returns the columns used. Only `DisplayText` gets here: public text is already neutralised.
    @discardableResult
    public mutating func put(_ text: DisplayText, x: Int, y: Int, limit: Int? = nil, style: Style = .normal) -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let end = Swift.min(width, x + (limit ?? width))
        var column = x
        var lastCell: Int?
        for scalar in text.string.unicodeScalars {
            let w = DisplayWidth.of(scalar)
            if w == 0 {
                if let last = lastCell { cells[last].text.unicodeScalars.append(scalar) }
                continue
            }
            if column + w > end { break }
            let index = y * width + column
            cells[index] = Cell(text: String(scalar), style: style)
            if w == 2 { cells[index + 1] = Cell(text: "", style: style) }
            lastCell = index
            column += w
        }
        return column - x
    }

    /// Paints a whole row's style (for highlighted rows) from x to the right edge.
    public mutating func fill(y: Int, from x: Int = 0, style: Style) {
        guard y >= 0, y < height else { return }
        for column in Swift.max(0, x)..<width { cells[y * width + column].style = style }
    }

    /// Blanks a whole row: its text and its style.
    public mutating func clear(y: Int) {
        guard y >= 0, y < height else { return }
        for column in 0..<width { cells[y * width + column] = .blank }
    }

    /// Row `y` as text, wide characters once.
    public func line(_ y: Int) -> String {
        (0..<width).map { self[$0, y].text }.joined()
    }

    public var lines: [String] { (0..<height).map(line) }
}
