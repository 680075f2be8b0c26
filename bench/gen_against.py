#!/usr/bin/python3
"""A reference corpus and a new corpus holding planted edited copies of it (issue 24: dedup --against).

Why: `dedup NEW --against REF` must remove exactly the documents of NEW that are near-duplicates
of a reference, and nothing else; real corpora carry no such truth, so it is planted. news-40k is
shuffled (--seed) and cut in two: the first --refs documents are the reference, the rest the new
corpus's own texts. A new text that is itself close to a reference (news-40k holds reprinted
wire stories) would be a true duplicate the truth does not list, so every new text whose exact
word-5-gram Jaccard with some reference reaches --max-cross (0.3) is dropped; candidates for that
check come from a 1-in-8 sample of the shingles, so no pair is compared for nothing. Then
--planted reference documents (>= 50 words) get an edited copy each (0 to --max-edit of their
words substituted, inserted or deleted, by corpus frequency), --twice of them a second copy (two
copies of one reference are near-duplicates of each other too: both must go), shuffled into the
new corpus.

Outputs (in --out, default build/against): ref.jsonl, new.jsonl ({"id", "text"}; planted ids
`planted-N-of-REFID`), truth.tsv (planted id, reference id, exact Jaccard), meta.json.
"""

import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=nc.DEFAULT_CORPUS)
    ap.add_argument("--out", default=os.path.join(nc.REPO_DIR, "build", "against"))
    ap.add_argument("--refs", type=int, default=20000, help="reference documents")
    ap.add_argument("--planted", type=int, default=1000, help="references given an edited copy")
    ap.add_argument("--twice", type=int, default=100, help="of those, given a second copy")
    ap.add_argument("--max-edit", type=float, default=0.01, help="largest fraction of words edited")
    ap.add_argument("--max-cross", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=24)
    a = ap.parse_args()
    if os.environ.get("PYTHONHASHSEED") != "0":  # hash() samples the shingles: the same ones every run
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    nc.require_corpus(a.corpus)
    rng = nc.new_rng(a.seed)
    docs = [(str(d["id"]), d["text"]) for d in nc.iter_jsonl(a.corpus)]
    rng.shuffle(docs)
    ref, own = docs[:a.refs], docs[a.refs:]
    sets = [nc.shingles(nc.words(t)) for _, t in ref]
    index = collections.defaultdict(list)  # sampled shingle -> references holding it
    for i, s in enumerate(sets):
        for g in s:
            if hash(g) & 7 == 0:
                index[g].append(i)
    kept_own, dropped = [], 0
    for id_, text in own:
        s = nc.shingles(nc.words(text))
        cand = {i for g in s if hash(g) & 7 == 0 for i in index.get(g, ())}
        if any(nc.jaccard(s, sets[i]) >= a.max_cross for i in cand):
            dropped += 1
        else:
            kept_own.append((id_, text))
    counts = collections.Counter(w for _, t in ref[:5000] for w in nc.words(t))
    vocab = nc.Vocab(counts)
    eligible = [i for i in range(len(ref)) if len(nc.words(ref[i][1])) >= 50]
    chosen = rng.sample(eligible, a.planted)
    planted, truth = [], []
    for k, i in enumerate(chosen):
        for c in range(2 if k < a.twice else 1):
            frac = rng.uniform(0, a.max_edit)
            text, _ = nc.edit_text(ref[i][1], frac, rng, vocab)
            pid = "planted-%d-of-%s" % (len(planted), ref[i][0])
            planted.append((pid, text))
            truth.append((pid, ref[i][0], nc.jaccard(nc.shingles(nc.words(text)), sets[i])))
    new = kept_own + planted
    rng.shuffle(new)
    os.makedirs(a.out, exist_ok=True)
    nc.write_jsonl(os.path.join(a.out, "ref.jsonl"), ({"id": i, "text": t} for i, t in ref))
    nc.write_jsonl(os.path.join(a.out, "new.jsonl"), ({"id": i, "text": t} for i, t in new))
    with open(os.path.join(a.out, "truth.tsv"), "w") as f:
        for row in truth:
            f.write("%s\t%s\t%.4f\n" % row)
    js = sorted(j for _, _, j in truth)
    meta = {"refs": len(ref), "own": len(kept_own), "own_dropped_near_refs": dropped, "planted": len(planted),
            "new": len(new), "planted_jaccard_min": js[0], "planted_jaccard_median": js[len(js) // 2],
            "seed": a.seed, "max_edit": a.max_edit}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
