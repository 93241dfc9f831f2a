#!/usr/bin/env bash
# Every shipped lesson's asciicast replays exactly: `nnlab record` at 80x24, played into a
# tmux pane of 80x24 (a real terminal emulator), must leave the screen `nnlab snapshot` writes
# at the same epoch, row for row (no scroll after the last row, no text of an earlier frame).
# Usage: Tests/e2e/cast-replay.sh path/to/nnlab
set -uo pipefail
APP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
FAILED=0
EPOCHS=5

# Writes a cast's output events to the terminal in order (no timing: only the end matters).
cat > "$WORK/play.py" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    next(f)
    for line in f:
        t, kind, data = json.loads(line)
        if kind == "o":
            sys.stdout.write(data)
sys.stdout.flush()
PY

lessons=$("$APP" list | awk 'NR > 1 && NF && $1 ~ /^[0-9]/ {print $1}')
count=0
skipped=0
for lesson in $lessons; do
    # Lessons with hand-set weights train for 0 epochs: there is nothing to record.
    if "$APP" run "$lesson" --quiet --ascii 2>/dev/null | grep -q "trained for 0 epochs"; then skipped=$((skipped + 1)); continue; fi
    count=$((count + 1))
    "$APP" record "$lesson" --epochs $EPOCHS --every $EPOCHS --size 80x24 --out "$WORK/$lesson.cast" 2>/dev/null \
        || { echo "FAIL $lesson: record"; FAILED=1; continue; }
    "$APP" snapshot "$lesson" --epoch $EPOCHS --size 80x24 --out "$WORK/$lesson.txt" 2>/dev/null \
        || { echo "FAIL $lesson: snapshot"; FAILED=1; continue; }
    session="cast$count"
    tmux -S "$SOCK" -f /dev/null new-session -d -s "$session" -x 80 -y 24 -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
        "python3 '$WORK/play.py' '$WORK/$lesson.cast'; sleep 60"
    tmux -S "$SOCK" set -g status off 2>/dev/null
    # The player writes everything at once: wait until the pane holds still (two captures
    # 0.2 s apart agree), at most 5 s.
    previous=""
    for _ in $(seq 1 25); do
        sleep 0.2
        current=$(tmux -S "$SOCK" capture-pane -p -t "$session" | sed 's/ *$//')
        printf '%s' "$current" | grep -q '[^[:space:]]' && [ "$current" = "$previous" ] && break
        previous=$current
    done
    printf '%s\n' "$current" > "$WORK/$lesson.screen"
    tmux -S "$SOCK" kill-session -t "$session" 2>/dev/null
    sed 's/ *$//' "$WORK/$lesson.txt" > "$WORK/$lesson.expected"
    if diff "$WORK/$lesson.expected" "$WORK/$lesson.screen" > "$WORK/$lesson.diff"; then
        :
    else
        echo "FAIL $lesson: the replayed cast differs from the snapshot at epoch $EPOCHS"
        head -20 "$WORK/$lesson.diff"
        FAILED=1
    fi
done
if [ $FAILED = 0 ]; then echo "cast replay: all $count lessons replay to their snapshot ($skipped with hand-set weights have nothing to record)"; else echo "cast replay: FAILED"; fi
exit $FAILED
