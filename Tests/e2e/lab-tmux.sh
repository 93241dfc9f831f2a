#!/usr/bin/env bash
# End-to-end test of the interactive lab in a real terminal (tmux), as a user sees it.
# Usage: Tests/e2e/lab-tmux.sh PATH/TO/nnlab      (a release build; .ci/run builds one)
set -uo pipefail
APP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
WORK=$(mktemp -d)
SOCK="$WORK/tmux-0.sock"
RUN=0
FAILED=0
PANE_W=120
PANE_H=40
trap 'for s in "$WORK"/tmux-*.sock; do tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$WORK"' EXIT
cd "$WORK"

pass() { echo "  ok   $1"; }
fail() { echo "  FAIL $1"; FAILED=1; echo "----- screen -----"; screen; echo "------------------"; }
screen() { tmux -S "$SOCK" capture-pane -p -t lab 2>/dev/null; }

# Polls the screen every 20 ms until it matches the regex $1 or $2 seconds pass.
wait_for() {
    local pattern=$1 limit=${2:-5} start now
    start=$(date +%s%N)
    while true; do
        if screen | grep -Eq -- "$pattern"; then return 0; fi
        now=$(date +%s%N)
        (( (now - start) / 1000000 > limit * 1000 )) && return 1
        sleep 0.02
    done
}

# Starts the lab (extra arguments passed on) in a fresh tmux session "lab"; the shell prints
# the exit status and the terminal modes after it ends.
start_lab() {
    # A fresh tmux server (own socket) for every run: no race with the one shutting down.
    tmux -S "$SOCK" kill-server 2>/dev/null
    RUN=$((RUN + 1))
    SOCK="$WORK/tmux-$RUN.sock"
    tmux -S "$SOCK" -f /dev/null new-session -d -s lab -x $PANE_W -y $PANE_H \
        -e LANG=C.UTF-8 -e SWIFT_BACKTRACE=enable=no -e TERM=tmux-256color \
        "sh -c 'trap : INT; \"$APP\" $*; echo RC=\$?; stty -a | tr \"\\n\" \" \"; echo; echo END; sleep 60'"
}

keys() { tmux -S "$SOCK" send-keys -t lab "$@"; }

# The tty after the lab ended must be sane: canonical mode and echo on.
check_exit() {
    local want=$1 what=$2
    if ! wait_for '^END' 5; then fail "$what: the lab did not end"; return; fi
    local rc
    rc=$(screen | sed -n 's/^RC=\([0-9]*\).*/\1/p' | head -1)
    [ "$rc" = "$want" ] && pass "$what: exit status $rc" || fail "$what: exit status $rc, expected $want"
    if screen | grep -q -- ' icanon' && screen | grep -q -- ' echo ' && ! screen | grep -q -- '-icanon' && ! screen | grep -Eq -- ' -echo '; then
        pass "$what: tty sane (icanon, echo)"
    else
        fail "$what: tty not restored"
    fi
}

epoch() { screen | head -1 | sed -n 's/.*epoch \([0-9,]*\).*/\1/p' | tr -d ,; }

echo "lab in tmux: $APP"

# 1. First frame within a second; the epoch counter advances.
start_lab
if wait_for 'Decision map' 1; then pass "first frame within 1 s"; else fail "first frame within 1 s"; fi
wait_for 'epoch [1-9]' 5
e1=$(epoch); sleep 0.5; e2=$(epoch)
[ -n "$e1" ] && [ -n "$e2" ] && [ "$e2" -gt "$e1" ] && pass "epoch advances ($e1 -> $e2)" || fail "epoch advances ($e1 -> $e2)"

# 2. `a` changes the activation shown (the network diagram and the layer panel).
keys a
wait_for '2 tanh' 2 && pass "a: activation logistic -> tanh" || fail "a: activation logistic -> tanh"

# 3. The settings panel edits a layer: down to "a(2) units", right adds a unit.
keys s
wait_for 'Settings' 2 || fail "s opens the settings panel"
for _ in $(seq 1 20); do
    screen | grep -Eq 'a\(2\) units +<' && break
    keys Down
    sleep 0.05
done
keys Right
wait_for 'a\(2\) units +< 3 >' 2 && pass "settings: layer 1 widened to 3 units" || fail "settings: layer 1 widened to 3 units"
keys Escape
wait_for '13 parameters' 2 && wait_for '3 tanh' 1 && pass "esc closes the settings; the network has 3 hidden units" || fail "esc closes the settings; the network has 3 hidden units"

# 4. Resize: 80x24 still draws the dashboard, 60x20 asks to enlarge, and back.
tmux -S "$SOCK" resize-window -t lab -x 80 -y 24
wait_for 'Decision map' 2 && screen | head -1 | grep -q 'epoch' && screen | tail -1 | grep -q 'q quit' && pass "80x24 dashboard" || fail "80x24 dashboard"
tmux -S "$SOCK" resize-window -t lab -x 60 -y 20
wait_for 'enlarge the terminal' 2 && wait_for 'now 60x20' 1 && pass "60x20: please enlarge" || fail "60x20: please enlarge"
tmux -S "$SOCK" resize-window -t lab -x 200 -y 60
wait_for 'Decision map' 2 && ! screen | grep -q 'enlarge' && pass "200x60: dashboard again" || fail "200x60: dashboard again"

# 5. Help.
keys '?'
wait_for 'play / pause' 2 && pass "? shows the help" || fail "? shows the help"
# Every mode's keys are in it: page down reaches the step-through's.
# (after the panels explained): page down until the step-through's keys show.
keys NPage NPage
for _ in 1 2 3 4; do screen | grep -q 'next computation' && break; keys NPage; sleep 0.2; done
wait_for 'next computation' 2 && screen | grep -q 'Keys: Dashboard' \
    && pass "? pages down to every mode's keys" || fail "? pages down to every mode's keys"
keys Escape
sleep 0.1

# 6. The step-through: f, a full forward and backward pass and the update, and back.
keys f
wait_for 'Step-through' 2 && wait_for '1/17: forward pass' 1 && pass "f opens the step-through" || fail "f opens the step-through"
for _ in $(seq 1 16); do keys n; done
wait_for '17/17: update' 2 && wait_for 'J for this example' 1 && pass "n x16: through the backward pass to the update" || fail "n x16: through the backward pass to the update"
wait_for 'grad W\(1\) = \[.* fd [0-9]' 1 && pass "the gradients carry their finite-difference check" || fail "the gradients carry their finite-difference check"
for _ in $(seq 1 16); do keys p; done
wait_for '1/17: forward pass' 2 && pass "p x16: back to a(1) = x" || fail "p x16: back to a(1) = x"
keys u j
wait_for 'unit mode' 2 && pass "u: unit mode" || fail "u: unit mode"
keys Escape
wait_for 'Decision map' 2 && pass "esc: back to the dashboard" || fail "esc: back to the dashboard"

# 7. q exits 0 with the terminal restored.
keys q
check_exit 0 "q"

# 8. SIGTERM and SIGHUP restore the terminal too.
for sig in TERM HUP; do
    start_lab
    wait_for 'Decision map' 2
    shpid=$(tmux -S "$SOCK" display -p -t lab '#{pane_pid}')
    pid=$(pgrep -P "$shpid" | head -1)
    kill -s $sig "$pid"
    [ $sig = TERM ] && check_exit 143 "SIGTERM" || check_exit 129 "SIGHUP"
done

# Ctrl-C, and a crash (a Swift trap is SIGILL): the terminal is restored all the same.
start_lab
wait_for 'Decision map' 2
keys C-c
check_exit 130 "ctrl-c"
start_lab --crash-test
check_exit 132 "a crash (SIGILL)"

# 9. ASCII and no colour still draw the dashboard.
start_lab --ascii --mono --paused
wait_for 'Decision map' 2 && wait_for 'paused' 1 && ! screen | grep -q '[─│█]' && pass "--ascii --mono --paused" || fail "--ascii --mono --paused"
keys q
check_exit 0 "q (ascii)"

# 10. A few thousand random keys from a fixed seed; the lab stays alive and answers q.
start_lab 06a-spiral-deep
wait_for 'Training loss' 2
python3 - "$SOCK" <<'PY'
import random, subprocess, sys, time
sock = sys.argv[1]
rng = random.Random(20261130)
chars = list(" .erRnvaAdD[]+-stlwoxjkhf?=_1z234cCgp")
named = ["Up", "Down", "Left", "Right", "Enter", "Escape", "Tab", "BTab", "PPage", "NPage", "BSpace", "Home", "End"]
batch = []
for i in range(3000):
    if rng.random() < 0.3:
        batch.append(("named", rng.choice(named)))
    else:
        batch.append(("lit", rng.choice(chars)))
    if len(batch) == 40:
        for kind, k in batch:
            args = ["tmux", "-S", sock, "send-keys", "-t", "lab"] + (["-l", k] if kind == "lit" else [k])
            subprocess.run(args, check=False)
        batch = []
        time.sleep(0.01)
PY
sleep 0.5
shpid=$(tmux -S "$SOCK" display -p -t lab '#{pane_pid}')
if pgrep -P "$shpid" nnlab >/dev/null; then pass "3000 random keys: still running"; else fail "3000 random keys: still running"; fi
keys Escape; sleep 0.1; keys Escape; sleep 0.1; keys q
check_exit 0 "q after random keys"

# 10b. The compare screen: a lesson with variants, and `nnlab compare --vary`: two maps, both
# networks' numbers advance, c clones, p toggles presentation mode, a resize, q.
# A network's epoch: the whole number after its name in the compare table's row (the other
# columns have a point, a % or a slash).
pane_epoch() { screen | grep -E "^. .. +$1 [a-z]" | head -1 | sed -nE 's/^. .. +[0-9] .*[^ ]  +([0-9,]+)  .*/\1/p' | tr -d ,; }
start_lab 06a-spiral-deep
wait_for '1 deep' 2 && wait_for '2 wide' 1 && wait_for 'Training loss' 1 && pass "a lesson with variants opens side by side" || fail "a lesson with variants opens side by side"
keys q
check_exit 0 "q (compare)"
start_lab compare 04 --vary layers=none,2
if wait_for '1 none' 2 && wait_for '2 (2|layers 2) ' 1; then pass "compare --vary layers=none,2: two maps"; else fail "compare --vary layers=none,2: two maps"; fi
# The lab trains from the start; space would pause it if it already runs (a race with the
# training thread's first publication): press it only while the header says paused.
sleep 0.3
screen | head -1 | grep -q 'paused' && keys space
wait_for 'running' 2
a1=$(pane_epoch 1); b1=$(pane_epoch 2)
# Both advance within a few seconds (a loaded machine draws fewer frames).
for _ in $(seq 1 15); do
    sleep 0.3; a2=$(pane_epoch 1); b2=$(pane_epoch 2)
    [ -n "$a2" ] && [ -n "$b2" ] && [ "$a2" -gt "${a1:-0}" ] && [ "$b2" -gt "${b1:-0}" ] && break
done
[ -n "$a1" ] && [ -n "$a2" ] && [ "$a2" -gt "$a1" ] && [ -n "$b2" ] && [ "$b2" -gt "$b1" ] && pass "both networks advance ($a1 -> $a2, $b1 -> $b2)" || fail "both networks advance ($a1 -> $a2, $b1 -> $b2)"
keys c
wait_for '3 none-2' 2 && wait_for '3 networks' 1 && pass "c clones the focused network" || fail "c clones the focused network"
keys p
wait_for 'presentation mode' 2 && ! screen | grep -q 'Training loss' && screen | grep -q '█' && pass "p: presentation mode, block digits" || fail "p: presentation mode, block digits"
tmux -S "$SOCK" resize-window -t lab -x 200 -y 60 2>/dev/null || tmux -S "$SOCK" resize-pane -t lab -x 200 -y 60
sleep 0.3
keys p
wait_for 'Training loss' 2 && pass "p again, resized to 200x60: the compare screen" || fail "p again, resized to 200x60: the compare screen"
tmux -S "$SOCK" resize-window -t lab -x 80 -y 24 2>/dev/null || true
sleep 0.3
wait_for 'Training loss' 2 && pass "resized to 80x24: still drawn" || fail "resized to 80x24: still drawn"
keys q
check_exit 0 "q (compare --vary)"

# 10f. The timeline on the compare screen: left pauses and shows the last checkpoint, < goes
# ten back, home the first (epoch 0 for both networks), b resumes there (the header says how
# many epochs were dropped), space trains on from it; end returns to the latest.
start_lab 06a-spiral-deep
# The lesson's moment: it trains to its 300 epochs, pauses there and shows its claims.
wait_for "The lesson's moment: epoch 300" 20 && wait_for 'PASS' 1 && screen | head -1 | grep -q 'paused at lesson epoch' \
    && screen | grep -Eq '1 deep.* 300 +[0-9]' && pass "06a pauses at its lesson epoch with its claims" || fail "06a pauses at its lesson epoch with its claims"
keys Escape
sleep 0.2
keys Left
wait_for 'checkpoint [0-9]+/[0-9]+' 2 && pass "left: training pauses at a checkpoint" || fail "left: training pauses at a checkpoint"
a1=$(pane_epoch 1); keys '<'; sleep 0.2; a2=$(pane_epoch 1); b2=$(pane_epoch 2)
[ -n "$a2" ] && [ "$a2" -lt "$a1" ] && [ "$a2" = "$b2" ] && pass "<: ten checkpoints back, both networks at epoch $a2" || fail "<: ten back ($a1 -> $a2, $b2)"
keys End
wait_for 'paused' 2 && [ "$(pane_epoch 1)" -ge "$a1" ] && pass "end: the latest state again" || fail "end: the latest state again"
keys Home
wait_for 'checkpoint 1/' 2 && [ "$(pane_epoch 1)" = 0 ] && [ "$(pane_epoch 2)" = 0 ] && pass "home: the first checkpoint, epoch 0 for both" || fail "home: the first checkpoint"
keys Right Right Right
wait_for 'checkpoint 4/' 2 && keys b
wait_for 'back here, [0-9,]+ later epochs dropped' 2 && [ "$(pane_epoch 1)" = 3 ] && [ "$(pane_epoch 2)" = 3 ] && pass "b: resumed at epoch 3, the header says what was dropped" || fail "b: resumed at epoch 3"
keys space
wait_for 'running' 2 && sleep 0.3 && [ "$(pane_epoch 1)" -gt 3 ] && pass "space: trains on from the checkpoint" || fail "space: trains on from the checkpoint"
keys q
check_exit 0 "q (timeline)"

# 10c. The student's own data: --data with 4 points, E, three points of two classes placed with
# the keys, one removed, S saves, q; the CSV has 6 data rows and the lab trained throughout.
printf 'x1,x2,label\n0,0,0\n1,1,0\n0,1,1\n1,0,1\n' > "$WORK/four.csv"
rm -f "$WORK/nnlab-data.csv"
start_lab open --data "$WORK/four.csv"
wait_for 'Decision map' 2 && wait_for 'epoch [1-9]' 3
e1=$(epoch)
keys E
wait_for 'editing' 2 && pass "--data, E: editing on" || fail "--data, E: editing on"
keys 1; sleep 0.1; keys Right Right 0; sleep 0.1; keys Up Up 1; sleep 0.1
wait_for 'placed a point of class 1.*7 points' 2 && pass "three points placed with the keys" || fail "three points placed with the keys"
keys BSpace
wait_for '6 left' 2 && pass "backspace removes the nearest" || fail "backspace removes the nearest"
keys S
wait_for 'Save the points' 2 && keys Enter
wait_for 'saved 6 points' 2 && pass "S saves the points" || fail "S saves the points"
e2=$(epoch)
[ -n "$e1" ] && [ -n "$e2" ] && [ "$e2" -gt "$e1" ] && pass "trained throughout ($e1 -> $e2)" || fail "trained throughout ($e1 -> $e2)"
keys q
check_exit 0 "q (data editing)"
rows=$(($(wc -l < "$WORK/nnlab-data.csv") - 1))
[ "$rows" = 6 ] && head -1 "$WORK/nnlab-data.csv" | grep -q '^x1,x2,label$' && pass "the CSV has 6 data rows" || { cat "$WORK/nnlab-data.csv"; fail "the CSV has 6 data rows"; }
# 10c'. A burst of 200 keys in one write: every one is handled (the 65th was read and dropped).
rm -f "$WORK/nnlab-data.csv"
start_lab open --data "$WORK/four.csv" --paused
wait_for 'Decision map' 2
keys E
wait_for 'editing' 2
keys "$(printf '1%.0s' $(seq 1 200))"
wait_for '204 points' 3 && pass "a burst of 200 keys places 200 points" || fail "a burst of 200 keys places 200 points"
keys S
wait_for 'Save the points' 2 && keys Enter
wait_for 'saved 204 points' 2 || fail "S saves the 204 points"
keys q
check_exit 0 "q (after the burst)"
rows=$(($(wc -l < "$WORK/nnlab-data.csv") - 1))
[ "$rows" = 204 ] && pass "the CSV has 204 data rows" || fail "the CSV has 204 data rows (found $rows)"
# 10c''. Ten quick clicks at ten places (X10 reports, press and release, one write each with no
# pause): ten points, none merged into a double click.
start_lab open --data "$WORK/four.csv" --paused
wait_for 'Decision map' 2
keys E
wait_for 'editing' 2
for i in 0 1 2 3 4 5 6 7 8 9; do
    keys -l "$(python3 -c "import sys; x, y = 10 + 2 * $i, 8 + $i; sys.stdout.write(''.join('\x1b[M' + chr(b) + chr(33 + x) + chr(33 + y) for b in (32, 35)))")"
done
wait_for '14 points' 3 && pass "ten quick clicks place ten points" || fail "ten quick clicks place ten points"
keys q
check_exit 0 "q (after the clicks)"
# Bad files: one line naming the file and line, exit 2, the terminal untouched.
printf 'x1,x2,label\n0,0,0\n1,1\n' > "$WORK/ragged.csv"
out=$("$APP" open --data "$WORK/ragged.csv" 2>&1 </dev/null); rc=$?
[ "$rc" = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q 'ragged.csv:3:' && pass "--data with a ragged row: one line, exit 2" || { echo "$out"; fail "--data with a ragged row"; }

# 10d. The quiz: lesson 18's hand-set XOR, f, Q, and one value predicted (z(2)_1 = 30 for the
# corner (1, 1), the first example with no zero input), marked right; the score in the header.
start_lab open 18
wait_for 'XOR solved by hand' 2
keys f; wait_for 'Step-through' 2
keys Q; wait_for 'quiz 0/0' 2
keys n; wait_for 'predict it from the numbers above' 2
keys 3 0 Enter
wait_for 'right: z\(2\)_1 = 30' 2 && wait_for 'quiz 1/1' 1 && pass "quiz: one value predicted and marked right" || fail "quiz: one value predicted and marked right"
keys q
check_exit 0 "q (quiz)"

# 10e. Norms, skips and dropout: a lesson file with them, the diagram's marks, the step-through
# through mu, sigma^2 and zhat, and compare --vary norm.
printf 'title: Residual\nlesson: A residual stack with layer norm.\ndata: { dataset: spiral, points: 100 }\nnetwork: { layers: [8, 8, 8], activation: tanh, norm: layer, skip: 1, dropout: [1, 0.9, 1] }\ntraining: { epochs: 200 }\nview: { paused: true }\n' > "$WORK/residual.yaml"
start_lab open "$WORK/residual.yaml"
wait_for 'Residual' 3
wait_for 'a\(3\) 8 LN' 2 && screen | grep -q '╭' && pass "parts: the diagram marks the norm and the skips" || fail "parts: the diagram marks the norm and the skips"
keys f; wait_for 'Step-through' 2
keys n n
wait_for 'mu\(2\) = \(1/8\) sum_i z\(2\)_i' 2 && pass "parts: the step-through shows mu(2)" || fail "parts: the step-through shows mu(2)"
keys n n n n n n n n
wait_for 'a\(3\) = tanh\(zhat\(3\)\) \+ a\(2\)' 2 && pass "parts: the skip sum in a(3)" || fail "parts: the skip sum in a(3)"
keys q
check_exit 0 "q (parts)"
# 10h. The layers view on a 16-layer network: L, every row at 200x60, paged at 80x24, scrubbed.
printf 'title: Deep\nlesson: Sixteen layers.\ndata: { dataset: spiral, points: 100 }\nnetwork: { layers: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8], activation: tanh, norm: layer, skip: 1, init: {scheme: glorot, gain: 5/3} }\ntraining: { epochs: 30 }\n' > "$WORK/deep.yaml"
start_lab open "$WORK/deep.yaml"
wait_for 'Deep' 3
wait_for 'epoch (1[0-9]|[2-9][0-9])' 10
keys L
wait_for 'init glorot:1.667, 16 hidden layers' 2 && pass "layers view: L, the init and its gain in the title" || fail "layers view: L, the init and its gain in the title"
tmux -S "$SOCK" resize-window -t lab -x 80 -y 24 2>/dev/null || tmux -S "$SOCK" resize-pane -t lab -x 80 -y 24
sleep 0.3
wait_for 'layers 1-' 2 && pass "layers view at 80x24: paged" || fail "layers view at 80x24: paged"
tmux -S "$SOCK" resize-window -t lab -x 200 -y 60 2>/dev/null || tmux -S "$SOCK" resize-pane -t lab -x 200 -y 60
sleep 0.3
wait_for 'a\(17\) tanh \+LN \+skip' 2 && ! screen | grep -q 'layers 1-' && pass "layers view at 200x60: every layer" || fail "layers view at 200x60: every layer"
keys Left Left Left
wait_for 'checkpoint' 2 && screen | grep -q 'a(17) tanh' && pass "layers view while scrubbing the timeline" || fail "layers view while scrubbing the timeline"
tmux -S "$SOCK" resize-window -t lab -x $PANE_W -y $PANE_H 2>/dev/null || true
keys q
check_exit 0 "q (layers view)"
start_lab compare 06a --vary norm=none,layer
wait_for 'none' 3 && wait_for 'layer' 1 && pass "compare --vary norm=none,layer: two networks" || fail "compare --vary norm=none,layer: two networks"
keys q
check_exit 0 "q (compare --vary norm)"

# 10e. A recording replays: nnlab record's events, decoded and written to a terminal of its
# size, show the last frame (epoch 200).
"$APP" record 04 --epochs 200 --every 20 --size 80x24 --out "$WORK/x.cast" 2>/dev/null
python3 - "$WORK/x.cast" "$WORK/x.out" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
with open(sys.argv[2], "w") as f:
    for line in lines[1:]:
        f.write(json.loads(line)[2])
PY
tmux -S "$SOCK" kill-server 2>/dev/null
RUN=$((RUN + 1)); SOCK="$WORK/tmux-$RUN.sock"
tmux -S "$SOCK" -f /dev/null new-session -d -s lab -x 80 -y 24 -e LANG=C.UTF-8 "sh -c 'cat \"$WORK/x.out\"; sleep 30'"
wait_for 'epoch 200|201 checkpoints' 3 && head -1 "$WORK/x.cast" | grep -q '"version": 2' && pass "nnlab record: the replayed cast shows epoch 200" || fail "nnlab record: the replayed cast shows epoch 200"
tmux -S "$SOCK" kill-server 2>/dev/null

# 11. Not a terminal: a message and exit status 2.
out=$("$APP" 2>&1 | cat); rc=${PIPESTATUS[0]}
"$APP" >/dev/null 2>&1 </dev/null; rc=$?
echo "$out" | grep -q 'nnlab run' && [ "$rc" = 2 ] && pass "piped: message and exit 2" || { echo "$out"; echo "rc=$rc"; FAILED=1; echo "  FAIL piped"; }

# 12. Lessons that diverge at once, in regression and in classification: the lab pauses with
# its divergence message, stays usable, and q exits 0.
cat > "$WORK/div-sine.yaml" <<'YAML'
title: "Diverges at once (regression)"
lesson: "The learning rate is far too high."
data: {dataset: sine}
network: {layers: [8], activation: tanh, init: "normal:1000"}
training: {epochs: 100, learning_rate: 1000}
YAML
cat > "$WORK/div-circles.yaml" <<'YAML'
title: "Diverges at once (classification)"
lesson: "The learning rate is far too high."
data: {dataset: circles}
network: {layers: [8], activation: relu}
training: {epochs: 100, learning_rate: 1000}
YAML
for kind in sine circles; do
    start_lab "$WORK/div-$kind.yaml"
    wait_for 'Training diverged' 3 && wait_for 'too high' 1 && pass "$kind: diverges, paused with its message" || fail "$kind: diverges, paused with its message"
    keys x; wait_for 'lower the rate' 2 && screen | head -1 | grep -q 'diverged' && pass "$kind: usable after the message" || fail "$kind: usable after the message"
    keys s; wait_for 'Settings' 2 && keys Escape
    keys q
    check_exit 0 "$kind: q after a divergence"
done

# 13. Ctrl-S is a key, not a frozen screen (flow control is off while the lab runs).
start_lab
wait_for 'Decision map' 2
keys C-s; sleep 0.2; keys q
check_exit 0 "ctrl-s then q"

# 14. Signals that would end the lab (USR1, QUIT, ALRM): every mode it turned on
# is off again (mouse, keypad, alternate screen) and the cursor is back.
for sig in USR1 QUIT ALRM; do
    start_lab
    wait_for 'Decision map' 2
    modes=$(tmux -S "$SOCK" display -p -t lab '#{mouse_any_flag} #{keypad_flag} #{alternate_on}')
    shpid=$(tmux -S "$SOCK" display -p -t lab '#{pane_pid}')
    kill -s "$sig" "$(pgrep -P "$shpid" | head -1)"
    wait_for '^END' 5
    after=$(tmux -S "$SOCK" display -p -t lab '#{mouse_any_flag} #{keypad_flag} #{alternate_on} #{cursor_flag}')
    [ "$modes" = "1 1 1" ] && [ "$after" = "0 0 0 1" ] && pass "SIG$sig: modes $modes restored to $after" || fail "SIG$sig: modes $modes, after $after"
    check_exit $((128 + $(kill -l "$sig"))) "SIG$sig"
done

# 15. A crash without SWIFT_BACKTRACE set: the terminal is restored, one message says where
# the report is, and nothing waits for a key.
RUN=$((RUN + 1)); SOCK="$WORK/tmux-$RUN.sock"
tmux -S "$SOCK" -f /dev/null new-session -d -s lab -x $PANE_W -y $PANE_H -e LANG=C.UTF-8 -e TERM=tmux-256color \
    -e XDG_STATE_HOME="$WORK/state" "sh -c 'unset SWIFT_BACKTRACE; \"$APP\" open --crash-test; echo RC=\$?; stty -a | tr \"\\n\" \" \"; echo; echo END; sleep 60'"
if wait_for '^END' 10; then
    joined=$(tmux -S "$SOCK" capture-pane -p -J -t lab)
    echo "$joined" | grep -q 'nnlab crashed' && echo "$joined" | grep -q 'state/nnlab/crashes/nnlab-' && ! echo "$joined" | grep -q 'Press space' \
        && ls "$WORK"/state/nnlab/crashes/nnlab-*.log >/dev/null 2>&1 && pass "crash: message, report file, no prompt" || fail "crash: message, report file, no prompt"
else
    fail "crash: the lab did not end"
fi
check_exit 132 "crash without SWIFT_BACKTRACE"

# 16. A 290 MB model file padded with one long array is refused with a little memory.
python3 - "$WORK/padded.json" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"format": "nnlab-model", "version": 1, "inputs": 2, "padding": [')
    chunk = ",".join(["0.5"] * 100000)
    for i in range(290 * 1024 * 1024 // (len(chunk) + 1)):
        f.write(("," if i else "") + chunk)
    f.write("]}")
PY
printf 'x1,x2,label\n0,0,0\n' > "$WORK/d.csv"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$APP" gradcheck --model "$WORK/padded.json" --data "$WORK/d.csv" > "$WORK/rss.txt" 2>&1; rc=$?
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/rss.txt")
    [ "$rc" = 2 ] && [ -n "$rss" ] && [ "$rss" -lt 1048576 ] && pass "290 MB padded model: exit 2, peak $((rss / 1024)) MB" || { cat "$WORK/rss.txt"; fail "290 MB padded model refused under 1 GB"; }
fi
rm -f "$WORK/padded.json"

# 17. A paused lab goes quiet: over 3 s it takes under 3% of a core (its own CPU time from
# /proc, the terminal's diff and writes included); running, it still draws every frame.
start_lab open --paused
wait_for 'Decision map' 2
sleep 1
shpid=$(tmux -S "$SOCK" display -p -t lab '#{pane_pid}')
pid=$(pgrep -P "$shpid" | head -1)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); sleep 3; t1=$(ticks)
share=$(( (t1 - t0) * 10000 / (3 * hz) ))
[ "$share" -lt 300 ] && pass "paused: $((share / 100)).$(printf %02d $((share % 100)))% of a core" || fail "paused lab takes $((share / 100)).$(printf %02d $((share % 100)))% of a core (limit 3%)"
keys q
check_exit 0 "q (after the quiet check)"

if [ $FAILED = 0 ]; then echo "lab in tmux: all passed"; else echo "lab in tmux: FAILED"; fi
exit $FAILED
