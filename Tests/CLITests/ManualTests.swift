import Foundation
import Testing

/// `docs/nnlab.1` is generated from the commands' own help (argument-parser's GenerateManual
/// plugin; README says how). It must name every command and every flag nnlab has now, so a new
/// command or flag without a new manual fails here.
@Suite struct ManualTests {
    @Test func theManualNamesEveryCommandAndFlag() throws {
        let manual = try String(contentsOfFile: CLI.repository + "/docs/nnlab.1", encoding: .utf8)
        let dump = try CLI.run(["--experimental-dump-help"])
        #expect(dump.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let root = try #require(json["command"] as? [String: Any])
        let commands = try #require(root["subcommands"] as? [[String: Any]])
        #expect(commands.count >= 10)
        for command in commands {
            let name = try #require(command["commandName"] as? String)
            guard name != "help" else { continue }
            #expect(manual.contains(".It Em \(name)\n"), "the manual has no section for \(name)")
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                guard argument["shouldDisplay"] as? Bool ?? true,
                      let names = argument["names"] as? [[String: Any]],
                      let long = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String else { continue }
                #expect(manual.contains("Fl -\(long)"), "the manual does not describe \(name) --\(long)")
            }
        }
    }
}
