#!/usr/bin/python3
"""One wire story carried by --carriers outlets (issue 23: nothing may grow quadratically with a
cluster's size).  The story is a real Reuters article of news-40k (>= 300 words); each carrier,
an outlet (series) of its own dated a minute after the previous one, runs it with 2% of its words
substituted, after a lead and before a footer of 40 words drawn from the corpus' vocabulary.
One process of `overlap --series-field series --clusters` should align about one pair per
carrier (each with the story's representative), so time and memory grow linearly.
usage: bench/gen_viral.py --carriers 4000 > viral.jsonl"""

import argparse
import datetime
import json
import random
import sys

import ndcommon


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--carriers", type=int, default=4000)
    ap.add_argument("--corpus", default=ndcommon.DEFAULT_CORPUS)
    ap.add_argument("--seed", type=int, default=23)
    a = ap.parse_args()
    ndcommon.require_corpus(a.corpus)
    rnd = random.Random(a.seed)
    story, vocab = None, set()
    for i, r in enumerate(ndcommon.iter_jsonl(a.corpus, 3000)):
        words = r.get("text", "").split()
        vocab.update(w for w in words if w.isalpha())
        if story is None and "Reuter" in r.get("text", "") and len(words) >= 300:
            story = words
    vocab = sorted(vocab)
    t0 = datetime.datetime(1987, 3, 2, 9, 0)
    out = sys.stdout
    out.write(json.dumps({"id": "wire", "series": "Reuters wire", "date": t0.isoformat() + "Z",
                          "text": " ".join(story)}) + "\n")
    for c in range(a.carriers):
        body = [rnd.choice(vocab) if rnd.random() < 0.02 else w for w in story]
        lead = [rnd.choice(vocab) for _ in range(40)]
        footer = [rnd.choice(vocab) for _ in range(40)]
        out.write(json.dumps({"id": "carrier-%d" % c, "series": "outlet-%d" % c,
                              "date": (t0 + datetime.timedelta(minutes=c + 1)).isoformat() + "Z",
                              "text": " ".join(lead + body + footer)}) + "\n")


if __name__ == "__main__":
    main()
