#!/usr/bin/python3
"""Copied-passage benchmark with byte-exact ground truth (issue 4 quality benchmark).

Why: `neardup overlap` / `align` must find passages shared by otherwise different documents and
report their byte ranges in both. To score that with the PAN text-alignment measures
(bench/pan_eval.py) we need cases whose ranges are known: take a real "suspicious" document from
news-40k, copy a passage of 20-300 words (uniform) out of another real "source" document, obfuscate
it according to the level, and insert it into the suspicious document at a sentence boundary.

Levels (each its own pair of files, --cases cases each):
  verbatim   the passage as is
  edit05     5% of its words edited (random substitution / insertion / deletion, --mix)
  edit10     10%
  edit20     20%
  reorder    its sentences shuffled (passages with >= 2 sentences; order always changed)
  none       suspicious and source document share nothing (no case; any detection is false)

Every document is used once, and a candidate document is rejected when it shares any word 8-gram
(--guard-ngram) with a document already chosen, so that the only shared passages are the planted
ones (news-40k holds identical Reuters bodies and quoted newsgroup replies).

Layout (in --out, default build/passages):
  <level>/susp.jsonl  {"id": "susp-<level>-<i>", "text", "orig_id"}
  <level>/src.jsonl   {"id": "src-<level>-<i>", "text", "orig_id"}
  truth.jsonl         one case per line: {"level", "case", "susp", "src", "susp_start",
                      "susp_end", "src_start", "src_end", "words", "edits"}; offsets are [start,
                      end) byte offsets into the UTF-8 bytes of the "text" fields (as neardup
                      reports them); for level none the line has "susp" and "src" but no offsets.
  meta.json           parameters and counts.
Run neardup per level as:  neardup overlap <level>/susp.jsonl --against <level>/src.jsonl
"""

import argparse
import collections
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402

LEVELS = ("verbatim", "edit05", "edit10", "edit20", "reorder", "none")
EDIT_FRAC = {"edit05": 0.05, "edit10": 0.10, "edit20": 0.20}
SENT_END = re.compile(r"[.!?][\"')\]]*$")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--corpus", default=nc.DEFAULT_CORPUS, help="news-40k JSONL (.zst ok)")
    ap.add_argument("--out", default=os.path.join(nc.REPO_DIR, "build", "passages"),
                    help="output directory")
    ap.add_argument("--cases", type=int, default=200, help="cases (document pairs) per level")
    ap.add_argument("--small", action="store_true", help="30 cases per level")
    ap.add_argument("--levels", default=",".join(LEVELS), help="comma-separated levels")
    ap.add_argument("--min-words", type=int, default=20, help="shortest copied passage (words)")
    ap.add_argument("--max-words", type=int, default=300, help="longest copied passage (words)")
    ap.add_argument("--host-min-words", type=int, default=50,
                    help="shortest suspicious (host) document")
    ap.add_argument("--host-max-words", type=int, default=3000,
                    help="longest suspicious (host) document")
    ap.add_argument("--mix", default="1:1:1", help="edit weights substitution:insertion:deletion")
    ap.add_argument("--vocab", choices=("freq", "uniform"), default="freq",
                    help="how edit words are drawn from the corpus vocabulary")
    ap.add_argument("--guard-ngram", type=int, default=8,
                    help="reject documents sharing a word n-gram of this size with chosen ones")
    ap.add_argument("--seed", type=int, default=1, help="random seed")
    a = ap.parse_args(argv)
    if a.small:
        a.cases = 30
    a.levels_l = [x for x in a.levels.split(",") if x]
    for lv in a.levels_l:
        if lv not in LEVELS:
            ap.error("unknown level %r (known: %s)" % (lv, ", ".join(LEVELS)))
    a.mix_w = nc.parse_mix(a.mix)
    return a


def split_sentences(units):
    """Group units (word + trailing space) into sentences; returns a list of unit lists."""
    sents, cur = [], []
    for u in units:
        cur.append(u)
        if SENT_END.search(u.rstrip()):
            sents.append(cur)
            cur = []
    if cur:
        sents.append(cur)
    return sents


def reorder(passage_units, rng):
    """Shuffle the passage's sentences (order guaranteed to change). None if < 2 sentences."""
    sents = split_sentences(passage_units)
    if len(sents) < 2:
        return None
    order = list(range(len(sents)))
    while order == sorted(order):
        rng.shuffle(order)
    parts = ["".join(sents[i]).strip() for i in order]
    return " ".join(parts)


class Picker:
    """Draws unused documents that share no guard n-gram with documents drawn before."""

    def __init__(self, docs, a, rng):
        self.docs, self.a, self.rng = docs, a, rng
        self.order = list(range(len(docs)))
        rng.shuffle(self.order)
        self.pos = 0
        self.index = set()
        self.rejected = 0

    def grams(self, toks):
        n = self.a.guard_ngram
        return set(zip(*(toks[i:] for i in range(n)))) if len(toks) >= n else set()

    def take(self, min_units, max_units=10 ** 9):
        while self.pos < len(self.order):
            d = self.docs[self.order[self.pos]]
            self.pos += 1
            nu = len(nc.UNIT_RE.findall(d["text"]))
            if not (min_units <= nu <= max_units):
                continue
            toks = nc.words(d["text"])
            if len(toks) < self.a.min_words:
                continue
            g = self.grams(toks)
            if not g.isdisjoint(self.index):
                self.rejected += 1
                continue
            self.index |= g
            return d
        raise SystemExit("error: ran out of documents; lower --cases")


def make_case(level, i, a, rng, picker, vocab):
    """One (susp, src, truth) triple for a level."""
    sid, rid = "susp-%s-%d" % (level, i), "src-%s-%d" % (level, i)
    host = picker.take(a.host_min_words, a.host_max_words)
    if level == "none":
        src = picker.take(a.min_words)
        return ({"id": sid, "text": host["text"], "orig_id": host["id"]},
                {"id": rid, "text": src["text"], "orig_id": src["id"]},
                {"level": level, "case": i, "susp": sid, "src": rid})
    for _attempt in range(50):
        L = rng.randint(a.min_words, a.max_words)
        src = picker.take(L)
        lead, us = nc.units(src["text"])
        # try a few start positions for a passage that suits the level
        for _try in range(20):
            s = rng.randrange(0, len(us) - L + 1)
            pu = us[s:s + L]
            if len(nc.words("".join(pu))) < a.min_words:
                continue
            if level == "reorder":
                text = reorder(pu, rng)
                if text is None:
                    continue
                edits = None
            elif level in EDIT_FRAC:
                text, edits = nc.edit_text("".join(pu).rstrip(), EDIT_FRAC[level], rng, vocab,
                                           a.mix_w)
            else:
                text, edits = "".join(pu).rstrip(), None
            break
        else:
            continue  # this source does not suit (e.g. no two sentences): draw another
        # source byte range: first unit start .. last unit end without its trailing space
        pre = lead + "".join(us[:s])
        src_start = len(pre.encode("utf-8"))
        src_end = src_start + len("".join(pu).rstrip().encode("utf-8"))
        # insertion point in the host: a unit start after a sentence end (else any unit start)
        hlead, hus = nc.units(host["text"])
        cands = [j for j in range(1, len(hus)) if SENT_END.search(hus[j - 1].rstrip())]
        if not cands:
            cands = list(range(len(hus) + 1))
        j = rng.choice(cands)
        hpre = hlead + "".join(hus[:j])
        if hpre and not hpre[-1].isspace():
            hpre += " "
        ins = text + ("\n" if j < len(hus) else "")
        susp_text = hpre + ins + "".join(hus[j:])
        susp_start = len(hpre.encode("utf-8"))
        susp_end = susp_start + len(text.encode("utf-8"))
        truth = {"level": level, "case": i, "susp": sid, "src": rid,
                 "susp_start": susp_start, "susp_end": susp_end,
                 "src_start": src_start, "src_end": src_end,
                 "words": len(nc.words(text)), "src_words": len(nc.words("".join(pu))),
                 "edits": edits}
        # self-check of the ranges
        sb, tb = susp_text.encode("utf-8"), src["text"].encode("utf-8")
        assert sb[susp_start:susp_end].decode("utf-8") == text
        assert tb[src_start:src_end].decode("utf-8") == "".join(pu).rstrip()
        return ({"id": sid, "text": susp_text, "orig_id": host["id"]},
                {"id": rid, "text": src["text"], "orig_id": src["id"]}, truth)
    raise SystemExit("error: could not build a %s case" % level)


def generate(a, log=lambda s: print(s, file=sys.stderr)):
    nc.require_corpus(a.corpus)
    t0 = time.time()
    rng = nc.new_rng(a.seed)
    docs = [{"id": d.get("id"), "text": d.get("text") or ""} for d in nc.iter_jsonl(a.corpus)]
    counts = collections.Counter()
    for i in rng.sample(range(len(docs)), min(5000, len(docs))):
        counts.update(nc.words(docs[i]["text"]))
    vocab = nc.Vocab(counts, a.vocab)
    picker = Picker(docs, a, rng)
    truth_all, per_level = [], {}
    for level in a.levels_l:
        susp, src = [], []
        for i in range(a.cases):
            s, r, t = make_case(level, i, a, rng, picker, vocab)
            susp.append(s)
            src.append(r)
            truth_all.append(t)
        d = os.path.join(a.out, level)
        nc.write_jsonl(os.path.join(d, "susp.jsonl"), susp)
        nc.write_jsonl(os.path.join(d, "src.jsonl"), src)
        ws = [t["words"] for t in truth_all if t["level"] == level and "words" in t]
        per_level[level] = {"cases": len(susp),
                            "passage_words_mean": round(sum(ws) / len(ws), 1) if ws else 0}
    nc.write_jsonl(os.path.join(a.out, "truth.jsonl"), truth_all)
    meta = {"generator": "bench/gen_passages.py",
            "params": {"corpus": os.path.basename(a.corpus), "cases": a.cases,
                       "levels": a.levels_l, "min_words": a.min_words,
                       "max_words": a.max_words, "mix_sub_ins_del": a.mix_w, "vocab": a.vocab,
                       "guard_ngram": a.guard_ngram, "seed": a.seed},
            "levels": per_level, "documents_rejected_by_guard": picker.rejected,
            "seconds": round(time.time() - t0, 2)}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    log("wrote %d levels x %d cases to %s in %.1f s (%d candidate documents rejected by the "
        "%d-gram guard)" % (len(a.levels_l), a.cases, a.out, time.time() - t0,
                            picker.rejected, a.guard_ngram))
    return meta


def main(argv=None):
    generate(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
