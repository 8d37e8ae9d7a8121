#!/usr/bin/env bash
# Time of `newsx view` against `newsx extract` on the same 1,000 documents (issue 12: the report
# must take under a tenth of the extract time).
#
# usage: bench/view.sh [N] [WORK_DIR]
#   N         documents, default 1000: the corpus/ articles copied round-robin into
#             WORK_DIR/in/NNNN-<name>.txt
#   WORK_DIR  default target/bench-view (in/, out/, view/ are recreated)
#
# Builds newsx (release), runs extract (all cores) then view with --gold-less defaults, each as a
# whole process, and prints both wall times and the ratio view / extract. Don't run it while a
# build uses the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
WORK=${2:-target/bench-view}
cargo build --release --quiet
rm -rf "$WORK/in" "$WORK/out" "$WORK/view"
mkdir -p "$WORK/in"
mapfile -t ARTICLES < <(ls corpus/*.txt | sort)
for ((i = 0; i < N; i++)); do
    a=${ARTICLES[$((i % ${#ARTICLES[@]}))]}
    cp "$a" "$WORK/in/$(printf '%04d' "$i")-$(basename "$a")"
done
now() { date +%s.%N; }
t0=$(now)
target/release/newsx extract "$WORK/in" --out "$WORK/out" --quiet
t1=$(now)
target/release/newsx view "$WORK/out" --input "$WORK/in" --out "$WORK/view" --quiet
t2=$(now)
python3 - "$N" "$t0" "$t1" "$t2" "$WORK/view" <<'PY'
import os, sys
n, t0, t1, t2, view = int(sys.argv[1]), *map(float, sys.argv[2:5]), sys.argv[5]
ex, vw = t1 - t0, t2 - t1
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(view) for f in fs)
print(f"documents        {n}")
print(f"extract          {ex:8.2f} s")
print(f"view             {vw:8.2f} s  ({size / 1e6:.1f} MB of HTML)")
print(f"view / extract   {vw / ex:8.4f}  (issue 12 asks < 0.1)")
PY
