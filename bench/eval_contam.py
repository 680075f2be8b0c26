#!/usr/bin/python3
"""Measures `neardup contamination` on the corpus of gen_contam.py (issue 24 part 4).

Recall: planted items (whole, and 30% excerpts) reported contaminated; false flags: clean items
reported contaminated (target: recall >= 0.98, false flags <= 1% of the clean items); the same for
the Q/A benchmark with --fields question,answer (both planted together: contaminated; the question
alone: not).  Throughput: MB/s of corpus for `contamination` and for `dedup` of the same corpus,
run in turn (--rounds, median), and their ratio.  Exits 1 when a target fails.
usage: bench/eval_contam.py [--dir build/contam] [-j N]
"""

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon  # noqa: E402


def run(cmd):
    t = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t


def score(bin_, d, bench, extra, threads):
    out = os.path.join(d, "report.jsonl")
    subprocess.run([bin_, "contamination", "-b", os.path.join(d, bench), os.path.join(d, "corpus.jsonl"), "-o", out,
                    "-q", "-j", str(threads)] + extra, check=True)
    kind = {r["id"]: r["kind"] for r in ndcommon.iter_jsonl(os.path.join(d, bench))}
    c = collections.Counter((kind[r["id"]], r["contaminated"]) for r in ndcommon.iter_jsonl(out))
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=os.path.join(ndcommon.REPO_DIR, "build", "contam"))
    ap.add_argument("--bin", default=ndcommon.default_binary())
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.dir, "corpus.jsonl")):
        ndcommon.skip("no %s/corpus.jsonl: run bench/gen_contam.py first" % a.dir)
    ok = True
    c = score(a.bin, a.dir, "bench.jsonl", [], a.j)
    for k in ("whole", "excerpt"):
        n = c[(k, True)] + c[(k, False)]
        r = c[(k, True)] / n
        ok &= r >= 0.98
        print("items %-8s planted %4d  found %4d  recall %.4f" % (k, n, c[(k, True)], r))
    nclean = c[("clean", True)] + c[("clean", False)]
    fp = c[("clean", True)] / nclean
    ok &= fp <= 0.01
    print("items clean    %4d  flagged %d  (%.2f%%)" % (nclean, c[("clean", True)], 100 * fp))
    q = score(a.bin, a.dir, "qa.jsonl", ["--fields", "question,answer"], a.j)
    for k, want in (("both", True), ("question", False), ("clean", False)):
        n = q[(k, True)] + q[(k, False)]
        right = q[(k, want)] / n
        ok &= right >= (0.98 if want else 0.99)
        print("qa %-9s %4d  contaminated %4d  (%s expected)" % (k, n, q[(k, True)], "all" if want else "none"))
    corpus = os.path.join(a.dir, "corpus.jsonl")
    mb = os.path.getsize(corpus) / 1e6
    tc, td = [], []
    for _ in range(a.rounds):
        tc.append(run([a.bin, "contamination", "-b", os.path.join(a.dir, "bench.jsonl"), corpus, "-q",
                       "-j", str(a.j), "-o", "/dev/null"]))
        td.append(run([a.bin, "dedup", corpus, "-q", "-j", str(a.j), "-o", "/dev/null"]))
    mc, md = statistics.median(tc), statistics.median(td)
    print("throughput (%.1f MB, -j %d, median of %d): contamination %.1f MB/s (%.2f s), dedup %.1f MB/s (%.2f s), "
          "contamination / dedup time %.2f" % (mb, a.j, a.rounds, mb / mc, mc, mb / md, md, mc / md))
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
