"""Run newsx under Apache Spark: articles in, JSON Lines results out, via ``rdd.pipe``.

Each partition's documents go to one ``newsx extract --jsonl`` process on an executor (one JSON
line in per document, one JSON line out); the results are saved as text files that
``newsx convert RESULTS --out DIR`` turns into the four CSV files, byte for byte those of
``newsx extract`` on the same folders.

Input, either:
  --input FOLDER …  folders searched recursively for ``*.txt`` as ``newsx extract`` does (doc_id
                    = path relative to the folder without extension; same decoding rules: one
                    BOM dropped, UTF-8 without NUL, --max-bytes). The driver lists the files; the
                    executors read them, so the folders must be visible to every executor
                    (local mode, NFS).
  --jsonl PATH      a JSON Lines dataset (``{"doc_id", "text", "path"?}`` a line; any path or
                    glob Spark's textFile reads: HDFS, S3, …), piped as it is.

Local mode (what the test runs):
  python newsx_spark.py --master 'local[2]' --input corpus --output results \
      --newsx target/release/newsx --model models/ner
On a cluster, ship the binary and the model with the job; they land in each executor's working
folder, which is where ``pipe`` starts newsx (see README, "Apache Spark"):
  spark-submit --master yarn --files target/release/newsx \
      --archives newsx-model.tar.gz#model examples/spark/newsx_spark.py \
      --jsonl hdfs:///news/articles.jsonl --output hdfs:///news/newsx-results
"""

import argparse
import json
import os
import shlex
import sys

DEFAULT_MAX_BYTES = 5_000_000


def list_documents(roots):
    """(doc_id, path) of every *.txt under each root, as newsx's collect_inputs finds them."""
    by_id = {}
    for root in roots:
        if os.path.isfile(root):
            found = [(os.path.splitext(os.path.basename(root))[0], root)]
        else:
            found = []
            seen = set()

            def walk(d):
                real = os.path.realpath(d)
                if real in seen:
                    return
                seen.add(real)
                for name in sorted(os.listdir(d)):
                    p = os.path.join(d, name)
                    if os.path.isdir(p):
                        walk(p)
                    elif name.lower().endswith(".txt"):
                        rel = os.path.relpath(p, root)
                        found.append((os.path.splitext(rel)[0].replace(os.sep, "/"), p))

            walk(root)
        for doc_id, path in found:
            if doc_id in by_id:
                sys.exit(f"two inputs have the doc_id {doc_id!r}: {by_id[doc_id]} and {path}")
            by_id[doc_id] = path
    return sorted(by_id.items())


def read_document(doc_id, path, max_bytes):
    """The newsx input line for one file, or newsx's error record when it cannot be read."""

    def error(message):
        return ("error", json.dumps({"doc_id": doc_id, "path": path, "status": "error",
                                     "entities": [], "quotes": [], "relations": [],
                                     "error": " ".join(message.split())}, ensure_ascii=False))

    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            return error(f"{path}: file is larger than the limit ({size} bytes > {max_bytes} "
                         "bytes; see --max-bytes)")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        return error(f"{path}: cannot read: {e.strerror}")
    if len(data) > max_bytes:
        return error(f"{path}: file is larger than the limit ({len(data)} bytes > {max_bytes} "
                     "bytes; see --max-bytes)")
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as e:
        off = skip + e.start
        line = 1 + data[:off].count(b"\n")
        return error(f"{path}: not valid UTF-8 at byte {off} (line {line})")
    nul = data.find(b"\0", skip)
    if nul >= 0:
        line = 1 + data[:nul].count(b"\n")
        return error(f"{path}: NUL byte at byte {nul} (line {line}); binary or UTF-16 file?")
    return ("ok", json.dumps({"doc_id": doc_id, "path": path, "text": text}, ensure_ascii=False))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--input", nargs="+", help="folders (or files) of *.txt articles")
    src.add_argument("--jsonl", help="a JSON Lines dataset (textFile path or glob)")
    ap.add_argument("--output", required=True, help="folder for the JSON Lines results")
    ap.add_argument("--newsx", default="./newsx",
                    help="the newsx binary on the executors (default ./newsx, from --files)")
    ap.add_argument("--model", default="./model",
                    help="the model folder on the executors (default ./model, from --archives)")
    ap.add_argument("--master", help="Spark master (default: what spark-submit says)")
    ap.add_argument("--partitions", type=int, default=None, help="partitions (default: Spark's)")
    ap.add_argument("--threads", type=int, default=1, help="newsx threads per task")
    ap.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    args = ap.parse_args()

    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setAppName("newsx").set("spark.ui.showConsoleProgress", "false")
    if args.master:
        conf.setMaster(args.master)
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")

    def exe(p):  # absolute when it exists here (local mode), else as given (shipped files)
        return os.path.abspath(p) if os.path.exists(p) else p

    command = [exe(args.newsx), "extract", "--jsonl", "--quiet", "--model", exe(args.model),
               "--threads", str(args.threads), "--max-bytes", str(args.max_bytes)]
    if args.jsonl:
        lines = sc.textFile(args.jsonl, minPartitions=args.partitions or 2)
        expected = None
        refused = sc.emptyRDD()
    else:
        docs = list_documents(args.input)
        expected = len(docs)
        read = sc.parallelize(docs, args.partitions or sc.defaultParallelism) \
            .map(lambda d: read_document(d[0], d[1], args.max_bytes))
        lines = read.filter(lambda r: r[0] == "ok").map(lambda r: r[1])
        refused = read.filter(lambda r: r[0] == "error").map(lambda r: r[1])
    # checkCode=False: newsx exits 1 when some documents failed, which their error records say;
    # a lost process shows as missing lines, checked below.
    results = lines.pipe(shlex.join(command), checkCode=False).union(refused)
    results.saveAsTextFile(args.output)

    written = sc.textFile(args.output).count()
    if expected is None:
        expected = sc.textFile(args.jsonl).filter(lambda l: l.strip()).count()
    sc.stop()
    if written != expected:
        sys.exit(f"newsx_spark: {written} results for {expected} documents (a newsx process died?)")
    print(f"newsx_spark: {written} results in {args.output}; "
          f"CSV: newsx convert {args.output} --out DIR", file=sys.stderr)


if __name__ == "__main__":
    main()
