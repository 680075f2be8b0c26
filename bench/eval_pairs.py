#!/usr/bin/python3
"""Precision / recall of `neardup pairs` on planted near-duplicates (issue 3 targets).

Why: issue 3 requires, at t = 0.5 and t = 0.8, recall >= 0.95 on pairs whose true word-5-gram
Jaccard is >= t + 0.1, and no more than 5% false pairs among those whose true Jaccard is <= t - 0.1.
This script generates (or reuses) the planted corpus of bench/gen_planted.py, runs
`neardup pairs CORPUS -t T -n N --format jsonl` for each threshold, and measures:

  recall_high     |reported AND {J >= t+0.1}| / |{J >= t+0.1}|          (target >= 0.95)
  false_rate      |reported AND {J <= t-0.1}| / |reported|               (target <= 0.05)
                  i.e. the fraction of the *reported* pairs that are clearly false
  low_reported    |reported AND {J <= t-0.1}| / |{J <= t-0.1, within families}|  (target <= 0.05)
                  i.e. the fraction of the truly-low within-family pairs that were reported
  precision@t     |reported AND {J >= t}| / |reported|
  recall@t        |reported AND {J >= t}| / |{J >= t}|
  seconds         wall time of the neardup run

True J of a reported pair comes from truth.jsonl (all within-family pairs); a reported pair that is
not in it (a cross-family pair) has its exact Jaccard computed here from the corpus text. Pairs
are unordered. Exit status: 0 when every target holds (or "SKIP" when the corpus is absent),
1 when a target fails, 2 on a usage error or when neardup fails.
"""

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402
import gen_planted  # noqa: E402


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--neardup", default=nc.default_binary(), help="path to the neardup binary")
    ap.add_argument("-t", "--thresholds", default="0.5,0.8", help="comma-separated thresholds")
    ap.add_argument("--small", action="store_true",
                    help="200 source documents (~2,200 docs), for make test (< 20 s)")
    ap.add_argument("-N", "--sources", type=int, default=2000, help="source documents")
    ap.add_argument("--seed", type=int, default=1, help="generator seed")
    ap.add_argument("--corpus", default=nc.DEFAULT_CORPUS, help="news-40k JSONL (.zst ok)")
    ap.add_argument("--workdir", default=None,
                    help="planted corpus directory (default build/planted[-small]); generated "
                         "when absent or made with other parameters")
    ap.add_argument("--planted", default=None,
                    help="use an existing gen_planted.py output directory as is")
    ap.add_argument("--margin", type=float, default=0.1, help="the 0.1 in t +/- 0.1")
    ap.add_argument("--min-recall", type=float, default=0.95, help="target recall_high")
    ap.add_argument("--max-false", type=float, default=0.05,
                    help="target for false_rate and low_reported")
    ap.add_argument("--extra", default="", help="extra arguments for neardup pairs, one string")
    ap.add_argument("--csv", default=None, help="also write the table as CSV")
    ap.add_argument("--keep-output", action="store_true",
                    help="keep neardup's JSONL output in the work directory")
    a = ap.parse_args(argv)
    if a.small:
        a.sources = 200
    return a


def ensure_planted(a):
    if a.planted:
        return a.planted
    wd = a.workdir or os.path.join(nc.REPO_DIR, "build",
                                   "planted-small" if a.small else "planted")
    gargs = ["--corpus", a.corpus, "--out", wd, "-N", str(a.sources), "--seed", str(a.seed)]
    ga = gen_planted.parse_args(gargs)
    want = {"sources": ga.sources, "levels": ga.levels_f, "seed": ga.seed, "ngram": ga.ngram}
    try:
        with open(os.path.join(wd, "meta.json")) as f:
            have = json.load(f)["params"]
        if all(have.get(k) == v for k, v in want.items()) and \
                os.path.exists(os.path.join(wd, "truth.jsonl")):
            return wd
    except (OSError, ValueError, KeyError):
        pass
    nc.require_corpus(a.corpus)
    gen_planted.generate(ga, log=lambda s: print("gen_planted: " + s, file=sys.stderr))
    return wd


def run_pairs(a, corpus, t, ngram, out_path):
    cmd = [a.neardup, "pairs", corpus, "-t", str(t), "-n", str(ngram), "--format", "jsonl"]
    cmd += a.extra.split()
    t0 = time.time()
    with open(out_path, "wb") as out:
        p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE)
    secs = time.time() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        print("error: %s exited with %d" % (" ".join(cmd), p.returncode), file=sys.stderr)
        sys.exit(2)
    pairs = []
    with open(out_path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                pairs.append((r["a"], r["b"], float(r.get("jaccard", "nan"))))
            except (ValueError, KeyError) as e:
                print("error: %s line %d: not a pair record (%s)" % (out_path, ln, e),
                      file=sys.stderr)
                sys.exit(2)
    return pairs, secs


def key(x, y):
    return (x, y) if x <= y else (y, x)


def evaluate(truth, reported, true_j_of, t, margin):
    hi_set = {k for k, j in truth.items() if j >= t + margin - 1e-12}
    lo_set = {k for k, j in truth.items() if j <= t - margin + 1e-12}
    at_set = {k for k, j in truth.items() if j >= t}
    rep = {}
    for x, y, est in reported:
        rep[key(x, y)] = est
    n_rep = len(rep)
    rep_true = {k: true_j_of(k) for k in rep}
    rep_hi = sum(1 for k in rep if k in hi_set)
    rep_lo = sum(1 for k, j in rep_true.items() if j <= t - margin + 1e-12)
    rep_lo_within = sum(1 for k in rep if k in lo_set)
    rep_at = sum(1 for k, j in rep_true.items() if j >= t)
    rep_at_truth = sum(1 for k in rep if k in at_set)
    err = [abs(rep[k] - rep_true[k]) for k in rep if rep[k] == rep[k]]
    return {
        "t": t, "reported": n_rep,
        "pairs_hi": len(hi_set), "recall_hi": rep_hi / len(hi_set) if hi_set else 1.0,
        "false_rate": rep_lo / n_rep if n_rep else 0.0,
        "pairs_lo": len(lo_set), "low_reported": rep_lo_within / len(lo_set) if lo_set else 0.0,
        "precision_t": rep_at / n_rep if n_rep else 1.0,
        "recall_t": rep_at_truth / len(at_set) if at_set else 1.0,
        "cross_family_reported": sum(1 for k in rep if k not in truth),
        "mean_abs_err": sum(err) / len(err) if err else 0.0,
    }


def main(argv=None):
    a = parse_args(argv)
    if not a.planted:
        nc.require_corpus(a.corpus)
    if not os.path.exists(a.neardup):
        print("error: neardup binary not found at %s (build it: make, or pass --neardup)"
              % a.neardup, file=sys.stderr)
        return 2
    wd = ensure_planted(a)
    corpus = os.path.join(wd, "corpus.jsonl")
    with open(os.path.join(wd, "meta.json")) as f:
        meta = json.load(f)
    ngram = meta["params"]["ngram"]
    truth = {}
    for r in nc.iter_jsonl(os.path.join(wd, "truth.jsonl")):
        truth[key(r["a"], r["b"])] = r["jaccard"]

    texts = None
    cache = {}

    def true_j_of(k):
        nonlocal texts
        if k in truth:
            return truth[k]
        if k not in cache:
            if texts is None:
                texts = {d["id"]: d["text"] for d in nc.iter_jsonl(corpus)}
            sa = nc.shingles(nc.words(texts[k[0]]), ngram)
            sb = nc.shingles(nc.words(texts[k[1]]), ngram)
            cache[k] = nc.jaccard(sa, sb)
        return cache[k]

    thresholds = [float(x) for x in a.thresholds.split(",") if x.strip()]
    results, failed = [], []
    for t in thresholds:
        out_path = os.path.join(wd, "pairs-t%g.jsonl" % t)
        reported, secs = run_pairs(a, corpus, t, ngram, out_path)
        if not a.keep_output:
            os.remove(out_path)
        r = evaluate(truth, reported, true_j_of, t, a.margin)
        r["seconds"] = secs
        results.append(r)
        if r["recall_hi"] < a.min_recall:
            failed.append("t=%g: recall %.4f < %.2f on J >= %.2f"
                          % (t, r["recall_hi"], a.min_recall, t + a.margin))
        if r["false_rate"] > a.max_false:
            failed.append("t=%g: %.4f of reported pairs have J <= %.2f (> %.2f)"
                          % (t, r["false_rate"], t - a.margin, a.max_false))
        if r["low_reported"] > a.max_false:
            failed.append("t=%g: %.4f of the pairs with J <= %.2f were reported (> %.2f)"
                          % (t, r["low_reported"], t - a.margin, a.max_false))

    header = ["t", "docs", "reported", "pairs J>=t+m", "recall J>=t+m", "false rate (J<=t-m)",
              "low pairs reported", "precision@t", "recall@t", "cross-family reported",
              "mean |est-J|", "seconds"]
    rows = []
    for r in results:
        rows.append(["%g" % r["t"], meta["documents"], r["reported"], r["pairs_hi"],
                     "%.4f" % r["recall_hi"], "%.4f" % r["false_rate"],
                     "%.4f" % r["low_reported"], "%.4f" % r["precision_t"],
                     "%.4f" % r["recall_t"], r["cross_family_reported"],
                     "%.4f" % r["mean_abs_err"], "%.2f" % r["seconds"]])
    print("planted corpus: %s (%d documents, %d families, %d within-family pairs; m = %g)\n"
          % (wd, meta["documents"], meta["families"], meta["within_family_pairs"], a.margin))
    print(nc.md_table(header, rows))
    if a.csv:
        nc.write_csv(a.csv, header, rows)
    if failed:
        print("\nFAIL:\n  " + "\n  ".join(failed))
        return 1
    print("\nPASS: recall >= %.2f on J >= t+%g and <= %.0f%% false pairs at J <= t-%g"
          % (a.min_recall, a.margin, a.max_false * 100, a.margin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
