#!/usr/bin/env python3
"""Whole-process throughput and memory of `newsx extract` against the spaCy peer, in one run.

usage: bench.py NEWSX_BINARY PEER_PYTHON INPUT_DIR [--rounds N] [--threads T] [--dev-f1 F]

Runs, alternated, N rounds of: `newsx extract INPUT_DIR` and the spaCy peer
(en_core_web_sm + textacy, `nlp.pipe` with n_process 1 and with n_process 2). Every figure is a
whole process, start to exit, model loading included: wall time from fork to exit and peak RSS
(`ru_maxrss` from wait4). Prints medians and the ratio newsx / best spaCy setting.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def run(cmd):
    """Run `cmd`; return (wall seconds, exit code, stdout, stderr)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    return wall, p.returncode, out.decode(), err.decode()


def measure(cmd):
    """Run `cmd` under a tiny helper process that times it and reports its own peak RSS (this
    script's RUSAGE_CHILDREN would only give the running maximum over all commands)."""
    helper = (
        "import os,sys,time,json\n"
        "t0=time.perf_counter()\n"
        "pid=os.fork()\n"
        "if pid==0:\n"
        "    os.execvp(sys.argv[1],sys.argv[1:])\n"
        "_,st,ru=os.wait4(pid,0)\n"
        "w=time.perf_counter()-t0\n"
        "sys.stderr.write('\\nBENCH '+json.dumps({'wall':w,'rss_kb':ru.ru_maxrss,"
        "'rc':os.waitstatus_to_exitcode(st)})+'\\n')\n"
    )
    wall, rc, out, err = run([sys.executable, "-c", helper] + cmd)
    line = [l for l in err.splitlines() if l.startswith("BENCH ")][-1]
    m = json.loads(line[6:])
    if m["rc"] != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited with {m['rc']}:\n{err[-2000:]}")
    return m["wall"], m["rss_kb"] / 1024, out, err


def cpu_ghz():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("cpu MHz"):
                return float(line.split(":")[1]) / 1000
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("newsx")
    ap.add_argument("peer_python")
    ap.add_argument("input")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--dev-f1", default="not measured")
    ap.add_argument("--out", default="target/bench")
    ap.add_argument("--ort-newsx", help="a newsx built with --features ort (ORT_DYLIB_PATH set)")
    ap.add_argument("--attribution", help="also measure newsx with this attribution tagger folder "
                    "(--combine cued), to show the tagger's cost")
    ap.add_argument("--baseline", nargs=2, metavar=("NEWSX", "MODEL"),
                    help="also measure this newsx binary with this model folder (an earlier state, "
                    "built from its commit), to show the ratio's change in the same rounds")
    a = ap.parse_args()
    files = sorted(pathlib.Path(a.input).rglob("*.txt"))
    words = sum(len(f.read_text(encoding="utf-8-sig").split()) for f in files)
    docs = len(files)
    out = pathlib.Path(a.out)
    systems = {
        "newsx": [a.newsx, "extract", a.input, "--out", str(out / "newsx"), "--quiet",
                  "--stats", "--threads", str(a.threads)],
        "spacy n_process=1": [a.peer_python, str(HERE / "peer_spacy.py"), a.input,
                              str(out / "spacy1"), "1"],
        "spacy n_process=2": [a.peer_python, str(HERE / "peer_spacy.py"), a.input,
                              str(out / "spacy2"), "2"],
    }
    if a.ort_newsx:
        systems["newsx --engine ort"] = [a.ort_newsx, "extract", a.input, "--out",
                                         str(out / "newsx-ort"), "--quiet", "--engine", "ort",
                                         "--threads", str(a.threads)]
    if a.attribution:
        systems["newsx --combine cued"] = [a.newsx, "extract", a.input, "--out",
                                           str(out / "newsx-cued"), "--quiet", "--threads",
                                           str(a.threads), "--attribution", a.attribution,
                                           "--combine", "cued"]
    if a.baseline:
        systems["newsx baseline"] = [a.baseline[0], "extract", a.input, "--out",
                                     str(out / "newsx-baseline"), "--quiet", "--threads",
                                     str(a.threads), "--model", a.baseline[1]]
    res = {k: [] for k in systems}
    stats = {}
    for r in range(a.rounds):
        for name, cmd in systems.items():
            wall, rss, sout, serr = measure(cmd)
            res[name].append((wall, rss))
            print(f"round {r + 1} {name}: {wall:.2f} s, {words / wall:.0f} words/s, "
                  f"peak RSS {rss:.0f} MB", flush=True)
            if name == "newsx":
                for line in serr.splitlines():
                    if line.startswith("newsx-stats "):
                        stats = json.loads(line[len("newsx-stats "):])
    med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v))
           for k, v in res.items()}
    print(f"\ncorpus: {a.input}: {docs} documents, {words} words (whitespace-separated)")
    print(f"machine: {os.cpu_count()} CPUs, {cpu_ghz() or '?'} GHz (nominal); "
          f"newsx --threads {a.threads}; medians of {a.rounds} alternated rounds, whole processes")
    print(f"{'system':<20} {'words/s':>9} {'docs/s':>8} {'peak RSS MB':>12}")
    for k, (w, m) in med.items():
        print(f"{k:<20} {words / w:>9.0f} {docs / w:>8.2f} {m:>12.0f}")
    peer = min((k for k in med if k.startswith("spacy")), key=lambda k: med[k][0])
    ratio = med[peer][0] / med["newsx"][0]
    print(f"\nratio newsx / {peer} (the faster spaCy setting), words/s: {ratio:.2f}x; "
          f"peak RSS: {med['newsx'][1] / med[peer][1]:.2f}x")
    if "newsx --engine ort" in med:
        print(f"ratio newsx --engine ort / {peer}, words/s: "
              f"{med[peer][0] / med['newsx --engine ort'][0]:.2f}x")
    if "newsx baseline" in med:
        base = med[peer][0] / med["newsx baseline"][0]
        print(f"ratio newsx baseline / {peer}, words/s: {base:.2f}x; the ratio's change: "
              f"{100 * (ratio / base - 1):+.1f}%")
    if "newsx --combine cued" in med:
        cued = med["newsx --combine cued"][0]
        print(f"ratio newsx --combine cued / {peer}, words/s: {med[peer][0] / cued:.2f}x; "
              f"throughput {100 * (med['newsx'][0] / cued - 1):+.1f}% against newsx's default")
    if stats:
        wall = med["newsx"][0]
        pieces, flop, ner_s = stats["encoder_pieces"], stats["encoder_flop"], stats["ner_seconds"]
        ghz = cpu_ghz()
        print(f"NER encoder: {pieces} pieces ({stats['owned_pieces']} owned, "
              f"{pieces / max(stats['owned_pieces'], 1):.3f} fed per owned piece), "
              f"{flop / max(pieces, 1) / 1e6:.1f} MFLOP a piece; "
              f"{pieces / ner_s:.0f} pieces/s of NER thread time "
              f"({pieces / wall:.0f} per second of the whole run)")
        if ghz:
            # Ceiling: each core retires two 8-lane f32 FMAs a cycle (32 FLOP); the int16
            # multiply-add path was measured at about the same rate on this CPU (bench/README.md).
            peak = (os.cpu_count() or 1) * ghz * 1e9 * 32
            per_thread = flop / ner_s / (ghz * 1e9 * 32)
            print(f"FLOP ceiling {peak / 1e9:.0f} GFLOP/s ({os.cpu_count()} cores x {ghz:.2f} GHz "
                  f"x 32 FLOP/cycle): NER threads reach {per_thread * 100:.0f}% of one core's "
                  f"ceiling while encoding; the whole run {flop / wall / peak * 100:.0f}% of the "
                  f"machine's")
    print(f"model: CoNLL-2003 dev strict F1 {a.dev_f1}")


if __name__ == "__main__":
    main()
