#!/usr/bin/env bash
# Accuracy of a newsx binary on the dev sets and on corpus/gold, through the product path
# (`newsx extract` + `newsx eval`): the figures the README and the model card report.
#
# usage: bench/accuracy.sh [NEWSX_BINARY] [OUT_DIR]   (defaults: target/release/newsx, target/acc)
# Needs ../shared/data and ../shared/tools (the dev sets are converted once into target/dev-data).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/newsx}
OUT=${2:-target/acc}
if [ ! -d target/dev-data/conll-valid/input ]; then
    python3 ../shared/tools/make_corpora.py target/dev-data --dev ../shared/data >/dev/null
fi
mkdir -p "$OUT"
show() { grep -E "$2" "$1" | sed 's/^/    /'; }
"$BIN" extract corpus --out "$OUT/corpus" --quiet || true
"$BIN" eval --gold corpus/gold --pred "$OUT/corpus" > "$OUT/corpus.txt"
echo "corpus/gold:"; show "$OUT/corpus.txt" 'strict \(conlleval\)|^  all +g>=0.3|^  all +matched'
"$BIN" extract target/dev-data/conll-valid/input --out "$OUT/conll" --quiet || true
"$BIN" eval --gold ../shared/data/conll2003-en/valid.txt --pred "$OUT/conll" > "$OUT/conll.txt"
echo "CoNLL-2003 dev:"; show "$OUT/conll.txt" 'strict \(conlleval\)'
for set in ggt-dev polnear-dev; do
    "$BIN" extract "target/dev-data/$set/input" --out "$OUT/$set" --quiet || true
    "$BIN" eval --gold "target/dev-data/$set/gold" --pred "$OUT/$set" > "$OUT/$set.txt"
    echo "$set:"; show "$OUT/$set.txt" '^  all +g>=0.3|^  all +matched'
done
