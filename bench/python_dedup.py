#!/usr/bin/env python3
"""bench/python_dedup.py - dedup of news-40k from Python vs the neardup command.

    make bench-python, or: python3 bench/python_dedup.py [--neardup build/neardup] [--module build/python] [--rounds 7]

The texts are loaded into a Python list first (not timed), then
neardup.dedup(texts) is timed against the command `neardup dedup FILE -o
OUT` (reading, decompressing, parsing and writing included: what a user of
the command waits for) on news-40k.jsonl.zst and on an uncompressed copy of
it in /tmp (no zstd in the command's time; never in the repository).  Paired
rounds: each round times all three, one after the other, so that a busy
machine slows a round's runs alike; the figures are the medians over the
rounds and the ratios of those medians (target <= 1.5x for both), with each
round's own ratios beside them.  Wall and CPU time (user + sys of all
threads).  Checks that Python and the command remove the same documents.
Skips when the corpus is absent.
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
    ap.add_argument("--rounds", type=int, default=7)
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

    def py_run():
        t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_SELF)
        d = neardup.dedup(texts, threshold=threshold)
        return time.perf_counter() - t0, cpu(resource.RUSAGE_SELF) - c0, d

    def cli_run(corpus, kept, removed=None):
        cmd = [args.neardup, "dedup", corpus, "-t", args.threshold, "-o", kept, "-q"]
        if removed is not None:
            cmd += ["--removed", removed]
        t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, check=True)
        return time.perf_counter() - t0, cpu(resource.RUSAGE_CHILDREN) - c0

    def median(v):
        v = sorted(v)
        return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2

    rounds = []  # per round: (py wall, py cpu, zst wall, zst cpu, plain wall, plain cpu)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        kept, removed = os.path.join(tmp, "kept.jsonl"), os.path.join(tmp, "removed.jsonl")
        plain = os.path.join(tmp, "news-40k.jsonl")  # uncompressed: no zstd in the command's time
        subprocess.run(["zstd", "-dqf", args.corpus, "-o", plain], check=True)
        cli_run(args.corpus, kept, removed)  # the decisions, compared below; also warms the caches
        _, _, dup = py_run()
        for _ in range(args.rounds):
            py = py_run()
            z = cli_run(args.corpus, kept)
            p = cli_run(plain, kept)
            rounds.append((py[0], py[1], z[0], z[1], p[0], p[1]))
        with open(removed) as f:
            cli_removed = {json.loads(line)["id"]: json.loads(line)["duplicate_of"] for line in f}
    py_removed = {ids[i]: ids[d] for i, d in enumerate(dup) if d is not None}
    same = py_removed == cli_removed

    m = [median([r[k] for r in rounds]) for k in range(6)]
    print("news-40k: %d texts, %d removed (CLI %d), same decisions: %s"
          % (len(texts), len(py_removed), len(cli_removed), "yes" if same else "NO"))
    print("median wall of %d paired rounds: neardup.dedup (Python list) %.3f s; neardup dedup .zst %.3f s; "
          "uncompressed .jsonl %.3f s" % (len(rounds), m[0], m[2], m[4]))
    ok = m[0] / m[2] <= 1.5 and m[0] / m[4] <= 1.5
    print("ratio of medians, Python / command: .zst %.2fx, uncompressed %.2fx (target <= 1.5x: %s)"
          % (m[0] / m[2], m[0] / m[4], "met" if ok else "NOT met"))
    print("per round (.zst / uncompressed): " +
          ", ".join("%.2f/%.2f" % (r[0] / r[2], r[0] / r[4]) for r in rounds))
    print("median CPU seconds (user + sys, all threads): Python %.3f, command .zst %.3f (ratio %.2fx), "
          "uncompressed %.3f (ratio %.2fx)" % (m[1], m[3], m[1] / m[3], m[5], m[1] / m[5]))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
