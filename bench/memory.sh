#!/usr/bin/env bash
# Peak memory of `newsx extract` against the number of documents: N short generated articles
# for N = 100 and N = 10000 (override: bench/memory.sh 100 10000 …), peak RSS of each run
# (GNU time's "Maximum resident set size") and the ratio to the first. Output must not grow with
# the number of documents (issue 11: within 10%).
#   usage: bench/memory.sh [N…]   (env: NEWSX=path/to/newsx, THREADS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
NEWSX=${NEWSX:-target/release/newsx}
THREADS=${THREADS:-2}
[ -x "$NEWSX" ] || { echo "build first: cargo build --release" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 10000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen() { # gen N DIR: N short articles, ~40 words each, in folders of 500
    python3 - "$1" "$2" <<'PY'
import os, sys
n, out = int(sys.argv[1]), sys.argv[2]
people = ["Maria Okafor", "Jonas Weber", "Li Na", "Ahmed Haddad", "Zoë Müller", "Carlos Ruiz"]
orgs = ["Reuters", "the United Nations", "Siemens", "Hamas", "NATO"]
places = ["Berlin", "Nairobi", "Lyon", "Wellport", "Gaza"]
for i in range(n):
    p, q = people[i % 6], people[(i // 3 + 1) % 6]
    o, l = orgs[i % 5], places[(i // 2) % 5]
    text = (f"{p}, a spokesperson for {o}, said on Monday that talks in {l} would resume. "
            f"\u201cWe are ready,\u201d {p} told reporters. {q} of {o} said item {i} was next.")
    d = os.path.join(out, f"part{i // 500:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"doc-{i:06d}.txt"), "w", encoding="utf-8") as f:
        f.write(text)
PY
}
first=""
printf "%8s %12s %8s %9s\n" docs peak_rss_kib ratio seconds
for n in "${sizes[@]}"; do
    gen "$n" "$work/in$n"
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$work/time$n" "$NEWSX" extract --quiet --threads "$THREADS" \
        --out "$work/out$n" "$work/in$n" || [ $? -eq 1 ]
    end=$(date +%s.%N)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time$n")
    rows=$(($(wc -l < "$work/out$n/documents.csv") - 1))
    [ "$rows" -eq "$n" ] || { echo "expected $n documents, got $rows" >&2; exit 1; }
    [ -n "$first" ] || first=$rss
    printf "%8d %12d %8.3f %9.1f\n" "$n" "$rss" "$(echo "$rss / $first" | bc -l)" \
        "$(echo "$end - $start" | bc -l)"
done
