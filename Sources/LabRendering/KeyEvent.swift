/// One key press (or a resize or mouse click), as the terminal backend reports it and the
/// lab's key table reads it. Terminal-independent, so the key table is tested without one.
public enum KeyEvent: Hashable, Sendable {
    /// A printable character (including space).
    case char(Character)
    case up, down, left, right
    case enter, escape, tab, backTab, backspace, delete
    case pageUp, pageDown, home, end
    /// Ctrl and a letter (Ctrl-L redraws).
    case control(Character)
    /// A function key F1...F12.
    case function(Int)
    /// The terminal changed size.
    case resize
    /// A left click at a screen cell.
    case click(x: Int, y: Int)
    /// A right click (the data editor places class 0).
    case rightClick(x: Int, y: Int)
    /// A middle click (the data editor removes a point).
    case middleClick(x: Int, y: Int)
    /// End of input (the terminal went away).
    case endOfInput

    /// How the help overlay and the footer name the key.
    public var name: String {
        switch self {
        case .char(" "): "space"
        case .char(let c): String(c)
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .enter: "enter"
        case .escape: "esc"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .backspace: "backspace"
        case .delete: "delete"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .home: "home"
        case .end: "end"
        case .control(let c): "ctrl-\(c)"
        case .function(let n): "F\(n)"
        case .resize: "resize"
        case .click: "click"
        case .rightClick: "right click"
        case .middleClick: "middle click"
        case .endOfInput: "eof"
        }
    }
}
