import Formatting
import LabRendering
import Lessons
import NeuralCore

/// The windows over a screen: help, a message, a file prompt, the settings panel, the lesson
/// picker.
struct OverlayView {
    let context: ScreenContext
    var state: LabState { context.state }

    /// Draws the open overlay over `body` (the settings panel over `settingsArea`).
    func render(into buffer: inout Buffer, body: Rect, settingsArea: Rect, theme: Theme) {
        switch state.overlay {
        case .none: return
        case .help:
            let page = Self.helpPage(state, rows: body.height - 4, width: Swift.min(76, body.width - 8), paneCount: context.panes.count,
                                     checkpointMegabytes: context.checkpointMegabytes)
            let width = Swift.min(body.width - 6, page.width)
            Dialog(title: page.title, lines: page.lines.map { $0.padded(width) }, hint: page.hint).render(into: &buffer, area: body, theme: theme)
        case .message(let title, let lines):
            // Long lines wrap at a word, each continuation under its line's indent.
            let width = Swift.max(20, body.width - 8)
            Dialog(title: title, lines: lines.flatMap { Self.wrap($0, width: width) }, hint: "any key closes").render(into: &buffer, area: body, theme: theme)
        case .prompt(let kind, let text):
            let cursor = theme.glyphs.unicode ? "█" : "_"
            switch kind {
            case .replace, .replaceData:
                let again = kind == .replace ? "w" : "S"
                Dialog(title: "Replace?", lines: ["\(text.terminalSafeLine) exists already.", "Enter replaces it; esc keeps it (then \(again) again with another name)."],
                       hint: "enter replaces, esc keeps the file").render(into: &buffer, area: body, theme: theme)
            case .clearData:
                Dialog(title: "Clear the data?", lines: ["Remove every point (\(text))?", "Enter clears them; esc keeps them."],
                       hint: "enter clears, esc keeps the points").render(into: &buffer, area: body, theme: theme)
            case .save, .load, .saveData, .exportFrame:
                let question = kind == .save ? "Save the model (JSON) to:" : kind == .load ? "Load a model (JSON) from:"
                    : kind == .saveData ? "Save the points (CSV) to:" : "Save this screen to (.txt, .ans or .svg):"
                let line = "> " + text.terminalSafeLine + cursor
                let width = Swift.max(48, displayWidth(line) + 2)
                Dialog(title: kind == .load ? "Load" : "Save", lines: [question, line.padded(width)], hint: "enter confirms, esc cancels")
                    .render(into: &buffer, area: body, theme: theme)
            }
        case .settings:
            buffer.fill(settingsArea)
            Panel(title: "Settings", rightTitle: theme.glyphs.leftRightKeys + " change", focused: true).render(into: &buffer, area: settingsArea, theme: theme)
            settingsWidget.render(into: &buffer, area: Panel.inner(settingsArea).inset(dx: 1, dy: 0), theme: theme)
        case .lessons:
            let catalogue = ShippedLessons.catalogue()
            let box = body.centered(width: Swift.min(body.width - 4, 84), height: Swift.min(body.height - 2, catalogue.count + 2))
            buffer.fill(box)
            Panel(title: "Lessons", rightTitle: "enter opens", focused: true).render(into: &buffer, area: box, theme: theme)
            let rows = catalogue.map { SettingsList.Row(name: $0.name, value: $0.title) }
            SettingsList(rows: rows, selected: state.lessonRow).render(into: &buffer, area: Panel.inner(box).inset(dx: 1, dy: 0), theme: theme)
        }
    }

    /// The help window's lines from `state.helpScroll` on (as many as `rows` holds, less the
    /// hint's two), its title, its hint, and the width of its widest line over every page.
    static func helpPage(_ state: LabState, rows: Int, width: Int, paneCount: Int, checkpointMegabytes: Int) -> (title: String, lines: [String], hint: String, width: Int) {
        let all = KeyTable.helpPages(for: state, rows: rows, width: width, paneCount: paneCount, checkpointMegabytes: checkpointMegabytes)
        let shown = Swift.max(1, rows)
        let top = Swift.min(state.helpScroll, Swift.max(0, all.count - shown))
        let lines = Array(all.dropFirst(top).prefix(shown))
        let more = top + lines.count < all.count
        let hint = more ? "down/pgdn: more (the panels, every mode's keys); any other key closes"
            : top > 0 ? "up/pgup: back; any other key closes" : "any key closes"
        return ("Keys: " + KeyTable.screenMode(state).title, lines, hint, all.map(displayWidth).max() ?? 0)
    }

    /// `line` wrapped at words to `width` columns, its indent kept on every piece.
    static func wrap(_ line: String, width: Int) -> [String] {
        guard displayWidth(line) > width else { return [line] }
        let indent = String(line.prefix { $0 == " " })
        return TextPanel.wrap(String(line.dropFirst(indent.count)), width: Swift.max(8, width - indent.count)).map { indent + $0 }
    }

    /// The settings panel as the widget draws it.
    var settingsWidget: SettingsList {
        let rows = context.settingRows.map { r in
            SettingsList.Row(name: r.name, value: r.value, locked: r.setting?.lock.map(state.isLocked) ?? false, isHeading: r.isHeading)
        }
        return SettingsList(rows: rows, selected: Swift.min(state.settingsRow, rows.count - 1))
    }
}
