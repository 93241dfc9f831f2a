#!/usr/bin/env bash
# Measures NNLab and the peer implementations (numpy, PyTorch, JAX, scikit-learn, micrograd)
# in one run on this machine, and prints the comparison table of ../shared/bench/compare.py.
#   Benchmarks/compare-with-peers.sh [OUTPUT_DIR]
# Needs: pip install -r ../shared/bench/requirements-peers.txt (about 10 minutes to run).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${NNLAB_PEERS_DIR:-../shared/bench}
OUT=${1:-/tmp/nnlab-vs-peers}
mkdir -p "$OUT"
swift build -c release --product nnlab >/dev/null
nnlab=.build/release/nnlab
# NNLab before and after the peers: the machine's speed drifts, and both runs are kept.
{ $nnlab bench --threads 1; $nnlab bench --threads 2; } > "$OUT/nnlab-before.jsonl"
python3 "$BENCH/run_peers.py" --json "$OUT/peers.json" --no-peak ${PEERS:+--peers "$PEERS"}
{ $nnlab bench --threads 1; $nnlab bench --threads 2; } > "$OUT/nnlab-after.jsonl"
python3 "$BENCH/peak_flops.py" > "$OUT/peak.json" 2>/dev/null || true
echo "== NNLab before the peers"
python3 "$BENCH/compare.py" "$OUT/nnlab-before.jsonl" --peers "$OUT/peers.json"
echo "== NNLab after the peers"
python3 "$BENCH/compare.py" "$OUT/nnlab-after.jsonl" --peers "$OUT/peers.json"
