import Foundation
import LabRendering
import Lessons
import NeuralCore

/// The windows' common action: close the one open.
public enum OverlayAction: ModeAction, Equatable {
    case close

    public var leavesTimeline: Bool {
        switch self {
        case .close: false
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        switch self {
        case .close: lab.state.overlay = .none
        }
    }
}

/// The help window's actions: scroll its pages.
public enum HelpAction: ModeAction, Equatable {
    case scroll(Int)

    public var leavesTimeline: Bool {
        switch self {
        case .scroll: false
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        switch self {
        case .scroll(let d): lab.state.helpScroll = Swift.max(0, lab.state.helpScroll + d)
        }
    }
}

/// `?`: every mode's keys, the current screen's first; arrows scroll, any other key closes.
public enum HelpMode: LabMode {
    public static let title = "Help window"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool { context.state.overlay == .help }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.down, .char("j")], HelpAction.scroll(1), "scroll the help down / up", hint: "scroll", hintKeys: .upDown),
        KeyBinding([.up, .char("k")], HelpAction.scroll(-1)),
        KeyBinding([.pageDown, .char(" ")], HelpAction.scroll(10), "a page down / up"),
        KeyBinding([.pageUp], HelpAction.scroll(-10)),
        KeyBinding([.endOfInput], DashboardAction.quit, "(end of input) quit"),
        KeyBinding(.anyKey, help: "closes the help", hint: { _ in "closes this window" }) { _ in OverlayAction.close },
    ]
}

/// A message (a divergence, an error): any key closes it.
public enum MessageMode: LabMode {
    public static let title = "Message window"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool {
        if case .message = context.state.overlay { true } else { false }
    }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.endOfInput], DashboardAction.quit, "(end of input) quit"),
        KeyBinding(.anyKey, help: "closes the message", hint: { _ in "closes this window" }) { _ in OverlayAction.close },
    ]
}

/// A prompt's actions: type a file name, erase, confirm.
public enum PromptAction: ModeAction, Equatable {
    case type(Character), erase, confirm

    public var leavesTimeline: Bool {
        switch self {
        case .type, .erase, .confirm: false
        }
    }

    public var keepsNotice: Bool {
        switch self {
        case .type: true
        case .erase, .confirm: false
        }
    }

    public func perform(on lab: Lab, frame: Frame?) {
        guard case .prompt(let kind, let text) = lab.state.overlay else { return }
        switch self {
        case .type(let c):
            if kind.takesText {
                // A file name has at most 255 bytes a component and 4096 in all; past that the
                // key is refused with a word, not silently dropped (".csv" became ".cv").
                if (text + String(c)).utf8.count <= 1024 { lab.state.overlay = .prompt(kind, text: text + String(c)) }
                else { lab.state.notice = "a file name has at most 1,024 characters here" }
            }
        case .erase:
            if kind.takesText { lab.state.overlay = .prompt(kind, text: String(text.dropLast())) }
        case .confirm:
            lab.state.overlay = .none
            kind.confirm(text, on: lab)
        }
    }
}

extension PromptKind {
    /// True for the prompts where a file name is typed.
    public var takesText: Bool {
        switch self {
        case .save, .load, .saveData, .exportFrame: true
        case .replace, .replaceData, .clearData: false
        }
    }

    /// The footer's word for enter.
    var confirmWord: String {
        switch self {
        case .load: "load"
        case .save, .saveData, .exportFrame: "save"
        case .clearData: "clear"
        case .replace, .replaceData: "replace"
        }
    }

    /// Enter on the prompt with `text`.
    func confirm(_ text: String, on lab: Lab) {
        if self == .clearData { lab.clearPoints(); return }
        let path = text.trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { lab.state.notice = "no file name given"; return }
        switch self {
        case .save where FileIO.isFile(path):
            // Never lose a saved model without being asked.
            lab.state.overlay = .prompt(.replace, text: path)
        case .save, .replace: lab.saveModel(to: path)
        case .load: lab.loadModel(from: path)
        case .saveData where FileIO.isFile(path):
            lab.state.overlay = .prompt(.replaceData, text: path)
        case .saveData, .replaceData: lab.savePoints(to: path)
        case .clearData: break
        case .exportFrame: lab.exportFrame(to: path)
        }
    }
}

/// A file name being typed (`w`, `o`, `S`, `F`), or a question (replace? clear?).
public enum PromptMode: LabMode {
    public static let title = "File prompts"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool {
        if case .prompt = context.state.overlay { true } else { false }
    }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.enter], PromptAction.confirm, "confirm (save, load, replace, clear)", hint: { c in
            if case .prompt(let kind, _) = c.state.overlay { kind.confirmWord } else { nil }
        }),
        KeyBinding([.escape], OverlayAction.close, "cancel", hint: "cancel"),
        KeyBinding([.backspace], PromptAction.erase, "erase a character"),
        KeyBinding([.endOfInput], DashboardAction.quit, "(end of input) quit"),
        KeyBinding(.typing(nil), help: "type the file name (q too)") { key in
            if case .char(let c) = key { PromptAction.type(c) } else { nil }
        },
    ]
}

/// The settings panel's actions: choose a row, change its value.
public enum SettingsAction: ModeAction, Equatable {
    case move(Int), change(Int)

    public var leavesTimeline: Bool {
        switch self {
        case .move: false
        case .change: true
        }
    }

    public var keepsNotice: Bool {
        switch self {
        case .move: true
        case .change: false
        }
    }

    public func perform(on lab: Lab, frame: Frame?) {
        let rows = lab.settingRows()
        switch self {
        case .move(let d):
            var i = lab.state.settingsRow
            repeat { i = (i + d + rows.count) % rows.count } while rows[i].isHeading
            lab.state.settingsRow = i
        case .change(let d):
            guard lab.state.settingsRow < rows.count, let setting = rows[lab.state.settingsRow].setting else { return }
            lab.change(setting, by: d)
        }
    }
}

/// The settings panel (`s`, tab): keys it does not take go on to the dashboard (space plays).
public enum SettingsMode: LabMode {
    public static let title = "Settings panel"
    public static let isModal = false
    public static func isActive(_ context: KeyContext) -> Bool { context.state.overlay == .settings }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.up, .char("k")], SettingsAction.move(-1), "choose a setting", hint: "choose", hintKeys: .upDown),
        KeyBinding([.down, .char("j")], SettingsAction.move(1)),
        KeyBinding([.left, .char("h"), .char("-")], SettingsAction.change(-1), "change it", hint: "change", hintKeys: .leftRight),
        KeyBinding([.right, .char("l"), .char("+"), .char("="), .enter], SettingsAction.change(1)),
        .hintOnly([.char(" ")], DashboardAction.togglePlay, hint: { $0.status == .running ? "pause" : "play" }),
        KeyBinding([.escape, .char("s"), .tab], OverlayAction.close, "close the panel", hint: "close"),
    ]
    public static let notes = ["Other keys act as on the dashboard."]
}

/// The lesson picker's actions.
public enum LessonsAction: ModeAction, Equatable {
    case move(Int), open

    public var leavesTimeline: Bool {
        switch self {
        case .move: false
        case .open: true
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        switch self {
        case .move(let d):
            let n = ShippedLessons.names.count
            lab.state.lessonRow = Swift.min(n - 1, Swift.max(0, lab.state.lessonRow + d))
        case .open:
            let name = ShippedLessons.names[lab.state.lessonRow]
            do { try lab.open(ShippedLessons.load(name)) } catch { lab.state.overlay = .message(title: "Cannot open the lesson", lines: ["\(error)"]) }
        }
    }
}

/// The lesson picker (`l`).
public enum LessonsMode: LabMode {
    public static let title = "Lesson picker"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool { context.state.overlay == .lessons }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.up, .char("k")], LessonsAction.move(-1), "choose a lesson", hint: "choose", hintKeys: .upDown),
        KeyBinding([.down, .char("j")], LessonsAction.move(1)),
        KeyBinding([.pageUp], LessonsAction.move(-10), "ten up / down"),
        KeyBinding([.pageDown], LessonsAction.move(10)),
        KeyBinding([.enter], LessonsAction.open, "open it", hint: "open"),
        KeyBinding([.escape, .char("l")], OverlayAction.close, "close the picker", hint: "close"),
        KeyBinding([.char("q"), .endOfInput], DashboardAction.quit, "quit"),
    ]
}
