#!/usr/bin/python3
"""Scores `neardup overlap --clusters` against the truth of bench/gen_reprints.py.

Measures (issue 23):
- pair precision / recall / F1: a predicted pair is two documents that are witnesses of one
  cluster; a true pair is two documents that carry the same wire story (the wire document, its
  reprints and the outlets' repeats of them);
- source accuracy: of the clusters whose witnesses mostly carry one story, the fraction whose
  source is that story's wire document;
- clusters within one series (witnesses all of one series: must be 0 with --series-field);
- footer clusters: clusters whose witnesses lie mostly (> half their bytes) in the outlets'
  footers (must be 0);
- viral recall: pair recall over the stories carried by more than 50 outlets.
Prints one JSON object; --min-f1 etc. make it exit 1 when a target is missed.
"""

import argparse
import collections
import itertools
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--clusters", required=True)
    ap.add_argument("--min-f1", type=float, default=0)
    ap.add_argument("--min-source", type=float, default=0)
    ap.add_argument("--min-viral", type=float, default=0)
    a = ap.parse_args()
    truth = {}
    for line in open(a.truth, encoding="utf-8"):
        t = json.loads(line)
        truth[t["id"]] = t
    by_story = collections.defaultdict(set)
    for t in truth.values():
        if t["story"]:
            by_story[t["story"]].add(t["id"])
    outlets = {s: len({truth[d]["series"] for d in ds if truth[d]["kind"] != "wire"}) for s, ds in by_story.items()}
    viral = {s for s, n in outlets.items() if n > 50}
    true_pairs = set()
    for ds in by_story.values():
        true_pairs.update(itertools.combinations(sorted(ds), 2))
    viral_pairs = {p for p in true_pairs if truth[p[0]]["story"] in viral}
    pred = set()
    n_clusters = within = footer = judged = source_ok = 0
    for line in open(a.clusters, encoding="utf-8"):
        c = json.loads(line)
        n_clusters += 1
        wit = c["witnesses"]
        ids = sorted({w["id"] for w in wit})
        pred.update(itertools.combinations(ids, 2))
        if len({truth[i]["series"] for i in ids}) == 1:
            within += 1
        in_footer = total = 0
        for w in wit:
            fs = truth[w["id"]]["footer_start"]
            total += w["end"] - w["start"]
            if fs is not None:
                in_footer += max(0, w["end"] - max(w["start"], fs))
        if total and in_footer * 2 > total:
            footer += 1
        stories = collections.Counter(truth[i]["story"] for i in ids)
        story, n = stories.most_common(1)[0]
        if story and n * 2 > len(ids):
            judged += 1
            source_ok += c["source"] == story
    tp = len(pred & true_pairs)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(true_pairs) if true_pairs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    vr = len(pred & viral_pairs) / len(viral_pairs) if viral_pairs else 0.0
    out = {"clusters": n_clusters, "true_pairs": len(true_pairs), "predicted_pairs": len(pred), "precision": round(p, 4),
           "recall": round(r, 4), "f1": round(f1, 4), "source_accuracy": round(source_ok / judged, 4) if judged else 0.0,
           "clusters_judged_for_source": judged, "clusters_within_one_series": within, "footer_clusters": footer,
           "viral_stories": len(viral), "viral_pair_recall": round(vr, 4)}
    print(json.dumps(out))
    ok = f1 >= a.min_f1 and out["source_accuracy"] >= a.min_source and vr >= a.min_viral
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
