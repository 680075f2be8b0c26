#!/usr/bin/python3
"""Measures `dedup NEW --against REF` on the corpora of bench/gen_against.py.

Runs dedup in memory and with --memory (both must write the same bytes), then: precision and
recall of the documents removed for a reference (a --removed record whose duplicate_of is a
reference id) against the planted copies; that no reference id is written and the reference
file is unchanged (SHA-256 before and after); and that the other removals are exactly those of
a plain dedup of NEW alone minus the planted copies' clusters (duplicates among the inputs
handled as before).  Exit status 1 when precision or recall is below --min (0.98).
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def ids(path):
    with open(path) as f:
        return [json.loads(line)["id"] for line in f]


def run(cmd):
    t = time.time()
    subprocess.run(cmd, check=True)
    return time.time() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", default=os.path.join(nc.REPO_DIR, "build", "against"))
    ap.add_argument("--neardup", default=nc.default_binary())
    ap.add_argument("-t", default="0.8")
    ap.add_argument("--min", type=float, default=0.98)
    a = ap.parse_args()
    d = lambda n: os.path.join(a.dir, n)  # noqa: E731
    ref, new = d("ref.jsonl"), d("new.jsonl")
    truth = {}
    with open(d("truth.tsv")) as f:
        for line in f:
            pid, rid, j = line.rstrip("\n").split("\t")
            truth[pid] = (rid, float(j))
    ref_ids = set(ids(ref))
    before = sha(ref)
    base = [a.neardup, "dedup", new, "--against", ref, "-t", a.t, "-q"]
    secs = run(base + ["-o", d("kept.jsonl"), "--removed", d("removed.jsonl")])
    secs_mem = run(base + ["-o", d("kept-mem.jsonl"), "--removed", d("removed-mem.jsonl"), "--memory", "32M"])
    run([a.neardup, "dedup", new, "-t", a.t, "-q", "-o", d("alone.jsonl"), "--removed", d("alone-removed.jsonl")])
    same = all(open(d(x), "rb").read() == open(d(y), "rb").read()
               for x, y in (("kept.jsonl", "kept-mem.jsonl"), ("removed.jsonl", "removed-mem.jsonl")))
    removed = [json.loads(line) for line in open(d("removed.jsonl"))]
    by_ref = {r["id"] for r in removed if r["duplicate_of"] in ref_ids}
    planted = set(truth)
    tp = len(by_ref & planted)
    precision = tp / len(by_ref) if by_ref else 1.0
    recall = tp / len(planted)
    kept = ids(d("kept.jsonl"))
    # the other removals: those of NEW alone, but for the planted copies and their clusters
    alone = {r["id"] for r in map(json.loads, open(d("alone-removed.jsonl")))}
    others = {r["id"] for r in removed} - by_ref
    res = {
        "refs": len(ref_ids), "new": len(ids(new)), "planted": len(planted),
        "removed_for_a_reference": len(by_ref), "true_positives": tp,
        "precision": round(precision, 4), "recall": round(recall, 4),
        "missed": sorted(planted - by_ref)[:10], "false": sorted(by_ref - planted)[:10],
        "missed_jaccard": sorted(truth[p][1] for p in planted - by_ref)[:10],
        "reference_ids_written": len(ref_ids & set(kept)), "reference_unchanged": sha(ref) == before,
        "other_removals": len(others), "other_removals_not_in_alone_run": len(others - alone),
        "memory_run_identical": same, "seconds": round(secs, 2), "seconds_memory_32M": round(secs_mem, 2),
    }
    print(json.dumps(res, indent=1))
    ok = precision >= a.min and recall >= a.min and same and res["reference_unchanged"] and \
        not res["reference_ids_written"] and not res["other_removals_not_in_alone_run"]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
