#!/usr/bin/python3
"""Planted near-duplicates with known true Jaccard (issue 3 quality benchmark).

Why: `neardup pairs` / `dedup` must be measured against pairs whose true word-5-gram Jaccard is
known exactly. Real corpora have no such ground truth, so we plant it: sample N source documents
(>= 50 words) from news-40k, and for each make edited copies at several edit levels (a fraction of
the source's words substituted by a random corpus word, a random word inserted, or deleted; the
mix is configurable), so that true Jaccards spread over [0, 1].

A source and its copies form a *family*. The true Jaccard of every pair inside a family is computed
exactly on word-n-gram sets (tokenization approximating neardup's: NFKC + case fold, words = runs
of letters and digits). Sources are chosen so that families are unrelated: a candidate source whose
Jaccard with an already chosen source reaches --max-cross (default 0.05), or whose containment in
it reaches 0.2, is rejected (news-40k holds identical Reuters bodies and templated items). The
"cross-family pairs are ~0" assumption is then checked on a random sample of cross-family pairs
(max reported in the meta file); bench/eval_pairs.py in any case computes the exact Jaccard of
every reported pair that is not in the truth file.

Outputs (in --out, default build/planted):
  corpus.jsonl   {"id", "text", "family", "edit", "copy", "orig_id", "source"}; ids `src-17` for a
                 source and `src-17-e0.15-c1` for copy 1 at edit fraction 0.15; shuffled (--seed).
  truth.jsonl    {"a", "b", "jaccard", "family"} for every within-family pair.
  meta.json      parameters, counts, Jaccard histogram, cross-family check.
"""

import argparse
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402

DEFAULT_LEVELS = "0.005,0.01,0.02,0.03,0.05,0.07,0.1,0.15,0.25,0.4"


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--corpus", default=nc.DEFAULT_CORPUS, help="news-40k JSONL (.zst ok)")
    ap.add_argument("--out", default=os.path.join(nc.REPO_DIR, "build", "planted"),
                    help="output directory")
    ap.add_argument("-N", "--sources", type=int, default=2000, help="number of source documents")
    ap.add_argument("--small", action="store_true", help="200 sources (for make test)")
    ap.add_argument("--levels", default=DEFAULT_LEVELS,
                    help="comma-separated edit fractions, one or more copies each")
    ap.add_argument("--copies", type=int, default=1, help="copies per source and edit level")
    ap.add_argument("--mix", default="1:1:1", help="weights substitution:insertion:deletion")
    ap.add_argument("--vocab", choices=("freq", "uniform"), default="freq",
                    help="draw substituted/inserted words by corpus frequency or uniformly")
    ap.add_argument("--vocab-docs", type=int, default=5000,
                    help="documents (random) whose words form the vocabulary")
    ap.add_argument("--min-words", type=int, default=50, help="minimum source length in words")
    ap.add_argument("--max-words", type=int, default=5000, help="maximum source length in words")
    ap.add_argument("-n", "--ngram", type=int, default=5, help="shingle size in words")
    ap.add_argument("--max-cross", type=float, default=0.05,
                    help="reject a source whose Jaccard with a chosen source reaches this")
    ap.add_argument("--cross-sample", type=int, default=20000,
                    help="random cross-family pairs whose Jaccard is checked")
    ap.add_argument("--no-shuffle", action="store_true", help="keep families together")
    ap.add_argument("--seed", type=int, default=1, help="random seed")
    a = ap.parse_args(argv)
    if a.small:
        a.sources = 200
    a.levels_f = [float(x) for x in a.levels.split(",") if x.strip()]
    a.mix_w = nc.parse_mix(a.mix)
    return a


def level_tag(e):
    return "e%g" % e


def choose_sources(docs, a, rng, log):
    """Pick a.sources unrelated documents with >= min_words words. Returns (chosen, stats)."""
    order = list(range(len(docs)))
    rng.shuffle(order)
    index = collections.defaultdict(list)   # shingle -> chosen slot
    chosen, sets = [], []
    rejected_len = rejected_sim = 0
    max_cross = 0.0
    for i in order:
        if len(chosen) >= a.sources:
            break
        d = docs[i]
        nw = len(d["text"].split())
        if nw < a.min_words * 0.8:
            rejected_len += 1
            continue
        toks = nc.words(d["text"])
        if not (a.min_words <= len(toks) <= a.max_words):
            rejected_len += 1
            continue
        sh = nc.shingles(toks, a.ngram)
        shared = collections.Counter()
        for g in sh:
            for j in index.get(g, ()):
                shared[j] += 1
        bad = False
        worst = 0.0
        for j, c in shared.items():
            jac = c / (len(sh) + len(sets[j]) - c)
            cont = c / min(len(sh), len(sets[j]))
            worst = max(worst, jac)
            if jac >= a.max_cross or cont >= 0.2:
                bad = True
                break
        if bad:
            rejected_sim += 1
            continue
        max_cross = max(max_cross, worst)
        slot = len(chosen)
        chosen.append(i)
        sets.append(sh)
        for g in sh:
            index[g].append(slot)
    if len(chosen) < a.sources:
        log("warning: only %d sources satisfy the constraints" % len(chosen))
    return chosen, {"rejected_length": rejected_len, "rejected_similar": rejected_sim,
                    "max_source_cross_jaccard": round(max_cross, 6)}


def generate(a, log=lambda s: print(s, file=sys.stderr)):
    """Generate the planted corpus; returns the meta dict. Callable from other scripts."""
    nc.require_corpus(a.corpus)
    t0 = time.time()
    rng = nc.new_rng(a.seed)
    docs = [{"id": d.get("id"), "text": d.get("text") or "", "source": d.get("source")}
            for d in nc.iter_jsonl(a.corpus)]
    log("read %d documents in %.1f s" % (len(docs), time.time() - t0))

    # vocabulary from random documents
    counts = collections.Counter()
    for i in rng.sample(range(len(docs)), min(a.vocab_docs, len(docs))):
        counts.update(nc.words(docs[i]["text"]))
    vocab = nc.Vocab(counts, a.vocab)

    chosen, cstats = choose_sources(docs, a, rng, log)
    log("chose %d sources (%s)" % (len(chosen), cstats))

    out_docs, families = [], []
    for f, di in enumerate(chosen):
        d = docs[di]
        fam_id = "src-%d" % f
        fam = [{"id": fam_id, "text": d["text"], "family": fam_id, "edit": 0.0, "copy": 0,
                "orig_id": d["id"], "source": d["source"]}]
        for e in a.levels_f:
            for c in range(1, a.copies + 1):
                text, _ = nc.edit_text(d["text"], e, rng, vocab, a.mix_w)
                fam.append({"id": "%s-%s-c%d" % (fam_id, level_tag(e), c), "text": text,
                            "family": fam_id, "edit": e, "copy": c, "orig_id": d["id"],
                            "source": d["source"]})
        families.append(fam)
        out_docs.extend(fam)

    # exact within-family Jaccards
    truth = []
    hist = [0] * 10
    shs = {}
    for fam in families:
        ss = [nc.shingles(nc.words(x["text"]), a.ngram) for x in fam]
        for x, s in zip(fam, ss):
            shs[x["id"]] = s
        for i in range(len(fam)):
            for j in range(i + 1, len(fam)):
                jac = nc.jaccard(ss[i], ss[j])
                truth.append({"a": fam[i]["id"], "b": fam[j]["id"], "jaccard": round(jac, 6),
                              "family": fam[0]["family"]})
                hist[min(9, int(jac * 10))] += 1

    # cross-family check on a random sample
    ids = [x["id"] for x in out_docs]
    fam_of = {x["id"]: x["family"] for x in out_docs}
    cross_max, cross_sum, cross_n, cross_ge = 0.0, 0.0, 0, 0
    worst_pair = None
    if len(families) > 1:
        for _ in range(a.cross_sample):
            x, y = rng.sample(ids, 2)
            if fam_of[x] == fam_of[y]:
                continue
            jac = nc.jaccard(shs[x], shs[y])
            cross_n += 1
            cross_sum += jac
            cross_ge += jac >= 0.1
            if jac > cross_max:
                cross_max, worst_pair = jac, (x, y)

    if not a.no_shuffle:
        rng.shuffle(out_docs)
    os.makedirs(a.out, exist_ok=True)
    nc.write_jsonl(os.path.join(a.out, "corpus.jsonl"), out_docs)
    nc.write_jsonl(os.path.join(a.out, "truth.jsonl"), truth)
    meta = {
        "generator": "bench/gen_planted.py",
        "params": {"corpus": os.path.basename(a.corpus), "sources": a.sources,
                   "levels": a.levels_f, "copies": a.copies, "mix_sub_ins_del": a.mix_w,
                   "vocab": a.vocab, "vocab_docs": a.vocab_docs, "min_words": a.min_words,
                   "max_words": a.max_words, "ngram": a.ngram, "max_cross": a.max_cross,
                   "seed": a.seed, "shuffled": not a.no_shuffle},
        "documents": len(out_docs),
        "families": len(families),
        "within_family_pairs": len(truth),
        "jaccard_histogram_deciles": hist,
        "source_selection": cstats,
        "cross_family_sample": {"pairs": cross_n, "max_jaccard": round(cross_max, 6),
                                "mean_jaccard": round(cross_sum / cross_n, 8) if cross_n else 0,
                                "pairs_ge_0.1": cross_ge, "worst_pair": worst_pair},
        "seconds": round(time.time() - t0, 2),
    }
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    log("wrote %d documents, %d within-family pairs to %s in %.1f s"
        % (len(out_docs), len(truth), a.out, time.time() - t0))
    log("true Jaccard histogram (deciles 0-0.1 .. 0.9-1): %s" % hist)
    log("cross-family sample: %d pairs, max Jaccard %.4f, mean %.6f"
        % (cross_n, cross_max, meta["cross_family_sample"]["mean_jaccard"]))
    return meta


def main(argv=None):
    a = parse_args(argv)
    generate(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
