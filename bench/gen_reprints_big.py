#!/usr/bin/python3
"""A reprint corpus of a million documents and more (issue 23, scale): --docs documents made of
copies ("epochs") of one bench/gen_reprints.py corpus.

Why: gen_reprints.py uses every news-40k document once (its wire stories, leads and originals),
so it cannot reach a million documents by itself.  Each epoch here is the base corpus with every
word given a suffix of its own (epoch 7: "wheat" -> "wheatah"), ids prefixed and series renamed:
the epochs share no word, hence no anchor, and each is the base corpus' structure again (wire
stories carried by 2-110 outlets, footers, an outlet's repeats, originals), so the work should
grow linearly with --docs.  Epoch 0 is the base corpus unchanged.  The last epoch is cut to reach
--docs exactly.  Written to standard output (or --out); generated on the fly, never committed.

usage: bench/gen_reprints_big.py --docs 1000000 [--stories 1000 --outlets 600] > /tmp/big.jsonl
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORD = re.compile(r"(\w+)")


def suffix(e):
    """Letters of epoch e (1 -> "ab"): no other epoch's words can match."""
    s = ""
    e += 26  # at least two letters
    while e:
        s = chr(ord("a") + e % 26) + s
        e //= 26
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000000)
    ap.add_argument("--stories", type=int, default=1000)
    ap.add_argument("--outlets", type=int, default=600)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--corpus", default=None, help="passed to gen_reprints.py")
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nd_reprints_big.") as tmp:
        cmd = [sys.executable, os.path.join(HERE, "gen_reprints.py"), "--stories", str(a.stories),
               "--outlets", str(a.outlets), "--seed", str(a.seed), "--out", tmp]
        if a.corpus:
            cmd += ["--corpus", a.corpus]
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL)
        if r.returncode:
            sys.exit(r.returncode)
        if not os.path.exists(os.path.join(tmp, "corpus.jsonl")):  # gen_reprints.py skipped (and said why)
            print("gen_reprints_big: SKIPPED: no base corpus", file=sys.stderr)
            sys.exit(3)
        with open(os.path.join(tmp, "corpus.jsonl")) as f:
            base = [json.loads(l) for l in f]
    out = sys.stdout if a.out == "-" else open(a.out, "w")
    n, e = 0, 0
    while n < a.docs:
        sx = suffix(e) if e else ""
        for r in base:
            if n >= a.docs:
                break
            if e:
                r = dict(r, id="e%d-%s" % (e, r["id"]), series="%s #%d" % (r["series"], e),
                         text=WORD.sub(r"\g<1>" + sx, r["text"]))
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
        e += 1
    out.close()
    print("gen_reprints_big: %d documents, %d epochs of %d" % (n, e, len(base)), file=sys.stderr)


if __name__ == "__main__":
    main()
