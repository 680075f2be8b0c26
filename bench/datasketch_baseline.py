#!/usr/bin/python3
"""The datasketch MinHash algorithm in Python + numpy: the issue-5 speed baseline.

Why: issue 5 gives neardup's sketching speed as a ratio to the datasketch MinHash algorithm, the
tool most data engineers reach for. datasketch itself cannot be installed here (no PyPI), so this
script reproduces its arithmetic exactly, after datasketch/minhash.py and datasketch/hashfunc.py
(ekzhu/datasketch):

  sha1_hash32(b) = first 4 bytes of SHA-1(b) as a little-endian uint32
  permutations   = np.random.RandomState(seed=1); for each of num_perm=128:
                   a = gen.randint(1, 2**61-1, dtype=uint64), b = gen.randint(0, 2**61-1, ...)
  update(b)      : phv = ((a * hv + b) % (2**61-1)) & (2**32-1)   (numpy uint64, wrapping
                   multiply as in datasketch); hashvalues = minimum(phv, hashvalues)
  update_batch   : the same over a (n_shingles, 1) column, min over axis 0
  initial values : 2**32-1

Shingles are word 5-grams joined with spaces and UTF-8 encoded, as a datasketch user writes it,
with words from the bench tokenizer (NFKC + case fold, runs of letters and digits); tokenizing
and shingling are timed as part of the work, and reported separately too.

Styles measured (single thread, per core):
  reuse  one MinHash object, cleared per document (permutations generated once)
  new    MinHash(num_perm=128) per document as users write it (permutations regenerated: 256
         RandomState.randint calls per document)
each with update = single (m.update(s) per shingle, the README idiom) or batch (m.update_batch).
Reports MB/s of text (UTF-8 bytes of the "text" fields) and documents/s, as Markdown (CSV with
--csv). Skips (exit 0) when the corpus is absent.
"""

import argparse
import hashlib
import os
import struct
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402

_mersenne_prime = np.uint64((1 << 61) - 1)
_max_hash = np.uint64((1 << 32) - 1)


def sha1_hash32(data):
    """datasketch.hashfunc.sha1_hash32"""
    return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


class MinHash:
    """The arithmetic of datasketch.MinHash (CPU path), nothing more."""

    def __init__(self, num_perm=128, seed=1, hashfunc=sha1_hash32, permutations=None):
        self.seed = seed
        self.hashfunc = hashfunc
        self.hashvalues = np.ones(num_perm, dtype=np.uint64) * _max_hash
        if permutations is None:
            gen = np.random.RandomState(self.seed)
            permutations = np.array(
                [(gen.randint(1, _mersenne_prime, dtype=np.uint64),
                  gen.randint(0, _mersenne_prime, dtype=np.uint64)) for _ in range(num_perm)],
                dtype=np.uint64).T
        self.permutations = permutations

    def update(self, b):
        hv = self.hashfunc(b)
        a, b = self.permutations
        phv = np.bitwise_and((a * hv + b) % _mersenne_prime, _max_hash)
        self.hashvalues = np.minimum(phv, self.hashvalues)

    def update_batch(self, bs):
        hv_list = [self.hashfunc(_b) for _b in bs]
        if not hv_list:
            return
        a, b = self.permutations
        hv = np.array(hv_list, dtype=np.uint64).reshape(-1, 1)
        phv = ((hv * a + b) % _mersenne_prime) & _max_hash
        self.hashvalues = np.minimum(self.hashvalues, phv.min(axis=0))

    def clear(self):
        self.hashvalues = np.ones(len(self.hashvalues), dtype=np.uint64) * _max_hash

    def digest(self):
        return self.hashvalues.copy()

    def jaccard(self, other):
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self.hashvalues)


def shingle_strings(text, n):
    toks = nc.words(text)
    if len(toks) < n:
        return [" ".join(toks).encode("utf-8")] if toks else []
    return [" ".join(toks[i:i + n]).encode("utf-8") for i in range(len(toks) - n + 1)]


def run(texts, style, update, num_perm, n):
    """Sketch every text; returns (seconds, signatures)."""
    sigs = []
    t0 = time.perf_counter()
    m = MinHash(num_perm=num_perm) if style == "reuse" else None
    for text in texts:
        sh = shingle_strings(text, n)
        if style == "reuse":
            m.clear()
        else:
            m = MinHash(num_perm=num_perm)
        if update == "single":
            for s in sh:
                m.update(s)
        else:
            m.update_batch(sh)
        sigs.append(m.digest())
    return time.perf_counter() - t0, sigs


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--corpus", default=nc.DEFAULT_CORPUS, help="news-40k JSONL (.zst ok)")
    ap.add_argument("--docs", type=int, default=2000,
                    help="first N documents of the corpus (0 = all)")
    ap.add_argument("--styles", default="reuse,new", help="reuse and/or new")
    ap.add_argument("--updates", default="single,batch", help="single and/or batch")
    ap.add_argument("-k", "--num-perm", type=int, default=128, help="permutations")
    ap.add_argument("-n", "--ngram", type=int, default=5, help="words per shingle")
    ap.add_argument("--seed", type=int, default=1,
                    help="unused by the measurement (datasketch's seed is 1); kept for symmetry")
    ap.add_argument("--csv", default=None, help="also write the table as CSV")
    return ap.parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    nc.require_corpus(a.corpus)
    texts = [d.get("text") or "" for d in nc.iter_jsonl(a.corpus, a.docs)]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    mb = nbytes / 1e6

    # tokenize + shingle alone (included in every style's time)
    t0 = time.perf_counter()
    nsh = sum(len(shingle_strings(t, a.ngram)) for t in texts)
    tok_s = time.perf_counter() - t0

    header = ["style", "update", "documents", "MB", "shingles", "seconds", "MB/s", "docs/s",
              "MB/s excl. tokenize"]
    rows, sigs_ref = [], None
    for style in [s for s in a.styles.split(",") if s]:
        for upd in [u for u in a.updates.split(",") if u]:
            secs, sigs = run(texts, style, upd, a.num_perm, a.ngram)
            if sigs_ref is None:
                sigs_ref = sigs
            elif not all(np.array_equal(x, y) for x, y in zip(sigs, sigs_ref)):
                print("error: %s/%s signatures differ from the first style" % (style, upd),
                      file=sys.stderr)
                return 1
            rows.append([style, upd, len(texts), "%.2f" % mb, nsh, "%.2f" % secs,
                         "%.2f" % (mb / secs), "%.0f" % (len(texts) / secs),
                         "%.2f" % (mb / max(1e-9, secs - tok_s))])
    print("datasketch MinHash arithmetic (sha1_hash32, (a*h+b) mod 2^61-1 & 2^32-1, %d "
          "permutations, seed 1) on word %d-grams of the first %d documents of %s; "
          "tokenize + shingle alone: %.2f s (%.1f MB/s)\n"
          % (a.num_perm, a.ngram, len(texts), os.path.basename(a.corpus), tok_s,
             mb / tok_s if tok_s else 0))
    print(nc.md_table(header, rows))
    if a.csv:
        nc.write_csv(a.csv, header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
