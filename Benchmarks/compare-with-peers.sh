#!/usr/bin/env bash
# Measures NNLab and the peer implementations (numpy, PyTorch, JAX, scikit-learn, micrograd)
# in one run on this machine: NNLab, then every peer, then NNLab again (the machine's speed
# drifts, so only one run's numbers are compared). Prints the ratio table (ratio-table.py)
# that README's performance section is made from, then compare.py's detail.
#   Benchmarks/compare-with-peers.sh [OUTPUT_DIR]       (default /tmp/nnlab-vs-peers)
# Needs: pip install -r ../shared/bench/requirements-peers.txt (about 10 minutes to run).
# Writes only to OUTPUT_DIR: before.jsonl, peers.json, after.jsonl, table.md, peak.json.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${NNLAB_PEERS_DIR:-../shared/bench}
OUT=${1:-/tmp/nnlab-vs-peers}
mkdir -p "$OUT"
swift build -c release --product nnlab >/dev/null
nnlab=.build/release/nnlab
{ $nnlab bench --threads 1; $nnlab bench --threads 2; } > "$OUT/before.jsonl"
python3 "$BENCH/run_peers.py" --json "$OUT/peers.json" --no-peak --workloads "${WORKLOADS:-W1,W2,W3,W4,W5,W6}" ${PEERS:+--peers "$PEERS"} >&2
{ $nnlab bench --threads 1; $nnlab bench --threads 2; } > "$OUT/after.jsonl"
$nnlab bench --peak > "$OUT/peak.txt" 2>/dev/null || true
python3 Benchmarks/ratio-table.py "$OUT/before.jsonl" "$OUT/peers.json" "$OUT/after.jsonl" | tee "$OUT/table.md"
echo
cat "$OUT/peak.txt"
echo
echo "== compare.py (NNLab's first pass)"
python3 "$BENCH/compare.py" "$OUT/before.jsonl" --peers "$OUT/peers.json"
