import CCurses
import LabRendering
#if canImport(Glibc)
import Glibc
#endif

/// Why the terminal could not be used.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// The curses terminal: the only code in NNLab that calls ncurses. It copies buffers to the
/// screen (only the cells that changed), reads keys with a timeout and always leaves the
/// terminal as it found it.
public final class Terminal {
    /// What the terminal can show.
    public let colorMode: ColorMode
    /// True when Unicode glyphs are drawn.
    public let unicode: Bool
    private var screen: OpaquePointer?
    private var window: UnsafeMutablePointer<WINDOW>?
    private var last: Buffer?
    /// Clicks taken from curses' queue with an earlier one, not yet handed out.
    private var pendingClicks: [KeyEvent] = []
    private var pairs: [UInt32: Int32] = [:]
    private var closed = false
    /// Colours the terminal has (8 on some old terminals: indexes 8-15 fold onto 0-7).
    private var colorCount = 0

    /// True if standard input and output are terminals.
    public static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Starts curses. `unicode` nil follows the locale (ASCII when it is not UTF-8); `color`
    /// nil takes what the terminal offers (256, 16 or none; none with NO_COLOR).
    public init(unicode forceUnicode: Bool?, color forcedColor: ColorMode?) throws {
        guard Self.isInteractive else { throw TerminalError(description: "not a terminal") }
        setlocale(LC_ALL, "")
        var utf8 = nn_locale_is_utf8()
        if forceUnicode == true && !utf8 {
            // Forcing Unicode under a non-UTF-8 locale needs a UTF-8 LC_CTYPE for ncursesw.
            if setlocale(LC_CTYPE, "C.UTF-8") != nil { utf8 = nn_locale_is_utf8() }
        }
        unicode = forceUnicode ?? utf8 ? utf8 : false
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        guard !term.isEmpty, term != "dumb" else {
            throw TerminalError(description: "the terminal type \(term.isEmpty ? "is not set (TERM)" : "\"dumb\" cannot show the lab")")
        }
        nn_unblock_signals()
        nn_guard_install()
        guard let s = nn_newterm() else {
            nn_guard_disarm()
            throw TerminalError(description: "curses cannot use the terminal type \"\(term)\"")
        }
        screen = s
        _ = set_term(s)
        window = stdscr_window()
        nn_install_quit_handlers()
        cbreak()
        noecho()
        nonl()
        _ = intrflush(window, false)
        keypad(window, true)
        _ = curs_set(0)
        set_escdelay(25)
        mousemask(mmask_t(nn_mouse_clicks()), nil)
        // Every press at once: quick clicks at different places are different clicks.
        _ = mouseinterval(0)
        // Ctrl-S and Ctrl-Q are keys, not a frozen screen: flow control off, and that saved as
        // curses' program mode, so its later mode changes keep it off.
        nn_disable_flow_control()
        def_prog_mode()
        var mode: ColorMode = .mono
        let noColor = !(getenv("NO_COLOR").map { String(cString: $0) } ?? "").isEmpty
        if has_colors() && !noColor && forcedColor != .mono {
            start_color()
            use_default_colors()
            colorCount = Int(nn_colors())
            mode = colorCount >= 256 ? .full : .sixteen
            if let f = forcedColor, f == .sixteen { mode = .sixteen }
        }
        colorMode = mode
    }

    deinit { close() }

    /// Ends curses and restores the terminal (idempotent).
    public func close() {
        guard !closed else { return }
        closed = true
        if screen != nil {
            endwin()
            delscreen(screen)
            screen = nil
        }
        nn_guard_disarm()
    }

    /// The quit signal received (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, ...), or 0.
    public var quitSignal: Int32 { nn_quit_signal() }

    /// The screen's size in cells.
    public var size: (width: Int, height: Int) {
        (Int(getmaxx(window)), Int(getmaxy(window)))
    }

    /// Forgets what is on the screen, so the next `draw` repaints every cell (Ctrl-L).
    public func invalidate() {
        last = nil
        clearok(window, true)
    }

    /// Copies `buffer` to the screen, sending only the cells that differ from the last frame.
    public func draw(_ buffer: Buffer) {
        let changes = buffer.changes(since: last)
        guard !changes.isEmpty else { return }
        var wide = [wchar_t](repeating: 0, count: 4)
        for change in changes {
            let cell = change.cell
            if cell.isContinuation { continue }
            var scalars = Array(cell.character.unicodeScalars.prefix(3))
            if !unicode && !(scalars.first?.isASCII ?? true) { scalars = ["?"] }
            // A control character never reaches the terminal, whatever a widget put in a cell.
            if scalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) { scalars = ["?"] }
            for i in 0..<4 { wide[i] = i < scalars.count ? wchar_t(bitPattern: scalars[i].value) : 0 }
            var attributes = attr_t(0)
            let a = cell.style.attributes
            if a.contains(.bold) { attributes |= attr_t(nn_attr_bold()) }
            if a.contains(.dim) { attributes |= attr_t(nn_attr_dim()) }
            if a.contains(.reverse) { attributes |= attr_t(nn_attr_reverse()) }
            if a.contains(.underline) { attributes |= attr_t(nn_attr_underline()) }
            var pair = colorMode == .mono ? 0 : pairNumber(cell.style.fg, cell.style.bg)
            var c = cchar_t()
            setcchar(&c, &wide, attributes, 0, &pair)
            // Writing the bottom-right cell scrolls some terminals: curses handles it with
            // insert mode; its ERR there is harmless.
            _ = mvwadd_wch(window, Int32(change.y), Int32(change.x), &c)
        }
        wnoutrefresh(window)
        doupdate()
        last = buffer
    }

    private func colorIndex(_ c: Color) -> Int32 {
        switch c {
        case .default: -1
        case .indexed(let n): colorMode == .sixteen ? Int32(Int(n) % Swift.max(1, Swift.min(16, colorCount))) : Int32(n)
        }
    }

    private func pairNumber(_ fg: Color, _ bg: Color) -> Int32 {
        let f = colorIndex(fg), b = colorIndex(bg)
        if f == -1 && b == -1 { return 0 }
        let key = UInt32(bitPattern: (f + 1) << 16 | (b + 1))
        if let p = pairs[key] { return p }
        let p = alloc_pair(f, b)
        let pair = p < 0 ? 0 : p
        pairs[key] = pair
        return pair
    }

    /// The next key, waiting at most `timeout` milliseconds; nil when none came.
    public func readKey(timeout: Int) -> KeyEvent? {
        if !pendingClicks.isEmpty { return pendingClicks.removeFirst() }
        wtimeout(window, Int32(timeout))
        var ch: wint_t = 0
        let r = wget_wch(window, &ch)
        if r == ERR { return nil }
        if r == nn_key_code_yes() {
            let code = Int32(ch)
            switch code {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case nn_key_resize():
                last = nil
                return .resize
            case KEY_MOUSE:
                // Reports that arrive in one read (a burst of clicks, or over SSH) come as one
                // KEY_MOUSE with the rest in curses' queue: take them all, each click its own
                // key (a merged double click counts twice), and hand them out one by one.
                var event = MEVENT()
                while getmouse(&event) == OK {
                    let x = Int(event.x), y = Int(event.y)
                    let key: KeyEvent? = switch nn_mouse_button(UInt(event.bstate)) {
                    case 1: .click(x: x, y: y)
                    case 2: .middleClick(x: x, y: y)
                    case 3: .rightClick(x: x, y: y)
                    default: nil
                    }
                    if let key { pendingClicks += [KeyEvent](repeating: key, count: Int(nn_mouse_count(UInt(event.bstate)))) }
                }
                return pendingClicks.isEmpty ? nil : pendingClicks.removeFirst()
            default:
                if code >= KEY_F0 + 1 && code <= KEY_F0 + 12 { return .function(Int(code - KEY_F0)) }
                return nil
            }
        }
        switch ch {
        case 27: return .escape
        case 9: return .tab
        case 10, 13: return .enter
        case 127, 8: return .backspace
        case 4: return .endOfInput
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(ch) + 96)))
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(scalar))
        }
    }
}
