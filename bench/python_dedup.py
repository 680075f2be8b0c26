#!/usr/bin/env python3
"""bench/python_dedup.py - dedup of news-40k from Python vs the neardup command.

    make bench-python, or: python3 bench/python_dedup.py [--neardup build/neardup] [--module build/python] [--reps 3]

The texts are loaded into a Python list first (not timed), then
neardup.dedup(texts) is timed; the command `neardup dedup news-40k.jsonl.zst
-o FILE` on the same file is timed in the same run (reading, decompressing,
parsing and writing included: what a user of the command waits for), and on
an uncompressed copy (no zstd).  Best of --reps each, wall and CPU time
(user + sys of all threads: the steadier figure when other work shares the
cores).  Prints both times, the ratio (target <= 1.5x), and checks that
both remove the same documents.  Skips when the corpus is absent.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "corpora", "news-40k.jsonl.zst")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neardup", default=os.path.join(HERE, "..", "build", "neardup"))
    ap.add_argument("--corpus", default=CORPUS)
    ap.add_argument("--module", default=os.path.join(HERE, "..", "build", "python"),
                    help="the directory holding the neardup package (make python: BUILD/python)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threshold", default="0.8")
    args = ap.parse_args()
    if not os.path.exists(args.corpus):
        print("SKIP: %s is absent; this benchmark needs the news-40k corpus" % args.corpus)
        return 0
    sys.path.insert(0, args.module)
    import neardup

    raw = subprocess.run(["zstd", "-dc", args.corpus], check=True, stdout=subprocess.PIPE).stdout
    records = [json.loads(line) for line in raw.splitlines()]
    ids = [r["id"] for r in records]
    texts = [r["text"] for r in records]
    del raw, records

    def cpu(who):
        r = resource.getrusage(who)
        return r.ru_utime + r.ru_stime

    threshold = float(args.threshold)
    py_best, py_cpu, dup = None, None, None
    for _ in range(args.reps):
        t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_SELF)
        dup = neardup.dedup(texts, threshold=threshold)
        t, c = time.perf_counter() - t0, cpu(resource.RUSAGE_SELF) - c0
        py_best = t if py_best is None else min(py_best, t)
        py_cpu = c if py_cpu is None else min(py_cpu, c)

    def cli_time(corpus, removed=None):
        """Best of --reps of the command on corpus; with removed, one more run writes the decisions."""
        best, best_cpu = None, None
        for rep in range(args.reps + (removed is not None)):
            cmd = [args.neardup, "dedup", corpus, "-t", args.threshold, "-o", kept, "-q"]
            if removed is not None and rep == 0:
                cmd += ["--removed", removed]  # the decisions, compared below (not timed)
            t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_CHILDREN)
            subprocess.run(cmd, check=True)
            t, c = time.perf_counter() - t0, cpu(resource.RUSAGE_CHILDREN) - c0
            if removed is None or rep > 0:
                best = t if best is None else min(best, t)
                best_cpu = c if best_cpu is None else min(best_cpu, c)
        return best, best_cpu

    with tempfile.TemporaryDirectory() as tmp:
        kept, removed = os.path.join(tmp, "kept.jsonl"), os.path.join(tmp, "removed.jsonl")
        cli_best, cli_cpu = cli_time(args.corpus, removed)
        plain = os.path.join(tmp, "news-40k.jsonl")  # also uncompressed: no zstd in the command's time
        subprocess.run(["zstd", "-dqf", args.corpus, "-o", plain], check=True)
        plain_best, plain_cpu = cli_time(plain)
        with open(removed) as f:
            cli_removed = {json.loads(line)["id"]: json.loads(line)["duplicate_of"] for line in f}
    py_removed = {ids[i]: ids[d] for i, d in enumerate(dup) if d is not None}
    same = py_removed == cli_removed

    ratio = py_best / cli_best
    print("news-40k: %d texts, %d removed (CLI %d), same decisions: %s"
          % (len(texts), len(py_removed), len(cli_removed), "yes" if same else "NO"))
    print("neardup.dedup (Python list) %.3f s; neardup dedup (command, .zst file) %.3f s; "
          "ratio %.2fx (target <= 1.5x: %s)" % (py_best, cli_best, ratio, "met" if ratio <= 1.5 else "NOT met"))
    print("neardup dedup on the uncompressed .jsonl %.3f s; ratio %.2fx" % (plain_best, py_best / plain_best))
    print("CPU seconds (user + sys, all threads; steadier on a busy machine): Python %.3f, command .zst %.3f "
          "(ratio %.2fx), uncompressed %.3f (ratio %.2fx)"
          % (py_cpu, cli_cpu, py_cpu / cli_cpu, plain_cpu, py_cpu / plain_cpu))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
