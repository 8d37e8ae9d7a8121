#!/usr/bin/env python3
"""Leave-4-out check on GGT dev of a choice made on it: which `--combine` mode to run.

usage: bench/ggt_rotation.py GOLD_DIR SCORE_PY MODE=PRED_DIR [MODE=PRED_DIR ...]

Seven rotations each hold out 4 consecutive articles of the sorted GGT dev documents (step 2,
wrapping round, so every article is held out twice), pick the mode with the best quote F1
(overlap >= 0.3) on the other 10 and score that mode on the 4. Prints each rotation, the
full-dev F1 of every mode and the mean held-out F1. Scoring is done by the reference scorer
SCORE_PY on per-rotation subsets of the gold and predicted CSVs (written to a temporary folder).
"""
import csv
import json
import os
import subprocess
import sys
import tempfile


def subset(src, dst, keep):
    os.makedirs(dst, exist_ok=True)
    for name in os.listdir(src):
        if not name.endswith(".csv"):
            continue
        with open(os.path.join(src, name), encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = [r for r in reader if r.get("doc_id") in keep]
            fields = reader.fieldnames or []
        with open(os.path.join(dst, name), "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)


def quote_f1(score_py, gold, pred, keep):
    with tempfile.TemporaryDirectory() as t:
        subset(gold, os.path.join(t, "g"), keep)
        subset(pred, os.path.join(t, "p"), keep)
        out = subprocess.run([sys.executable, score_py, os.path.join(t, "g"),
                              os.path.join(t, "p"), "--json"],
                             capture_output=True, text=True, check=True).stdout
    return json.loads(out)["quotes"]["all"]["g>=0.3"]["f1"]


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    gold, score_py = sys.argv[1], sys.argv[2]
    modes = dict(a.split("=", 1) for a in sys.argv[3:])
    with open(os.path.join(gold, "documents.csv"), encoding="utf-8", newline="") as f:
        docs = sorted(r["doc_id"] for r in csv.DictReader(f))
    n, held_f1 = len(docs), []
    for k in range(7):
        held = {docs[(2 * k + i) % n] for i in range(4)}
        tune = set(docs) - held
        best = max(modes, key=lambda m: quote_f1(score_py, gold, modes[m], tune))
        held_f1.append(quote_f1(score_py, gold, modes[best], held))
        print(f"rotation {k + 1}: tuned on {len(tune)}, picked {best}, "
              f"held-out F1 {100 * held_f1[-1]:.2f}")
    full = {m: quote_f1(score_py, gold, p, set(docs)) for m, p in modes.items()}
    print("full-dev F1: " + ", ".join(f"{m} {100 * v:.2f}" for m, v in full.items()))
    print(f"mean held-out F1 {100 * sum(held_f1) / len(held_f1):.2f}")


if __name__ == "__main__":
    main()
