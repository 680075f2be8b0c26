#!/usr/bin/python3
"""Planted benchmark contamination (issue 24 part 4): a benchmark and a corpus holding some of it.

Why: `neardup contamination` must find benchmark items that were copied into a training corpus,
whole or as an excerpt, and leave the others alone. We plant them: news-40k is shuffled (--seed);
paragraphs of 60-200 words (ndcommon.words) from some documents become benchmark items (those documents then stay
out of the corpus), and the rest of news-40k is the corpus. Items whose word 13-grams already
occur in the corpus (news-40k holds duplicated wire stories), or in another candidate, are not
taken, so "clean" is clean.
  whole    (--whole, default 150)   the item's text inserted between two paragraphs of a corpus document
  excerpt  (--excerpt, default 150) 30% of its words (contiguous, --frac) inserted likewise
  clean    (--clean, default 200)   not planted
Items have 60 words or more: a 30% excerpt of a shorter one can hold fewer than 13 words, which
no 13-gram detector finds (neardup contamination -n 13 sees nothing of it, by design).
A question/answer benchmark too (for --fields question,answer): question = a sentence of 12-40
words, answer = 5-8 consecutive words of the next sentence:
  both     (default 100)  question and answer planted together in one corpus document
  question (default 100)  the question alone planted: not contaminated as an item
  clean    (default 100)
Outputs (in --out, default build/contam): bench.jsonl {"id", "text", "kind"}, qa.jsonl {"id",
"question", "answer", "kind"}, corpus.jsonl {"id", "text"}, meta.json.
"""

import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon  # noqa: E402

N = 13


def grams(toks):
    if len(toks) < N:
        return {tuple(toks)} if toks else set()
    return set(zip(*(toks[i:] for i in range(N))))


def sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(ndcommon.REPO_DIR, "..", "shared", "corpora", "news-40k.jsonl.zst"))
    ap.add_argument("--out", default=os.path.join(ndcommon.REPO_DIR, "build", "contam"))
    ap.add_argument("--whole", type=int, default=150)
    ap.add_argument("--excerpt", type=int, default=150)
    ap.add_argument("--clean", type=int, default=200)
    ap.add_argument("--qa", type=int, default=100, help="Q/A items of each kind (default 100)")
    ap.add_argument("--frac", type=float, default=0.3, help="excerpt: fraction of the item's words (default 0.3)")
    ap.add_argument("--docs", type=int, default=0, help="corpus documents at most (default all)")
    ap.add_argument("--seed", type=int, default=24)
    a = ap.parse_args()
    ndcommon.require_corpus(a.corpus)
    rnd = random.Random(a.seed)
    docs = [(d["id"], d["text"]) for d in ndcommon.iter_jsonl(a.corpus) if isinstance(d.get("text"), str)]
    rnd.shuffle(docs)
    nitems = a.whole + a.excerpt + a.clean
    # candidate sources: twice what is needed, first in shuffled order
    cand, qa_cand, used = [], [], set()
    for i, (did, text) in enumerate(docs):
        if len(cand) < 2 * nitems:
            paras = [p for p in re.split(r"\n\s*\n", text) if 60 <= len(ndcommon.words(p)) <= 200]
            if paras:
                cand.append((i, rnd.choice(paras)))
                used.add(i)
                continue
        if len(qa_cand) < 6 * a.qa:
            ss = sentences(" ".join(text.split()))
            pairs = [(s, t) for s, t in zip(ss, ss[1:]) if 12 <= len(s.split()) <= 40 and len(t.split()) >= 10]
            if pairs:
                q, t = rnd.choice(pairs)
                tw = t.split()
                k = rnd.randint(5, 8)
                st = rnd.randint(0, len(tw) - k)
                ans = " ".join(tw[st:st + k])
                if len(ndcommon.words(ans)) >= 5 and len(ndcommon.words(q)) >= 12:
                    qa_cand.append((i, q, ans))
                    used.add(i)
                    continue
        if len(cand) >= 2 * nitems and len(qa_cand) >= 6 * a.qa:
            break
    rest = [d for i, d in enumerate(docs) if i not in used]
    if a.docs:
        rest = rest[:a.docs]
    # leave out candidates already in the corpus (any 13-gram; for Q/A, question or answer)
    want = {}
    for k, (_, p) in enumerate(cand):
        for g in grams(ndcommon.words(p)):
            want.setdefault(g, set()).add(("p", k))
    for k, (_, q, ans) in enumerate(qa_cand):
        for g in grams(ndcommon.words(q)) | grams(ndcommon.words(ans)):
            want.setdefault(g, set()).add(("q", k))
    short = {len(g) for g in want if len(g) < N}
    # two candidates sharing text (news-40k's duplicated stories): planting one would contaminate
    # the other, so neither is taken
    seen = set()
    for s in want.values():
        if len(s) > 1:
            seen |= s
    for _, text in rest:
        toks = ndcommon.words(text)
        gs = grams(toks)
        for w in short:
            gs |= set(zip(*(toks[i:] for i in range(w))))
        for g in gs:
            if g in want:
                seen |= want[g]
    items = [c for k, c in enumerate(cand) if ("p", k) not in seen][:nitems]
    qas = [c for k, c in enumerate(qa_cand) if ("q", k) not in seen][:3 * a.qa]
    if len(items) < nitems or len(qas) < 3 * a.qa:
        sys.exit("gen_contam.py: not enough clean candidates (%d items, %d Q/A)" % (len(items), len(qas)))
    kinds = ["whole"] * a.whole + ["excerpt"] * a.excerpt + ["clean"] * a.clean
    qkinds = ["both"] * a.qa + ["question"] * a.qa + ["clean"] * a.qa
    bench = [{"id": "b%d" % k, "text": p, "kind": kinds[k]} for k, (_, p) in enumerate(items)]
    qa = [{"id": "q%d" % k, "question": q, "answer": ans, "kind": qkinds[k]} for k, (_, q, ans) in enumerate(qas)]
    # plant: each into its own corpus document, between two paragraphs (or at a sentence end)
    texts = [list(x) for x in rest]
    targets = rnd.sample(range(len(texts)), sum(k != "clean" for k in kinds) + 2 * a.qa)
    t = 0

    def plant(piece):
        nonlocal t
        d = texts[targets[t]]
        t += 1
        parts = d[1].split("\n\n")
        at = rnd.randint(0, len(parts))
        parts.insert(at, piece)
        d[1] = "\n\n".join(parts)

    for b in bench:
        if b["kind"] == "whole":
            plant(b["text"])
        elif b["kind"] == "excerpt":
            w = b["text"].split()
            k = max(1, round(a.frac * len(w)))
            st = rnd.randint(0, len(w) - k)
            plant(" ".join(w[st:st + k]))
    for q in qa:
        if q["kind"] == "both":
            plant(q["question"] + " The answer: " + q["answer"] + ".")
        elif q["kind"] == "question":
            plant(q["question"])
    os.makedirs(a.out, exist_ok=True)
    ndcommon.write_jsonl(os.path.join(a.out, "bench.jsonl"), bench)
    ndcommon.write_jsonl(os.path.join(a.out, "qa.jsonl"), qa)
    ndcommon.write_jsonl(os.path.join(a.out, "corpus.jsonl"), ({"id": i, "text": x} for i, x in texts))
    meta = {"seed": a.seed, "frac": a.frac, "corpus_docs": len(texts), "items": len(bench), "qa": len(qa),
            "left_out_already_in_corpus": len(seen)}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
