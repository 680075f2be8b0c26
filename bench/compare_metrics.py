#!/usr/bin/python3
"""Compare neardup's metrics on the planted benchmark (issue 6): MinHash Jaccard, SimHash
(several distances D), containment and exact duplicates, each scored against the true
word-5-gram Jaccard of bench/gen_planted.py, so a user can pick a metric.

For each run: reported pairs, precision = reported pairs whose true J >= target / reported,
recall = reported pairs with J >= target / all pairs with J >= target, for target = 0.8 and 0.5,
and wall time. SimHash and containment do not measure Jaccard, so the table shows which Jaccard
level each of their settings actually finds. Prints a Markdown table (and --csv).

    /usr/bin/python3 bench/compare_metrics.py [--small] [--neardup build/neardup] [--csv FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402
import eval_pairs  # noqa: E402

RUNS = [
    ("jaccard", "t=0.8", ["--metric", "jaccard", "-t", "0.8"]),
    ("jaccard", "t=0.5", ["--metric", "jaccard", "-t", "0.5"]),
    ("jaccard --exact", "t=0.8", ["--metric", "jaccard", "-t", "0.8", "--exact"]),
    ("simhash", "d=3", ["--metric", "simhash", "-d", "3"]),
    ("simhash", "d=6", ["--metric", "simhash", "-d", "6"]),
    ("simhash", "d=10", ["--metric", "simhash", "-d", "10"]),
    ("containment", "t=0.8", ["--metric", "containment", "-t", "0.8"]),
    ("containment", "t=0.5", ["--metric", "containment", "-t", "0.5"]),
    ("exact", "", ["--metric", "exact"]),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--neardup", default=nc.default_binary())
    ap.add_argument("--small", action="store_true", help="200 source documents")
    ap.add_argument("--csv", default=None)
    a = ap.parse_args()
    ea = eval_pairs.parse_args(["--small"] if a.small else [])
    nc.require_corpus(ea.corpus)
    wd = eval_pairs.ensure_planted(ea)
    corpus = os.path.join(wd, "corpus.jsonl")
    truth = {}
    for r in nc.iter_jsonl(os.path.join(wd, "truth.jsonl")):
        truth[eval_pairs.key(r["a"], r["b"])] = r["jaccard"]
    ndocs = sum(1 for _ in nc.iter_jsonl(corpus))
    rows = []
    for name, setting, args in RUNS:
        out = os.path.join(wd, "metric.jsonl")
        t0 = time.time()
        with open(out, "wb") as f:
            p = subprocess.run([a.neardup, "pairs", corpus, "--format", "jsonl", "-q"] + args, stdout=f)
        secs = time.time() - t0
        if p.returncode:
            print("error: neardup pairs %s failed" % " ".join(args), file=sys.stderr)
            return 2
        rep = set()
        for r in nc.iter_jsonl(out):
            rep.add(eval_pairs.key(r["a"], r["b"]))
        os.remove(out)
        row = [name, setting, len(rep)]
        for target in (0.8, 0.5):
            good = {k for k, j in truth.items() if j >= target}
            hit = sum(1 for k in rep if truth.get(k, 0.0) >= target)
            row += ["%.4f" % (hit / len(rep) if rep else 1.0), "%.4f" % (hit / len(good) if good else 1.0)]
        row.append("%.2f" % secs)
        rows.append(row)
    header = ["metric", "setting", "reported", "precision J>=0.8", "recall J>=0.8",
              "precision J>=0.5", "recall J>=0.5", "seconds"]
    print("Planted benchmark: %s (%d documents, %d within-family pairs)\n" % (wd, ndocs, len(truth)))
    print(nc.md_table(header, rows))
    if a.csv:
        nc.write_csv(a.csv, header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
