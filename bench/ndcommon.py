"""Shared helpers for the bench/ scripts (standard library only).

- locating the real corpus (../shared/corpora/news-40k.jsonl.zst) and skipping cleanly when it
  is absent;
- reading JSONL corpora (.jsonl, .jsonl.gz, .jsonl.zst through a `zstd -dc` subprocess);
- a tokenizer that approximates neardup's (NFKC + case fold, words = runs of Unicode letters and
  digits), used for every ground truth in bench/;
- word n-gram shingle sets and exact Jaccard;
- the random word edits (substitution / insertion / deletion) used by the generators.

Everything here is deterministic given a random.Random instance.
"""

import bisect
import gzip
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import unicodedata

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
DEFAULT_CORPUS = os.path.normpath(os.path.join(REPO_DIR, "..", "shared", "corpora",
                                               "news-40k.jsonl.zst"))

WORD_RE = re.compile(r"[^\W_]+")
# A "unit" is a whitespace-delimited chunk with its trailing whitespace: the granularity at which
# the generators edit text, so that untouched text keeps its original bytes.
UNIT_RE = re.compile(r"\S+\s*")


def skip(msg):
    """Print 'SKIP: msg' and exit 0 (used when the real corpus or a tool is absent)."""
    print("SKIP: " + msg)
    sys.exit(0)


def require_corpus(path):
    if not os.path.exists(path):
        skip("corpus not found at %s (see ../shared/corpora/README.md)" % path)
    if path.endswith(".zst") and shutil.which("zstd") is None:
        skip("`zstd` not installed; cannot read %s" % path)


def default_binary():
    """The neardup binary: $NEARDUP, else the first of build/neardup, build/bench/neardup."""
    env = os.environ.get("NEARDUP")
    if env:
        return env
    for rel in ("build/neardup", "build/bench/neardup"):
        p = os.path.join(REPO_DIR, rel)
        if os.path.exists(p):
            return p
    return os.path.join(REPO_DIR, "build", "neardup")


def open_text(path):
    """Open a (possibly .gz / .zst compressed) text file for reading as UTF-8 lines."""
    if path.endswith(".zst"):
        proc = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE)
        return io.TextIOWrapper(proc.stdout, encoding="utf-8"), proc
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8"), None
    return open(path, encoding="utf-8"), None


def iter_jsonl(path, limit=0):
    """Yield the JSON objects of a JSONL file; at most `limit` when limit > 0."""
    f, proc = open_text(path)
    n = 0
    try:
        for line in f:
            if not line.strip():
                continue
            yield json.loads(line)
            n += 1
            if limit and n >= limit:
                break
    finally:
        if proc is not None:
            proc.stdout.close()
            proc.kill()
            proc.wait()
        else:
            f.close()


def write_jsonl(path, records):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=False))
            f.write("\n")


def normalise(text):
    """NFKC + case fold (ASCII fast path: casefold == lower)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold()


def words(text):
    """Tokens as neardup approximately sees them: runs of letters/digits after NFKC + case fold."""
    return WORD_RE.findall(normalise(text))


def shingles(toks, n=5):
    """Set of word n-grams (tuples). A non-empty document shorter than n is one shingle."""
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return set(zip(*(toks[i:] for i in range(n))))


def jaccard(a, b):
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class Vocab:
    """Words to draw substitutions and insertions from: uniform or frequency-weighted."""

    def __init__(self, counts, mode="freq"):
        items = sorted(counts.items())          # sorted: deterministic order
        self.words = [w for w, _ in items]
        self.mode = mode
        cum, total = [], 0
        for _, c in items:
            total += c
            cum.append(total)
        self.cum, self.total = cum, total

    def draw(self, rng):
        if self.mode == "uniform":
            return self.words[rng.randrange(len(self.words))]
        x = rng.randrange(self.total)
        return self.words[bisect.bisect_right(self.cum, x)]


def units(text):
    """(leading whitespace, [unit, ...]) with ''.join == text."""
    m = re.match(r"\s*", text)
    lead = m.group(0)
    return lead, UNIT_RE.findall(text, m.end())


def _substitute(unit, word):
    m = WORD_RE.search(unit)
    if m is None:
        core = unit.rstrip()
        return word + unit[len(core):]
    return unit[:m.start()] + word + unit[m.end():]


def edit_text(text, frac, rng, vocab, mix=(1.0, 1.0, 1.0)):
    """Apply round(frac * units) random word edits at distinct positions.

    mix = relative weights of (substitution, insertion, deletion). A substitution replaces the
    first word inside a unit (keeping its punctuation) by a different vocabulary word; an insertion
    puts a vocabulary word before the unit; a deletion drops the unit. Returns (new_text, counts).
    """
    lead, us = units(text)
    n = len(us)
    m = int(round(frac * n))
    counts = {"sub": 0, "ins": 0, "del": 0}
    if m == 0 or n == 0:
        return text, counts
    m = min(m, n)
    pos = set(rng.sample(range(n), m))
    ops = ("sub", "ins", "del")
    out = [lead]
    for i, u in enumerate(us):
        if i not in pos:
            out.append(u)
            continue
        op = rng.choices(ops, weights=mix)[0]
        counts[op] += 1
        if op == "sub":
            w = vocab.draw(rng)
            for _ in range(10):
                if w not in normalise(u):
                    break
                w = vocab.draw(rng)
            out.append(_substitute(u, w))
        elif op == "ins":
            out.append(vocab.draw(rng) + " ")
            out.append(u)
        # deletion: drop the unit; every unit but the last carries its own trailing whitespace,
        # so the neighbours never glue together.
    new = "".join(out)
    return new, counts


def parse_mix(s):
    """'sub:ins:del' weights, e.g. '1:1:1' or '2:1:1'."""
    parts = [float(x) for x in s.split(":")]
    if len(parts) != 3 or any(p < 0 for p in parts) or sum(parts) <= 0:
        raise ValueError("--mix wants three non-negative weights sub:ins:del, e.g. 1:1:1")
    return tuple(parts)


def md_table(header, rows):
    """A Markdown table from a header list and rows of already formatted cells."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def write_csv(path, header, rows):
    import csv
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow(r)


def new_rng(seed):
    return random.Random(seed)
