#!/usr/bin/env python3
"""The ratio table of one comparison run (see compare-with-peers.sh).

  Benchmarks/ratio-table.py NNLAB_BEFORE.jsonl PEERS.json NNLAB_AFTER.jsonl

NNLAB_*.jsonl: `nnlab bench` output (one JSON line per workload and thread count), measured
before and after the peers; PEERS.json: ../shared/bench/run_peers.py --json output. Prints a
Markdown table, steps per second per workload and thread count: NNLab before, every peer,
NNLab after, and NNLab (the slower of its two passes) over the best peer. The machine's speed
drifts, so only numbers of one run are put side by side.
"""
import datetime
import json
import platform
import sys

PEER_ORDER = ["jax-scan", "jax-jit", "numpy", "torch", "sklearn", "micrograd"]


def nnlab_rows(path):
    rows = {}
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            rows[(r["workload"], r["threads"])] = r
    return rows


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    before, after = nnlab_rows(argv[1]), nnlab_rows(argv[3])
    peers_doc = json.load(open(argv[2]))
    peers = {}
    failed = {}
    for r in peers_doc["results"]:
        key = (r["workload"], r["threads"], r["peer"])
        if "error" in r:
            failed[key] = r["error"]
        else:
            peers[key] = r
    names = [p for p in PEER_ORDER if any(k[2] == p for k in list(peers) + list(failed))]
    names += sorted({k[2] for k in peers} - set(names))
    machine = peers_doc.get("machine", {})
    print(f"Measured {datetime.date.today().isoformat()} on {cpu_name()} ({machine.get('cores', '?')} cores), "
          "one session: NNLab, then every peer, then NNLab again. Steps per second, higher is better; "
          "the ratio takes the slower NNLab pass.\n")
    print("| workload | threads | NNLab | " + " | ".join(names) + " | NNLab again | best peer | NNLab / best peer | loss, accuracy (NNLab) |")
    print("| --- | ---: | ---: | " + " | ".join("---:" for _ in names) + " | ---: | --- | ---: | --- |")
    for (w, t) in sorted(before):
        b, a = before[(w, t)], after.get((w, t))
        cells = []
        best = None
        for p in names:
            r = peers.get((w, t, p))
            if r is None:
                cells.append("failed" if (w, t, p) in failed else "-")
                continue
            cells.append(f"{r['steps_per_s']:,.0f}")
            if best is None or r["steps_per_s"] > best["steps_per_s"]:
                best = r
        mine = min(b["steps_per_s"], a["steps_per_s"]) if a else b["steps_per_s"]
        ratio = f"**{mine / best['steps_per_s']:.2f}x**" if best else "-"
        again = f"{a['steps_per_s']:,.0f}" if a else "-"
        loss = f"{b['final_loss']:.6g}, {100 * b['train_accuracy']:.1f}%"
        print(f"| {w} | {t} | {b['steps_per_s']:,.0f} | " + " | ".join(cells)
              + f" | {again} | {best['peer'] if best else '-'} | {ratio} | {loss} |")
    for key, err in sorted(failed.items()):
        print(f"\n{key[2]} on {key[0]} ({key[1]} thread(s)) failed: {str(err)[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
