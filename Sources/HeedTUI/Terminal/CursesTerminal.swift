@preconcurrency import CNcursesw
import CCursesShim
import Foundation

/// The one place heed talks to ncurses: start and restore the terminal, read keys, draw grids.
public final class CursesTerminal: Terminal {
    private var previous: Grid?
    private let colors: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw CursesError.notATerminal }
        setlocale(LC_ALL, "")
        // newterm, unlike initscr, returns instead of exiting when the terminal type is unknown.
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              let screen = newterm(nil, output, input) else {
            throw CursesError.cannotStart(term: environment["TERM"] ?? "")
        }
        set_term(screen)
        // raw: Ctrl-C and Ctrl-Z arrive as keys, so heed can restore the terminal itself.
        raw()
        noecho()
        nonl()
        keypad(CCursesShim_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        colors = has_colors() && (environment["NO_COLOR"] ?? "").isEmpty
        if colors {
            start_color()
            use_default_colors()
            for (index, style) in Style.allCases.enumerated() {
                let (fg, bg) = Self.palette(style)
                init_pair(Int16(index + 1), fg, bg)
            }
        }
        Self.installSignalHandlers()
    }

    public enum CursesError: Error, CustomStringConvertible {
        case notATerminal
        case cannotStart(term: String)

        public var description: String {
            switch self {
            case .notATerminal:
                "the screen needs a terminal on standard input and output; use `heed queue` for text"
            case .cannotStart(let term):
                term.isEmpty ? "cannot start the screen: TERM is not set" : "cannot start the screen for TERM=\(term) (is its terminfo entry installed?)"
            }
        }
    }

    public var size: (width: Int, height: Int) {
        (Int(getmaxx(CCursesShim_stdscr())), Int(getmaxy(CCursesShim_stdscr())))
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        if terminationRequested != 0 { return .ctrl("c") }
        wtimeout(CCursesShim_stdscr(), Int32(timeoutMilliseconds))
        var code: wint_t = 0
        let result = wget_wch(CCursesShim_stdscr(), &code)
        if result == CCursesShim_KEY_CODE_YES() { return Self.functionKey(Int32(code)) }
        guard result == OK else { return terminationRequested != 0 ? .ctrl("c") : nil }
        switch code {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(UnicodeScalar(UInt8(code) + 96)))
        default: return UnicodeScalar(UInt32(code)).map { .char(Character($0)) }
        }
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_ENTER: .enter
        case KEY_BACKSPACE: .backspace
        case KEY_BTAB: .backTab
        case KEY_RESIZE: .resize
        case KEY_F0 + 1...KEY_F0 + 12: .function(Int(code - KEY_F0))
        default: nil
        }
    }

    public func present(_ grid: Grid) {
        let full = previous.map { $0.width != grid.width || $0.height != grid.height } ?? true
        if full { wclear(CCursesShim_stdscr()) }
        for y in 0..<grid.height {
            // ncurses diffs what it sends; skipping unchanged rows saves the per-cell work here.
            if !full, let previous, (0..<grid.width).allSatisfy({ previous[$0, y] == grid[$0, y] }) { continue }
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if cell.text.isEmpty { continue }
                var chars = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                chars.append(0)
                let (attributes, pair) = attributes(for: cell.style)
                _ = chars.withUnsafeBufferPointer { CCursesShim_put_cell(Int32(y), Int32(x), $0.baseAddress, attributes, pair) }
            }
        }
        wnoutrefresh(CCursesShim_stdscr())
        doupdate()
        previous = grid
    }

    /// Leaves curses so the shell gets its terminal back, then (on resume) redraws from scratch.
    public func suspend() {
        endwin()
        kill(getpid(), SIGSTOP)
        previous = nil
        refresh()
    }

    public func stop() {
        endwin()
    }

    private func attributes(for style: Style) -> (attr_t, Int16) {
        let pair = colors ? Int16(Style.allCases.firstIndex(of: style)! + 1) : 0
        switch style {
        case .header, .status: return (colors ? CCursesShim_A_BOLD() : CCursesShim_A_REVERSE(), pair)
        case .selectedRow, .tabActive: return (CCursesShim_A_REVERSE() | CCursesShim_A_BOLD(), 0)
        case .tab: return (0, pair)
        case .error: return (CCursesShim_A_BOLD() | (colors ? 0 : CCursesShim_A_UNDERLINE()), pair)
        case .dim, .separator: return (CCursesShim_A_DIM(), pair)
        case .urgencyHigh: return (CCursesShim_A_BOLD(), pair)
        case .ours, .normal: return (0, pair)
        }
    }

    private static func palette(_ style: Style) -> (Int16, Int16) {
        switch style {
        case .header, .status: (Int16(COLOR_WHITE), Int16(COLOR_BLUE))
        case .urgencyHigh, .error: (Int16(COLOR_RED), -1)
        case .tab: (Int16(COLOR_CYAN), -1)
        case .ours: (Int16(COLOR_GREEN), -1)
        case .dim, .separator: (Int16(COLOR_CYAN), -1)
        case .normal, .selectedRow, .tabActive: (-1, -1)
        }
    }

    private static func installSignalHandlers() {
        for signal in [SIGTERM, SIGHUP, SIGINT] {
            Foundation.signal(signal) { _ in terminationRequested = 1 }
        }
    }
}

/// Set by SIGTERM/SIGHUP/SIGINT; the key loop sees it within one timeout and quits cleanly.
nonisolated(unsafe) private var terminationRequested: sig_atomic_t = 0
