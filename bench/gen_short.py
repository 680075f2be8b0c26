#!/usr/bin/python3
"""gen_short.py - DOCS distinct JSONL documents of WORDS random words each (issue 19: per-document
fixed costs; `make bench` times dedup on 1-, 5- and 130-word documents).

usage: gen_short.py WORDS DOCS [--seed S] > out.jsonl

Words are drawn from a vocabulary of 200,000 made-up words (w0 ... w199999); document i's first word
is its own (u<i>), so no two documents are equal and none shares a shingle with another but by the
vocabulary's chance (5+ words)."""
import argparse
import random
import sys


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("words", type=int)
    ap.add_argument("docs", type=int)
    ap.add_argument("--seed", type=int, default=19)
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    out = sys.stdout
    buf = []
    for i in range(a.docs):
        words = ["u%d" % i] + ["w%d" % rng.randrange(200000) for _ in range(a.words - 1)]
        buf.append('{"id": "s%d", "text": "%s"}\n' % (i, " ".join(words)))
        if len(buf) >= 4096:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))
    return 0


if __name__ == "__main__":
    sys.exit(main())
