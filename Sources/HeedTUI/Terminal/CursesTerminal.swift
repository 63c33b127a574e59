import CCursesShim
@preconcurrency import CNcursesw
import HeedCore
import Foundation

/// The one place heed talks to ncurses: start and restore the terminal, read keys, draw grids.
public final class CursesTerminal: Terminal {
    private var previous: Grid?
    private let colors: Bool
    private let output: UnsafeMutablePointer<FILE>
    /// Inside a bracketed paste: a line break is text, not Enter.
    private var pasting = false
    /// The codes ncurses gives the bracketed-paste markers (`define_key`).
    private static let pasteStart: Int32 = KEY_MAX + 1, pasteEnd: Int32 = KEY_MAX + 2

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw CursesError.notATerminal }
        setlocale(LC_ALL, "")
        // newterm, unlike initscr, returns instead of exiting when the terminal type is unknown.
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              let screen = newterm(nil, output, input) else {
            throw CursesError.cannotStart(term: environment["TERM"] ?? "")
        }
        set_term(screen)
        self.output = output
        // raw: Ctrl-C and Ctrl-Z arrive as keys, so heed can restore the terminal itself.
        raw()
        noecho()
        nonl()
        keypad(CCursesShim_stdscr(), true)
        define_key("\u{1b}[200~", Self.pasteStart)
        define_key("\u{1b}[201~", Self.pasteEnd)
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
        bracketedPaste(true)
    }

    /// Asks the terminal to mark pasted text, so that a pasted line break does not send a reply.
    private func bracketedPaste(_ on: Bool) {
        fputs(on ? "\u{1b}[?2004h" : "\u{1b}[?2004l", output)
        fflush(output)
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
        while true {
            if terminationRequested != 0 { return .ctrl("c") }
            guard let (code, function) = readCode(timeoutMilliseconds: timeoutMilliseconds) else {
                return terminationRequested != 0 ? .ctrl("c") : nil
            }
            if function {
                switch code {
                case Self.pasteStart: pasting = true
                case Self.pasteEnd: pasting = false
                default: return Self.functionKey(code)
                }
                continue
            }
            if code == 13 { return pasting ? .char("\n") : .enter }
            guard code == 27, !pasting else { return Self.plainKey(code) }
            // ESC and a key at once is Alt with it; ESC alone (nothing within the escape delay) is Esc.
            guard let (next, nextFunction) = readCode(timeoutMilliseconds: 0) else { return .escape }
            if nextFunction {
                ungetch(next)
                return .escape
            }
            switch next {
            case 13, 10: return .char("\n")
            case 8, 127: return .alt(Character(UnicodeScalar(UInt8(next))))
            case 32...: return UnicodeScalar(UInt32(next)).map { .alt(Character($0)) } ?? .escape
            default:
                ungetch(next)
                return .escape
            }
        }
    }

    /// The next code from ncurses, and whether it is a function key (KEY_…); nil on timeout.
    private func readCode(timeoutMilliseconds: Int) -> (Int32, Bool)? {
        wtimeout(CCursesShim_stdscr(), Int32(timeoutMilliseconds))
        var code: wint_t = 0
        let result = wget_wch(CCursesShim_stdscr(), &code)
        if result == CCursesShim_KEY_CODE_YES() { return (Int32(code), true) }
        return result == OK ? (Int32(code), false) : nil
    }

    static func plainKey(_ code: Int32) -> Key? {
        switch code {
        case 10: return .char("\n")
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
        case KEY_DC: .delete
        case KEY_BTAB: .backTab
        case KEY_RESIZE: .resize
        case KEY_F0 + 1...KEY_F0 + 12: .function(Int(code - KEY_F0))
        default:
            // Ctrl with an arrow has no KEY_ name; the terminal description calls it kLFT5, kRIT5.
            switch keyname(code).map({ String(cString: $0) }) {
            case "kLFT5": .alt("b")
            case "kRIT5": .alt("f")
            default: nil
            }
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
        _ = withoutScreen { kill(getpid(), SIGSTOP) }
    }

    /// Leaves curses (the terminal as the shell had it) for `body` — the operator's editor, a
    /// suspend — then takes it back and redraws everything.
    public func withoutScreen<T>(_ body: () throws -> T) rethrows -> T {
        bracketedPaste(false)
        endwin()
        defer {
            previous = nil
            refresh()
            bracketedPaste(true)
        }
        return try body()
    }

    public func waitForEnter(_ message: String) {
        FileHandle.standardOutput.write(Data("\n\(message) ".utf8))
        _ = readLine()
    }

    public func stop() {
        bracketedPaste(false)
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
        case .urgencyHigh, .unread: return (CCursesShim_A_BOLD(), pair)
        case .ours, .normal, .urgencyMedium, .late: return (0, pair)
        }
    }

    private static func palette(_ style: Style) -> (Int16, Int16) {
        switch style {
        case .header, .status: (Int16(COLOR_WHITE), Int16(COLOR_BLUE))
        case .urgencyHigh, .error, .late: (Int16(COLOR_RED), -1)
        case .urgencyMedium: (Int16(COLOR_YELLOW), -1)
        case .tab: (Int16(COLOR_CYAN), -1)
        case .ours: (Int16(COLOR_GREEN), -1)
        case .dim, .separator: (Int16(COLOR_CYAN), -1)
        case .normal, .selectedRow, .tabActive, .unread: (-1, -1)
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
