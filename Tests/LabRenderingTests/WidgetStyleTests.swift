import LabRendering
import Testing

/// Widgets draw the styles the theme gives them, cell by cell (text goldens cannot see colour).
@Suite struct WidgetStyleTests {
    @Test func keyHintsColourTheKeyAndMuteTheAction() {
        for theme in [Theme.full, sixteen, .unicodeMono] {
            let hints = KeyHints([("space", "play"), ("q", "quit")])
            #expect(render(hints, 20, 1, theme: theme) == ["space play  q quit"])
            #expect(styleRows(hints, 20, 1, theme: theme, legend: ["k": theme.accent, "a": theme.muted, " ": .plain])
                    == ["kkkkkaaaaa  kaaaaa  "], "\(theme.colorMode)")
        }
    }

    @Test func aFocusedPanelsFrameIsAccentedAndAnOtherIsNot() {
        let theme = Theme.full
        let legend: [Character: Style] = ["A": theme.accent, "F": theme.frame, "T": theme.title, " ": .plain]
        let focused = styleRows(Panel(title: "Map", focused: true), 10, 3, theme: theme, legend: legend)
        let plain = styleRows(Panel(title: "Map"), 10, 3, theme: theme, legend: legend)
        #expect(focused[1] == "A        A" && plain[1] == "F        F", "the frame's sides")
        #expect(focused[0].first == "A" && plain[0].first == "F")
        #expect(focused != plain)
        // The title's letters are not the frame's style.
        #expect(!plain[0].dropFirst().prefix(5).allSatisfy { $0 == "F" })
    }

    @Test func aGaugeShowsItsWarningStyleOnlyWhenAsked() {
        let theme = Theme.full
        let warned = Gauge(label: "dead", fraction: 0.5, text: "1/2", style: theme.warning)
        let calm = Gauge(label: "dead", fraction: 0.5, text: "1/2")
        let w = styleRows(warned, 20, 1, theme: theme, legend: ["W": theme.warning])
        let c = styleRows(calm, 20, 1, theme: theme, legend: ["W": theme.warning])
        #expect(w[0].contains("W") && !c[0].contains("W"))
    }
}
