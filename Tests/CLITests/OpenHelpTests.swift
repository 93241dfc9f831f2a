import Foundation
import LabApp
import Testing

/// `nnlab open --help` lists the lab's keys from the same tables as the footer and `?`.
@Suite struct OpenHelpTests {
    @Test func openHelpListsEveryModesKeys() throws {
        let r = try CLI.run(["open", "--help"])
        #expect(r.status == 0)
        // argument-parser wraps long lines: compare words, not line breaks.
        func words(_ s: String) -> String { s.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }
        let help = words(r.stdout)
        for mode in KeyTable.modes where !KeyTable.same(mode, TooSmallMode.self) {
            #expect(help.contains(mode.title + ":"), "no section for \(mode.title)")
            for binding in mode.bindings {
                guard let text = binding.help, !text.isEmpty else { continue }
                #expect(help.contains(words(text)), "\(mode.title): \(text)")
            }
        }
    }

    /// The manual (generated from the same help) lists them too: regenerate it when a key changes.
    @Test func theManualListsEveryModesKeys() throws {
        let manual = try String(contentsOfFile: CLI.repository + "/docs/nnlab.1", encoding: .utf8)
        for mode in KeyTable.modes where !KeyTable.same(mode, TooSmallMode.self) {
            #expect(manual.contains(mode.title + ":"), "the manual has no keys of \(mode.title): regenerate it (README, For developers)")
            for binding in mode.bindings {
                guard let text = binding.help, !text.isEmpty else { continue }
                #expect(manual.contains(text), "the manual lacks \(mode.title): \(text)")
            }
        }
    }
}
