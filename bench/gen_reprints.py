#!/usr/bin/python3
"""Reprint benchmark with ground truth (issue 23): wire stories carried by many outlets.

Why: `neardup overlap --clusters` must group every outlet that carried a wire story into one
cluster whose source is the wire story, without reporting an outlet's own footer or its own
repeats.  To score that, plant reprints of real Reuters stories (news-40k) in synthetic outlets:

- wire stories: --stories Reuters documents of >= 150 words (series "Reuters wire"), dated in
  the 6 months from 1987-03-01 (the Reuters-21578 era);
- outlets: --outlets series; each has its own footer (about 35 words: name, address, rights,
  subscription line, words of its own) appended to every one of its articles; a fifth of them
  belong to chains of 3 whose footers also carry the chain's notice (28 words, the same in all 3);
- carriers: most stories are carried by 2-12 outlets, 15% by 13-50, --viral of them (5%) by
  51-110 outlets (outlets drawn with Zipf-like weights, so outlet sizes vary from a few dozen
  articles to a few hundred); each reprint is dated 2 hours to 6 days after the wire;
- each reprint is cut (each sentence after the second dropped with p = 0.12; the story
  truncated to 55-100% of its sentences), lightly edited (--sub: 2% of words substituted by words of
  the corpus) and, half of the time, opened by a new lead paragraph of local text (25-50 words
  of a BBC article used nowhere else);
- originals: every outlet also runs 5-25 articles of its own (BBC articles, each used once);
- repeats: an outlet re-runs 5% of its articles (reprints and originals) 1-20 days later.

Every source document is used once, and a candidate is rejected when it shares a word 8-gram
with a document already chosen, so that the only reuse is the planted one (news-40k holds
identical Reuters bodies and quoted newsgroup replies).  Seeded, deterministic.

Layout (in --out, default build/reprints):
  corpus.jsonl  {"id", "date", "series", "text"}
  truth.jsonl   {"id", "series", "kind": wire|reprint|original|repeat, "story": wire id or
                 null, "footer_start": byte offset of the outlet's footer (null for wire)}
  meta.json     parameters and counts
Run:  neardup overlap corpus.jsonl --date-field date --series-field series --clusters C.jsonl
Score: bench/eval_clusters.py --truth truth.jsonl --clusters C.jsonl
"""

import argparse
import collections
import datetime
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon  # noqa: E402

SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
GUARD = 8


def sentences(text):
    return [s.strip() for s in SENT_RE.split(" ".join(text.split())) if s.strip()]


class Guard:
    """Word 8-grams of the texts chosen so far: a new text sharing one is rejected."""

    def __init__(self):
        self.seen = set()

    def grams(self, text):
        toks = ndcommon.words(text)
        return {hash(g) for g in zip(*(toks[i:] for i in range(GUARD)))}

    def take(self, text):
        g = self.grams(text)
        if g & self.seen:
            return False
        self.seen |= g
        return True


def footer(rng, name, vocab):
    town = " ".join(vocab.draw(rng).capitalize() for _ in range(2))
    own = " ".join(vocab.draw(rng) for _ in range(rng.randint(8, 14)))
    return (f"{name}, {rng.randint(10, 999)} {town} Street, {town}. Copyright 1987 {name}. All rights "
            f"reserved. To subscribe call {rng.randint(200, 999)}-{rng.randint(1000, 9999)} or write to "
            f"the {name} circulation desk. {own.capitalize()}.")


def reprint_text(rng, story, lead, vocab, sub):
    sents = sentences(story)
    keep = max(3, int(round(len(sents) * rng.uniform(0.55, 1.0))))
    sents = sents[:keep]
    sents = sents[:2] + [s for s in sents[2:] if rng.random() >= 0.12]
    body = " ".join(sents)
    body, _ = ndcommon.edit_text(body, sub, rng, vocab, mix=(1.0, 0.0, 0.0))
    return (lead + "\n\n" + body) if lead else body


def stamp(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=ndcommon.DEFAULT_CORPUS)
    ap.add_argument("--out", default=os.path.join(ndcommon.REPO_DIR, "build", "reprints"))
    ap.add_argument("--stories", type=int, default=400)
    ap.add_argument("--outlets", type=int, default=150)
    ap.add_argument("--viral", type=float, default=0.05, help="fraction of stories carried by 51-110 outlets")
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--sub", type=float, default=0.02, help="fraction of a reprint's words substituted")
    a = ap.parse_args()
    ndcommon.require_corpus(a.corpus)
    rng = random.Random(a.seed)
    reuters, bbc, counts = [], [], collections.Counter()
    for r in ndcommon.iter_jsonl(a.corpus):
        if r.get("source") == "reuters21578" and len(r["text"].split()) >= 150:
            reuters.append(r)
        elif r.get("source") == "bbc_news":
            bbc.append(r)
        if r.get("source") != "20newsgroups":
            counts.update(ndcommon.words(r["text"])[:200])
    vocab = ndcommon.Vocab({w: c for w, c in counts.items() if c >= 3 and w.isalpha()})
    rng.shuffle(reuters)
    rng.shuffle(bbc)
    guard = Guard()
    stories = []
    for r in reuters:
        if len(stories) == a.stories:
            break
        if len(sentences(r["text"])) >= 5 and guard.take(r["text"]):
            stories.append(r)
    originals_pool, leads = [], []
    half = len(bbc) // 2
    for r in bbc[:half]:
        if guard.take(r["text"]):
            originals_pool.append(r["text"])
    for r in bbc[half:]:
        sents = sentences(r["text"])[1:]  # not the title line
        chunk = []
        for s in sents:
            chunk.append(s)
            n = sum(len(c.split()) for c in chunk)
            if n >= 25:
                text = " ".join(chunk)
                if n <= 60 and guard.take(text):
                    leads.append(text)
                chunk = []
    # outlet names as papers have them: a town (a word of the corpus of 5+ letters) and a title,
    # no two alike; the footers share their template ("All rights reserved. To subscribe call")
    names, seen = [], set()
    while len(names) < a.outlets:
        town = vocab.draw(rng)
        if len(town) < 5:
            continue
        name = f"The {town.capitalize()} {rng.choice(['Gazette', 'Herald', 'Courier', 'Tribune', 'Post', 'Times', 'Ledger', 'Star', 'Journal', 'Bulletin'])}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    outlets = [f"outlet-{i:03d}" for i in range(a.outlets)]
    footers = {o: footer(rng, names[i], vocab) for i, o in enumerate(outlets)}
    # newspaper chains: 3 outlets each (a fifth of the outlets) add the chain's own notice to their
    # footer, the same words in all three: boilerplate shared across series
    for c in range(a.outlets // 15):
        notice = (f"{names[3 * c].split()[1]} Newspapers Group. " +
                  " ".join(vocab.draw(rng) for _ in range(25)).capitalize() + ".")
        for o in outlets[3 * c:3 * c + 3]:
            footers[o] += " " + notice
    weights = [1.0 / (i + 1) ** 0.5 for i in range(a.outlets)]
    base = datetime.datetime(1987, 3, 1, 6, 0, 0)
    docs, truth = [], []
    articles = collections.defaultdict(list)  # outlet -> (date, text, story)
    nviral = int(round(a.stories * a.viral))
    lead_i = 0
    for si, st in enumerate(stories):
        wid = "wire-" + st["id"]
        wdate = base + datetime.timedelta(days=rng.randint(0, 180), minutes=rng.randint(0, 600))
        docs.append({"id": wid, "date": stamp(wdate), "series": "Reuters wire", "text": st["text"]})
        truth.append({"id": wid, "series": "Reuters wire", "kind": "wire", "story": wid, "footer_start": None})
        if si < nviral:
            k = rng.randint(51, min(110, a.outlets))
        elif rng.random() < 0.15:
            k = rng.randint(13, 50)
        else:
            k = rng.randint(2, 12)
        carriers = set()
        while len(carriers) < k:
            carriers.add(rng.choices(range(a.outlets), weights)[0])
        for o in sorted(carriers):
            lead = ""
            if rng.random() < 0.5 and lead_i < len(leads):
                lead, lead_i = leads[lead_i], lead_i + 1
            d = wdate + datetime.timedelta(minutes=rng.randint(120, 6 * 24 * 60))
            articles[outlets[o]].append((d, reprint_text(rng, st["text"], lead, vocab, a.sub), wid))
    orig_i = 0
    for o in outlets:
        for _ in range(rng.randint(5, 25)):
            if orig_i == len(originals_pool):
                break
            d = base + datetime.timedelta(days=rng.randint(0, 186), minutes=rng.randint(0, 1400))
            articles[o].append((d, originals_pool[orig_i], None))
            orig_i += 1
    kinds = collections.Counter()
    for o in outlets:
        arts = sorted(articles[o], key=lambda x: (x[0], x[1]))
        reruns = [x for x in arts if rng.random() < 0.05]
        items = [(d, t, s, "reprint" if s else "original") for d, t, s in arts]
        items += [(d + datetime.timedelta(days=rng.randint(1, 20)), t, s, "repeat") for d, t, s in reruns]
        for i, (d, t, s, kind) in enumerate(items):
            did = f"{o}-{i:04d}"
            text = t + "\n\n"
            fstart = len(text.encode("utf-8"))
            text += footers[o]
            docs.append({"id": did, "date": stamp(d), "series": o, "text": text})
            truth.append({"id": did, "series": o, "kind": kind, "story": s, "footer_start": fstart})
            kinds[kind] += 1
    order = list(range(len(docs)))
    rng.shuffle(order)  # input order says nothing of dates
    os.makedirs(a.out, exist_ok=True)
    ndcommon.write_jsonl(os.path.join(a.out, "corpus.jsonl"), (docs[i] for i in order))
    ndcommon.write_jsonl(os.path.join(a.out, "truth.jsonl"), (truth[i] for i in order))
    carried = collections.Counter(t["story"] for t in truth if t["story"] and t["kind"] != "wire")
    meta = {"seed": a.seed, "sub": a.sub, "stories": len(stories), "outlets": a.outlets, "documents": len(docs),
            "kinds": dict(kinds), "viral_stories": sum(1 for s in carried if len({
                t["series"] for t in truth if t["story"] == s and t["kind"] != "wire"}) > 50),
            "max_carriers": max(carried.values()), "leads_used": lead_i, "originals_used": orig_i}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
