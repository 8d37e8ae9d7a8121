#!/usr/bin/env python3
"""Would a filter on the attribution tagger's extra quotes reconcile GGT and PolNeAR?

usage: bench/tagger_filter.py NAME=GOLD_DIR,RULES_DIR,TAGGER_DIR,CUED_DIR [NAME=... ...]

For each data set: GOLD_DIR holds the gold `quotes.csv`; RULES_DIR, TAGGER_DIR and CUED_DIR are
`newsx extract --attribution models/attribution` outputs with `--combine rules`, `tagger` and
`cued` on the same input. The "extra" quotes are the tagger's quotes that overlap no rule quote
(what `--combine add` adds). Each extra is marked a hit when it matches (overlap >= 0.3 of the
gold span) a gold quote that no rule quote matched, and it is described by its score, its
length in words and whether `cued` kept it (its cue holds a lexicon reporting verb).

Prints, for a grid of filters (minimum score, minimum words, cued or not), the quote F1 at
overlap >= 0.3 each data set would get from the rule quotes plus the extras the filter keeps.
Matching is greedy in document order (the reference scorer's one-to-one matching can differ by
a quote or two); the full-grid extremes reproduce `rules` and `add` as `score.py` scores them.
Tune on GGT dev and the PolNeAR train holdout, never on PolNeAR dev.
"""
import collections
import csv
import sys


def load(path):
    docs = collections.defaultdict(list)
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            docs[r["doc_id"]].append(r)
    return docs


def overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def covers(pred, gold):
    return gold[1] > gold[0] and overlap(pred, gold) / (gold[1] - gold[0]) >= 0.3


def span(r):
    return (int(r["start"]), int(r["end"]))


def extras(gold_dir, rules_dir, tagger_dir, cued_dir):
    gold = load(f"{gold_dir}/quotes.csv")
    rules = load(f"{rules_dir}/quotes.csv")
    tagger = load(f"{tagger_dir}/quotes.csv")
    cued = load(f"{cued_dir}/quotes.csv")
    n_gold = sum(len(v) for v in gold.values())
    base_tp = base_pred = 0
    items = []
    for doc in sorted(set(gold) | set(rules) | set(tagger)):
        gs = [span(g) for g in gold[doc]]
        rs = [span(r) for r in rules[doc]]
        kept = {span(r) for r in cued[doc]}
        matched = set()
        for r in rs:
            i = next((i for i, g in enumerate(gs) if i not in matched and covers(r, g)), None)
            if i is not None:
                matched.add(i)
                base_tp += 1
        base_pred += len(rs)
        for t in tagger[doc]:
            s = span(t)
            if any(overlap(s, r) > 0 for r in rs):
                continue
            hit = any(i not in matched and covers(s, g) for i, g in enumerate(gs))
            items.append({"score": float(t["score"]), "words": len(t["text"].split()),
                          "cued": s in kept, "hit": hit})
    return n_gold, base_tp, base_pred, items


def f1(tp, pred, gold):
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return 200 * p * r / (p + r) if p + r else 0.0


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    sets = {}
    for arg in argv[1:]:
        name, _, dirs = arg.partition("=")
        parts = dirs.split(",")
        if len(parts) != 4:
            sys.exit(f"{arg}: want NAME=GOLD,RULES,TAGGER,CUED")
        sets[name] = extras(*parts)
    for name, (n_gold, tp, pred, items) in sets.items():
        print(f"{name}: gold {n_gold}, rule quotes {pred} ({tp} matched), tagger extras "
              f"{len(items)} ({sum(i['hit'] for i in items)} hits)")
    print("cued  min_score  min_words  " + "  ".join(f"{n:>8}" for n in sets))
    for cued in (False, True):
        for min_score in (0.0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 1.01):
            for min_words in (1, 3, 5, 8):
                row = []
                for n_gold, tp, pred, items in sets.values():
                    sel = [i for i in items if i["score"] >= min_score
                           and i["words"] >= min_words and (i["cued"] or not cued)]
                    row.append(f1(tp + sum(i["hit"] for i in sel), pred + len(sel), n_gold))
                print(f"{int(cued):>4}  {min_score:>9.2f}  {min_words:>9}  "
                      + "  ".join(f"{x:8.2f}" for x in row))


if __name__ == "__main__":
    main(sys.argv)
