#!/usr/bin/python3
"""gen_edited.py - a larger corpus from a real one: COPIES rounds of every
record, each copy with random word edits (replace / delete / insert about
RATE of its words), ids suffixed "~c<round>".  Round 0 is the input as is.
Deterministic for a given --seed.  Reads JSONL (optionally .zst via zstd -dc);
writes JSONL to stdout.

usage: gen_edited.py INPUT.jsonl[.zst] COPIES [--rate 0.05] [--seed 1] [--limit N]
"""
import json
import random
import subprocess
import sys


def records(path, limit):
    if path.endswith(".zst"):
        p = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE)
        src = p.stdout
    else:
        src = open(path, "rb")
    n = 0
    for line in src:
        if not line.strip():
            continue
        yield json.loads(line)
        n += 1
        if limit and n >= limit:
            break


def edit(words, rate, rng, vocab):
    out = []
    for w in words:
        r = rng.random()
        if r < rate / 3:
            continue                      # delete
        if r < 2 * rate / 3:
            out.append(rng.choice(vocab))  # replace
            continue
        out.append(w)
        if r < rate:
            out.append(rng.choice(vocab))  # insert
    return out


def main():
    a = sys.argv[1:]
    if len(a) < 2:
        sys.exit(__doc__)
    path, copies = a[0], int(a[1])
    rate, seed, limit = 0.05, 1, 0
    i = 2
    while i < len(a):
        if a[i] == "--rate": rate = float(a[i + 1])
        elif a[i] == "--seed": seed = int(a[i + 1])
        elif a[i] == "--limit": limit = int(a[i + 1])
        else: sys.exit("unknown option " + a[i])
        i += 2
    recs = list(records(path, limit))
    rng = random.Random(seed)
    vocab = []
    for r in recs[:2000]:
        vocab.extend(r["text"].split()[:50])
    vocab = vocab or ["word"]
    out = sys.stdout
    for c in range(copies):
        for r in recs:
            if c == 0:
                o = r
            else:
                o = dict(r)
                o["id"] = "%s~c%d" % (r["id"], c)
                o["text"] = " ".join(edit(r["text"].split(), rate, rng, vocab))
            out.write(json.dumps(o, ensure_ascii=False) + "\n")


main()
