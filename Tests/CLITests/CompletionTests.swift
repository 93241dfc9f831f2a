import Foundation
import Testing

/// The shell completions argument-parser generates: data set and activation names, lesson
/// names (asked of nnlab itself), and files of the right kind.
@Suite struct CompletionTests {
    @Test func bashCompletesNamesAndFiles() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for file in ["points.csv", "notes.txt", "model.json"] {
            _ = FileManager.default.createFile(atPath: dir + "/" + file, contents: Data())
        }
        let script = #"""
            command -v bash >/dev/null || { echo "no bash"; exit 3; }
            cd "$DIR" && PATH="$(dirname "$NNLAB"):$PATH" bash -c '
              source <("$NNLAB" --generate-completion-script bash)
              comp() {
                COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
                _nnlab nnlab "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                echo "${COMPREPLY[*]}"
              }
              comp nnlab train --dataset ci
              comp nnlab train --activation le
              comp nnlab train --data ""
              comp nnlab train --save ""
              comp nnlab run 06
              comp nnlab gradch'
            """#
        let r = try CLI.shell(script.replacingOccurrences(of: "\"$DIR\"", with: "'\(dir)'"))
        // Completions are for bash: without it this test cannot check them, and says so.
        #expect(r.stdout != "no bash\n" && r.status != 3, "bash is needed to check the completions")
        #expect(r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) == [
            "circles", "leaky_relu", "points.csv", "model.json", "06a-spiral-deep 06b-spiral-shallow", "gradcheck", "",
        ], "\(r.stdout) \(r.stderr)")
    }
}
