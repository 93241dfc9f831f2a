import Foundation
import LabRendering
import NeuralCore

/// What a key asks the lab to do: an action of one mode. Each mode has its own enum of
/// actions, and each says for itself, by an exhaustive switch, how it changes the lab.
public protocol ModeAction: Sendable {
    /// Changes the lab (`frame`: the frame the key was pressed on; clicks read its map).
    func perform(on lab: Lab, frame: Frame?)
    /// True for the actions that act on the latest state (training, settings, data): they
    /// leave the timeline first. Views, overlays, the step-through and exports stay on it.
    var leavesTimeline: Bool { get }
    /// True for the actions that keep the footer's notice (typing a name, moving in a list).
    var keepsNotice: Bool { get }
    /// Equality across action types (tests, and the tables' own checks).
    func isSame(as other: any ModeAction) -> Bool
}

extension ModeAction where Self: Equatable {
    public func isSame(as other: any ModeAction) -> Bool { (other as? Self) == self }
}

/// Which keys a binding answers.
public enum KeyPattern: Sendable, Equatable {
    /// These keys.
    case keys([KeyEvent])
    /// A digit 0-9 (the action gets its value).
    case digits
    /// Any printable character among `characters` (nil: any at all).
    case typing(String?)
    /// A click of the button (1 left, 2 middle, 3 right).
    case click(Int)
    /// Any key but a resize.
    case anyKey

    /// True when `key` matches.
    public func matches(_ key: KeyEvent) -> Bool {
        switch (self, key) {
        case (.keys(let keys), _): keys.contains(key)
        case (.digits, .char(let c)): c.isASCII && c.isNumber
        case (.typing(let set), .char(let c)): set.map { $0.contains(c) } ?? true
        case (.click(1), .click), (.click(2), .middleClick), (.click(3), .rightClick): true
        case (.anyKey, _): key != .resize
        default: false
        }
    }

    /// How the help names the keys ("space", "j k", "0-9", "click").
    public var name: String {
        switch self {
        case .keys(let keys): keys.first.map(KeyTable.helpName) ?? ""
        case .digits: "0-9"
        case .typing(nil): "letters"
        case .typing(let set?):
            set.contains("0123456789") ? (["0-9"] + set.replacingOccurrences(of: "0123456789", with: "").map { String($0) }).joined(separator: " ")
                : set.map { String($0) }.joined(separator: " ")
        case .click(1): "click"
        case .click(2): "middle click"
        case .click(_): "right click"
        case .anyKey: "any key"
        }
    }
}

/// What the footer knows when it lists a mode's keys.
public struct HintContext {
    public let state: LabState
    public let status: TrainingStatus
    /// The quiz waits for a typed value.
    public let quizPending: Bool
    /// Networks on screen (the compare screen has 2-4).
    public let paneCount: Int
    public let glyphs: Glyphs
    /// `v` has another view to show (false without a hidden layer, or on 1-D data that cannot
    /// show each unit's part).
    public let hasOtherViews: Bool
    /// The data's classes (nil: regression).
    public let classCount: Int?
    /// Hidden layers of the (focused) network.
    public var hiddenLayers = 0

    public init(state: LabState, status: TrainingStatus, quizPending: Bool, paneCount: Int, glyphs: Glyphs, hasOtherViews: Bool = true,
                classCount: Int? = 2) {
        self.state = state
        self.status = status
        self.quizPending = quizPending
        self.paneCount = paneCount
        self.glyphs = glyphs
        self.hasOtherViews = hasOtherViews
        self.classCount = classCount
    }
}

/// How the footer names a binding's keys.
public enum HintKeys: Sendable {
    /// The pattern's name ("space", "0-9").
    case pattern
    /// These words.
    case text(String)
    /// The arrows, up and down, left and right, in the theme's glyphs.
    case arrows, upDown, leftRight
    /// The digits of the data's classes ("0 1", "0-2"), any digit for regression.
    case classDigits
}

/// One line of a mode's key table: the keys, the action they mean, what the help says of it,
/// and how the footer shows it (when it does).
public struct KeyBinding: Sendable {
    public let pattern: KeyPattern
    let make: @Sendable (KeyEvent) -> (any ModeAction)?
    /// The help's text; "" shares the help line of the binding before it ("] ["); nil: the
    /// binding is the footer's only (its keys are listed by a mode below, which does the same).
    public let help: String?
    /// The footer's word for it now (nil: not in the footer now).
    public let hint: (@Sendable (HintContext) -> String?)?
    let hintKeys: HintKeys

    /// `keys` mean `action`.
    public init(_ keys: [KeyEvent], _ action: any ModeAction, _ help: String = "", hint: String? = nil, hintKeys: HintKeys = .pattern) {
        var word: (@Sendable (HintContext) -> String?)?
        if let hint { word = { _ in hint } }
        self.init(.keys(keys), help: help, hint: word, hintKeys: hintKeys) { _ in action }
    }

    /// `keys` mean `action`; the footer's word depends on the moment (`hint`).
    public init(_ keys: [KeyEvent], _ action: any ModeAction, _ help: String = "", hintKeys: HintKeys = .pattern,
                hint: @escaping @Sendable (HintContext) -> String?) {
        self.init(.keys(keys), help: help, hint: hint, hintKeys: hintKeys) { _ in action }
    }

    /// A footer hint for keys a mode below lists in the help and does the same with.
    public static func hintOnly(_ keys: [KeyEvent], _ action: any ModeAction, hint: @escaping @Sendable (HintContext) -> String?) -> KeyBinding {
        KeyBinding(.keys(keys), help: nil, hint: hint) { _ in action }
    }

    /// A pattern whose action depends on the key (a digit, a typed character, a click).
    public init(_ pattern: KeyPattern, help: String?, hint: (@Sendable (HintContext) -> String?)? = nil, hintKeys: HintKeys = .pattern,
                make: @escaping @Sendable (KeyEvent) -> (any ModeAction)?) {
        self.pattern = pattern
        self.make = make
        self.help = help
        self.hint = hint
        self.hintKeys = hintKeys
    }

    /// The action `key` means, if this binding takes it.
    public func action(for key: KeyEvent) -> (any ModeAction)? { pattern.matches(key) ? make(key) : nil }
}

/// What a key press is looked up in: the view state, and whether the screen is too small.
public struct KeyContext: Sendable {
    public var state: LabState
    /// The last frame asked for a larger terminal.
    public var tooSmall = false
    public init(state: LabState, tooSmall: Bool = false) {
        self.state = state
        self.tooSmall = tooSmall
    }
}

/// A mode of the lab: when it takes keys, its key table (from which its dispatch, its help
/// section and its footer are made), and what its help adds in words. A mode is added by
/// adding one type and naming it in `KeyTable.modes`.
public protocol LabMode {
    /// The help's title for its keys.
    static var title: String { get }
    /// The key table.
    static var bindings: [KeyBinding] { get }
    /// Lines the help adds under the keys.
    static var notes: [String] { get }
    /// True when the mode takes keys.
    static func isActive(_ context: KeyContext) -> Bool
    /// True when the mode is the screen's own in `state` (the help lists its keys first);
    /// by default, when it is active.
    static func isCurrent(_ state: LabState) -> Bool
    /// True when keys it does not take go no further (a dialog, a screen of its own); false
    /// when they go on to the modes below (the settings panel plays on space).
    static var isModal: Bool { get }
}

extension LabMode {
    public static var notes: [String] { [] }
    public static func isCurrent(_ state: LabState) -> Bool { isActive(KeyContext(state: state)) }

    /// The action `key` means in this mode, if any.
    static func action(for key: KeyEvent) -> (any ModeAction)? {
        for binding in bindings { if let action = binding.action(for: key) { return action } }
        return nil
    }
}

/// The modes, and the key table each keeps: one place for dispatch, footer and help.
public enum KeyTable {
    /// Every mode, the first that is active and takes a key wins; a modal mode stops the search.
    public static let modes: [any LabMode.Type] = [
        TooSmallMode.self, HelpMode.self, MessageMode.self, PromptMode.self, SettingsMode.self, LessonsMode.self,
        ChainMode.self, BatchMode.self, QuizMode.self, StepMode.self, EditMode.self, TimelineMode.self, CompareMode.self, DashboardMode.self,
    ]

    /// The modes that take keys in `context`, in order, down to the first modal one.
    static func activeModes(_ context: KeyContext) -> [any LabMode.Type] {
        var out: [any LabMode.Type] = []
        for mode in modes where mode.isActive(context) {
            out.append(mode)
            if mode.isModal { break }
        }
        return out
    }

    /// True when `a` and `b` are the same mode.
    public static func same(_ a: any LabMode.Type, _ b: any LabMode.Type) -> Bool { ObjectIdentifier(a) == ObjectIdentifier(b) }

    /// The action `key` means in `context`, or nil.
    public static func action(for key: KeyEvent, in context: KeyContext) -> (any ModeAction)? {
        for mode in activeModes(context) { if let action = mode.action(for: key) { return action } }
        return nil
    }

    /// The action `key` means in `state` (a screen of normal size).
    public static func action(for key: KeyEvent, in state: LabState) -> (any ModeAction)? {
        action(for: key, in: KeyContext(state: state))
    }

    /// The order of the help's sections after the screen's own: the screens, then the windows.
    static let helpOrder: [any LabMode.Type] = [
        DashboardMode.self, TimelineMode.self, CompareMode.self, EditMode.self, StepMode.self, BatchMode.self, QuizMode.self, ChainMode.self,
        SettingsMode.self, LessonsMode.self, PromptMode.self, HelpMode.self, MessageMode.self,
    ]

    /// The screen's own mode, under any overlay: the one whose keys the help lists first.
    public static func screenMode(_ state: LabState) -> any LabMode.Type {
        var s = state
        s.overlay = .none
        return modes.first { $0.isCurrent(s) } ?? DashboardMode.self
    }

    // MARK: The footer

    /// The footer's keys: those of the first active mode that shows any now.
    public static func hints(_ context: HintContext) -> [(key: String, action: String)] {
        for mode in activeModes(KeyContext(state: context.state)) {
            let shown = hints(mode.bindings, context)
            if !shown.isEmpty { return shown }
        }
        return []
    }

    static func hints(_ bindings: [KeyBinding], _ context: HintContext) -> [(key: String, action: String)] {
        bindings.compactMap { b in
            guard let word = b.hint?(context) else { return nil }
            let keys: String = switch b.hintKeys {
            case .pattern: b.pattern.name
            case .text(let t): t
            case .arrows: context.glyphs.arrowKeys
            case .upDown: context.glyphs.upDownKeys
            case .leftRight: context.glyphs.leftRightKeys
            case .classDigits: context.classCount.map { $0 <= 2 ? "0 1" : "0-\($0 - 1)" } ?? "0-9"
            }
            return (keys, word)
        }
    }

    // MARK: The help

    /// The help's name of a key.
    static func helpName(_ key: KeyEvent) -> String { key == .backTab ? "S-tab" : key.name }

    /// A table's help lines: a binding without help text shares the line of the one before it
    /// ("] [", "up down"); four arrows are "arrows".
    static func lines(_ table: [KeyBinding]) -> [(keys: String, help: String)] {
        var merged: [(keys: [String], help: String)] = []
        for b in table {
            guard let help = b.help else { continue }
            if help.isEmpty, !merged.isEmpty { merged[merged.count - 1].keys.append(b.pattern.name) }
            else { merged.append(([b.pattern.name], help)) }
        }
        for i in merged.indices where merged[i].keys == ["up", "down", "left", "right"] { merged[i].keys = ["arrows"] }
        return merged.map { ($0.keys.joined(separator: " "), $0.help) }
    }

    /// The help of `mode` alone: its keys in one or two columns, its notes.
    public static func helpLines(_ mode: any LabMode.Type, rows: Int = 100, notes extra: [String] = []) -> [String] {
        layout(lines(mode.bindings), notes: mode.notes + extra, rows: rows)
    }

    /// The dashboard's help (its keys and notes; `checkpointMegabytes` is the timeline's budget).
    public static func helpLines(rows: Int = 100, checkpointMegabytes: Int = Timeline.defaultBudget >> 20) -> [String] {
        helpLines(DashboardMode.self, rows: rows, notes: [DashboardMode.timelineNote(checkpointMegabytes)])
    }

    /// The `?` overlay for `state`: the keys of the screen's mode first, then every other
    /// mode's under its title.
    public static func helpPages(for state: LabState, rows: Int, width: Int = 76, paneCount: Int = 1,
                                 checkpointMegabytes: Int = Timeline.defaultBudget >> 20) -> [String] {
        let first = screenMode(state)
        func section(_ mode: any LabMode.Type) -> [String] {
            same(mode, DashboardMode.self) ? helpLines(rows: rows, checkpointMegabytes: checkpointMegabytes) : helpLines(mode, rows: rows)
        }
        // The screen's keys, what its panels show, then every other mode's keys.
        var out = section(first) + panelLines(state, paneCount: paneCount, width: width)
        for mode in helpOrder where !same(mode, first) {
            out += ["", "— \(mode.title) —"] + section(mode)
        }
        return out
    }

    static func layout(_ entries: [(keys: String, help: String)], notes: [String], rows: Int) -> [String] {
        // Each column's keys as wide as its widest (at most 12).
        func format(_ part: ArraySlice<(keys: String, help: String)>) -> [String] {
            let width = Swift.min(14, (part.map(\.keys.count).max() ?? 0) + 2)
            return part.map { ($0.keys + " ").padded(width) + $0.help }
        }
        let tail = notes.isEmpty ? [] : [""] + notes
        if entries.count + tail.count <= rows { return format(entries[...]) + tail }
        let half = (entries.count + 1) / 2
        let left = format(entries.prefix(half)), right = format(entries.dropFirst(half))
        let width = (left.map(\.count).max() ?? 0) + 2
        var out: [String] = []
        for i in 0..<half {
            out.append(left[i].padded(width) + (i < right.count ? right[i] : ""))
        }
        return out + tail
    }

    /// Every mode's keys as plain text, for `nnlab open --help` and the manual.
    public static func manualText(checkpointMegabytes: Int = Timeline.defaultBudget >> 20) -> String {
        var out: [String] = []
        for mode in helpOrder {
            out.append("\(mode.title):")
            let entries = lines(mode.bindings)
            let width = Swift.min(14, (entries.map(\.keys.count).max() ?? 0) + 2)
            out += entries.map { "  " + ($0.keys + " ").padded(width) + $0.help }
            let notes = same(mode, DashboardMode.self) ? mode.notes + [DashboardMode.timelineNote(checkpointMegabytes)] : mode.notes
            out += notes.map { "  " + $0 }
        }
        return out.joined(separator: "\n")
    }
}
