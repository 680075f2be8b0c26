#!/usr/bin/python3
"""PAN 2013 text alignment with `neardup align --pairs` (issue 20): `make bench-pan`.

The corpus (../shared/corpora/pan13-train.tar.zst, read its README) is unpacked at run time into
a temporary folder that is removed at the end: 5,185 suspicious/source document pairs in five
subsets (01-no-plagiarism ... 05-summary-obfuscation), each pair with a truth file
SUSP-SRC.xml whose <feature name="plagiarism" this_offset this_length source_offset
source_length> cases count code points of the UTF-8 texts.

Detections: all 5,185 pairs go to ONE `neardup align --pairs PAIRS.tsv --format jsonl` process
(ids are the files' paths), and every passage it reports is a detection (suspicious range =
the `a` side, source range = the `b` side), its byte offsets converted to code points. A binary
without `align --pairs` (an older main) is run once per pair instead (`align A B`).

Measures: those of bench/pan_eval.py (Potthast et al., COLING 2010; macro precision and recall on
characters, granularity, plagdet = F1 / log2(1 + granularity)). As in the PAN 2013 evaluation, a
subset's figures are computed over the cases and detections of all its pairs together, and the
`overall` row over all five subsets together (so detections in 01-no-plagiarism cost precision
there). 01 has no case: its row gives the detections (target: in at most 1% of its pairs).

Source retrieval (issue 20 part 5, measured only): every suspicious and source document in one
`neardup overlap susp src` run; the fraction of the plagiarism pairs of each subset that it
lists (target later: >= 0.98 of 02-04), and how many other pairs it lists.

--check exits 1 unless the issue's plagdet targets hold (overall >= 0.90, none >= 0.97,
random >= 0.88, translation >= 0.88, summary >= 0.60). --self-test checks this harness on
hand-made data (no corpus needed). Exit status: 0 (or SKIP when the corpus is absent), 1 when
--check fails or the self-test fails, 2 on errors.
"""

import argparse
import concurrent.futures
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402
import pan_eval  # noqa: E402

DEFAULT_CORPUS = os.path.normpath(os.path.join(nc.REPO_DIR, "..", "shared", "corpora",
                                               "pan13-train.tar.zst"))
SUBSETS = [("01-no-plagiarism", "no plagiarism"), ("02-no-obfuscation", "no obfuscation"),
           ("03-random-obfuscation", "random"), ("04-translation-obfuscation", "translation"),
           ("05-summary-obfuscation", "summary")]
# Published plagdet on the PAN 2013 text alignment task, for comparison (the best of each row).
PUBLISHED = {
    "02-no-obfuscation": "0.926 (Rodriguez Torrejon & Martin Ramos 2013)",
    "03-random-obfuscation": "0.884 (Sanchez-Perez, Sidorov & Gelbukh 2014)",
    "04-translation-obfuscation": "0.887 (Sanchez-Perez, Sidorov & Gelbukh 2014)",
    "05-summary-obfuscation": "0.610 (Suchomel et al. 2013)",
    "overall": "0.878 (Sanchez-Perez et al. 2014); PAN 2013 winner 0.822; baseline 0.422",
}
TARGETS = "overall=0.90,02-no-obfuscation=0.97,03-random-obfuscation=0.88," \
          "04-translation-obfuscation=0.88,05-summary-obfuscation=0.60"
SHORT = {"none": "02-no-obfuscation", "random": "03-random-obfuscation",
         "translation": "04-translation-obfuscation", "summary": "05-summary-obfuscation"}


# ---------------------------------------------------------------- corpus

def read_truth(path):
    """The plagiarism cases of one truth file: [(this_offset, this_len, src_name, src_offset,
    src_len)] in code points."""
    cases = []
    for f in ET.parse(path).getroot().iter("feature"):
        if f.get("name") != "plagiarism":
            continue
        cases.append((int(f.get("this_offset")), int(f.get("this_length")),
                      f.get("source_reference"), int(f.get("source_offset")),
                      int(f.get("source_length"))))
    return cases


def load_corpus(root, subsets=None, required=True):
    """[(subset, susp_path, src_path, cases)] in the order of each subset's `pairs` file; paths
    relative to root (susp/NAME, src/NAME), case offsets in code points.  required=False: a
    subset folder that is absent is left out (the self-test's miniature corpus)."""
    pairs = []
    for sub, _ in SUBSETS:
        if subsets and sub not in subsets:
            continue
        d = os.path.join(root, sub)
        if not required and not os.path.isdir(d):
            continue
        with open(os.path.join(d, "pairs"), encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                if not line.strip():
                    continue
                parts = line.split()
                if len(parts) != 2:
                    raise SystemExit("error: %s/pairs:%d: expected SUSP SRC" % (d, ln))
                susp, src = parts
                xml = os.path.join(d, "%s-%s.xml" % (susp[:-4], src[:-4]))
                cases = []
                for (to, tl, sref, so, sl) in read_truth(xml):
                    if sref != src:
                        raise SystemExit("error: %s: a case of source %s, not %s" % (xml, sref, src))
                    cases.append(("susp/" + susp, to, to + tl, "src/" + src, so, so + sl))
                pairs.append((sub, "susp/" + susp, "src/" + src, cases))
    return pairs


class CodePoints:
    """Byte offset -> code point offset in a document (read as bytes: no newline translation)."""

    def __init__(self, root):
        self.root = root
        self.cache = {}

    def __call__(self, doc, off):
        b = self.cache.get(doc)
        if b is None:
            with open(os.path.join(self.root, doc), "rb") as f:
                b = self.cache[doc] = f.read()
        if b.isascii():
            return off
        # code points start at every byte that is not a continuation byte (10xxxxxx)
        return off - sum(1 for c in b[:off] if c & 0xC0 == 0x80)


# ---------------------------------------------------------------- running neardup

def has_pairs_mode(neardup):
    h = subprocess.run([neardup, "align", "--help"], capture_output=True, text=True).stdout
    return "--pairs" in h


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_batch(neardup, root, pairs, threads, extra, out_path):
    """One `align --pairs` process for every pair; returns (wall, cpu) seconds."""
    tsv = os.path.join(os.path.dirname(out_path), "pairs.tsv")
    with open(tsv, "w", encoding="utf-8") as f:
        f.write("a\tb\n")
        for (_, susp, src, _) in pairs:
            f.write("%s\t%s\n" % (susp, src))
    cmd = [neardup, "align", "--pairs", tsv, "--format", "jsonl", "-q", "-o", out_path]
    if threads:
        cmd += ["-j", str(threads)]
    cmd += extra
    c0, t0 = cpu_children(), time.time()
    p = subprocess.run(cmd, cwd=root, stderr=subprocess.PIPE)
    wall, cpu = time.time() - t0, cpu_children() - c0
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        raise SystemExit("error: %s exited with %d" % (" ".join(cmd), p.returncode))
    return wall, cpu


def run_per_pair(neardup, root, pairs, threads, extra, out_path):
    """`align A B` once per pair (binaries without --pairs), threads processes at a time."""
    def one(pr):
        cmd = [neardup, "align", pr[1], pr[2], "--format", "jsonl", "-q"] + extra
        p = subprocess.run(cmd, cwd=root, capture_output=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr.decode("utf-8", "replace"))
            raise SystemExit("error: %s exited with %d" % (" ".join(cmd), p.returncode))
        return p.stdout
    c0, t0 = cpu_children(), time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads or os.cpu_count()) as ex:
        outs = list(ex.map(one, pairs))
    wall, cpu = time.time() - t0, cpu_children() - c0
    with open(out_path, "wb") as f:
        for o in outs:
            f.write(o)
    return wall, cpu


def parse_passages(path):
    """Passages of align JSONL output, per-pair records ({"a","b","passages":[...]}) or
    per-passage records: [(a, a_start, a_end, b, b_start, b_end, record)] in bytes."""
    out = []
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                for p in rec["passages"] if "passages" in rec else [rec]:
                    out.append((rec["a"], p["a_start"], p["a_end"], rec["b"], p["b_start"],
                                p["b_end"], p))
            except (ValueError, KeyError, TypeError) as e:
                raise SystemExit("error: %s:%d: not an align record (%s)" % (path, ln, e))
    return out


def detections_by_subset(pairs, passages, cp):
    """Detections (code points) grouped by the subset of their pair."""
    subset_of = {(susp, src): sub for (sub, susp, src, _) in pairs}
    dets = {sub: [] for sub, _ in SUBSETS}
    for (a, a0, a1, b, b0, b1, _) in passages:
        sub = subset_of.get((a, b))
        if sub is None:
            raise SystemExit("error: neardup reported the pair %s %s, which was not asked for" % (a, b))
        dets[sub].append((a, cp(a, a0), cp(a, a1), b, cp(b, b0), cp(b, b1)))
    return dets


def score(pairs, dets):
    """{subset or "overall": measures} over the pooled cases and detections."""
    res, all_c, all_d = {}, [], []
    for sub, _ in SUBSETS:
        cases = [c for (s, _, _, cs) in pairs if s == sub for c in cs]
        d = dets.get(sub, [])
        if not any(s == sub for (s, _, _, _) in pairs):
            continue
        m = pan_eval.measures(cases, d)
        m["pairs"] = sum(1 for p in pairs if p[0] == sub)
        m["pairs_detected"] = len({(x[0], x[3]) for x in d})
        res[sub] = m
        all_c += cases
        all_d += d
    m = pan_eval.measures(all_c, all_d)
    m["pairs"] = len(pairs)
    m["pairs_detected"] = len({(x[0], x[3]) for x in all_d})
    res["overall"] = m
    return res


def retrieval(pairs, overlap_pairs):
    """Source retrieval: per subset, (plagiarism pairs, found); and pairs listed that are not
    plagiarism pairs (split: suspicious x source, and within one side)."""
    listed = set()
    for a, b in overlap_pairs:
        listed.add((a, b))
        listed.add((b, a))
    res = {}
    plag = set()
    for sub, _ in SUBSETS:
        pp = [(s, r) for (x, s, r, cs) in pairs if x == sub and cs]
        if not pp:
            continue
        plag.update(pp)
        res[sub] = (len(pp), sum(1 for p in pp if p in listed))
    other_sx = other_same = 0
    for a, b in overlap_pairs:
        if (a, b) in plag or (b, a) in plag:
            continue
        if a.split("/")[0] != b.split("/")[0]:
            other_sx += 1
        else:
            other_same += 1
    return res, other_sx, other_same


def run_retrieval(neardup, root, threads, extra):
    out = os.path.join(root, "overlap.jsonl")
    cmd = [neardup, "overlap", "susp", "src", "--format", "jsonl", "-o", out]
    if threads:
        cmd += ["-j", str(threads)]
    cmd += extra
    t0 = time.time()
    p = subprocess.run(cmd, cwd=root, stderr=subprocess.PIPE)
    secs = time.time() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        raise SystemExit("error: %s exited with %d" % (" ".join(cmd), p.returncode))
    got = []
    with open(out, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            got.append((r["a"], r["b"]))
    return got, secs, p.stderr.decode("utf-8", "replace").strip()


# ---------------------------------------------------------------- report

def table(res):
    header = ["subset", "pairs", "cases", "detections", "recall", "precision", "granularity",
              "plagdet", "published plagdet"]
    rows = []
    for sub, _ in SUBSETS + [("overall", "")]:
        if sub not in res:
            continue
        m = res[sub]
        if sub == "01-no-plagiarism":
            rows.append([sub, m["pairs"], 0, m["detections"], "-", "-", "-", "-",
                         "(any detection is false)"])
            continue
        rows.append([sub, m["pairs"], m["cases"], m["detections"], "%.4f" % m["recall"],
                     "%.4f" % m["precision"], "%.4f" % m["granularity"],
                     "**%.4f**" % m["plagdet"], PUBLISHED.get(sub, "")])
    return header, rows


def check(res, targets):
    fails = []
    for item in targets.split(","):
        k, _, v = item.partition("=")
        k = SHORT.get(k, k)
        if k in res and res[k]["plagdet"] < float(v):
            fails.append("%s plagdet %.4f < %s" % (k, res[k]["plagdet"], v))
    return fails


# ---------------------------------------------------------------- self-test

def self_test():
    fails = []

    def ok(name, cond, detail=""):
        print("%-4s %s%s" % ("ok" if cond else "FAIL", name, (": " + detail) if detail else ""))
        if not cond:
            fails.append(name)

    if pan_eval.self_test() != 0:
        fails.append("pan_eval self-test")
    tmp = tempfile.mkdtemp(prefix="pan13_self_test.")
    try:
        # a miniature corpus: one pair in 02 (two cases), one in 01
        for d in ("susp", "src", "01-no-plagiarism", "02-no-obfuscation"):
            os.makedirs(os.path.join(tmp, d))
        susp = "Zürich é " + "x" * 20 + " copied text here " + "y" * 10
        with open(os.path.join(tmp, "susp", "suspicious-document00001.txt"), "wb") as f:
            f.write(susp.encode("utf-8"))
        with open(os.path.join(tmp, "src", "source-document00001.txt"), "wb") as f:
            f.write(("ß" * 5 + " copied text here").encode("utf-8"))
        with open(os.path.join(tmp, "src", "source-document00002.txt"), "wb") as f:
            f.write(b"nothing")
        with open(os.path.join(tmp, "02-no-obfuscation", "pairs"), "w") as f:
            f.write("suspicious-document00001.txt source-document00001.txt\n")
        with open(os.path.join(tmp, "01-no-plagiarism", "pairs"), "w") as f:
            f.write("suspicious-document00001.txt source-document00002.txt\n")
        t0 = susp.index("copied")
        with open(os.path.join(tmp, "02-no-obfuscation",
                               "suspicious-document00001-source-document00001.xml"), "w") as f:
            f.write('<document reference="suspicious-document00001.txt">\n'
                    '<feature name="about" authors="x"/>\n'
                    '<feature name="plagiarism" obfuscation="none" source_length="16" '
                    'source_offset="6" source_reference="source-document00001.txt" '
                    'this_length="16" this_offset="%d" type="artificial" />\n'
                    '<feature name="plagiarism" source_reference="source-document00001.txt" '
                    'this_offset="0" this_length="6" source_offset="0" source_length="5"/>\n'
                    '</document>\n' % t0)
        with open(os.path.join(tmp, "01-no-plagiarism",
                               "suspicious-document00001-source-document00002.xml"), "w") as f:
            f.write('<document reference="suspicious-document00001.txt">\n</document>\n')
        pairs = load_corpus(tmp, required=False)
        ok("pairs read in subset order", [p[0] for p in pairs] ==
           ["01-no-plagiarism", "02-no-obfuscation"])
        c = pairs[1][3]
        ok("two cases, code points, only name=plagiarism features",
           c == [("susp/suspicious-document00001.txt", t0, t0 + 16, "src/source-document00001.txt",
                  6, 22), ("susp/suspicious-document00001.txt", 0, 6,
                           "src/source-document00001.txt", 0, 5)], str(c))
        cp = CodePoints(tmp)
        b = susp.encode("utf-8")
        bo = b.index(b"copied")
        ok("byte -> code point", cp("susp/suspicious-document00001.txt", bo) == t0,
           "%d -> %d, want %d" % (bo, cp("susp/suspicious-document00001.txt", bo), t0))
        ok("ASCII document: identity", cp("src/source-document00002.txt", 3) == 3)
        # neardup-like output: per-pair records; the exact case found, in bytes
        sb = ("ß" * 5 + " copied text here").encode("utf-8")
        so = sb.index(b"copied")
        outp = os.path.join(tmp, "out.jsonl")
        with open(outp, "w") as f:
            f.write(json.dumps({"a": "susp/suspicious-document00001.txt",
                                "b": "src/source-document00001.txt", "passages": [
                                    {"a_start": bo, "a_end": bo + 16, "b_start": so,
                                     "b_end": so + 16}]}) + "\n")
            f.write(json.dumps({"a": "susp/suspicious-document00001.txt",
                                "b": "src/source-document00002.txt", "passages": [
                                    {"a_start": 0, "a_end": 3, "b_start": 0, "b_end": 3}]}) + "\n")
        dets = detections_by_subset(pairs, parse_passages(outp), cp)
        ok("detections converted", dets["02-no-obfuscation"] ==
           [("susp/suspicious-document00001.txt", t0, t0 + 16, "src/source-document00001.txt",
             6, 22)], str(dets["02-no-obfuscation"]))
        res = score(pairs, dets)
        m2 = res["02-no-obfuscation"]
        # two cases: one found whole, one missed -> recall 0.5; precision 1; gran 1
        ok("subset pooled over its cases", abs(m2["recall"] - 0.5) < 1e-9 and
           abs(m2["precision"] - 1) < 1e-9 and m2["granularity"] == 1, str(m2))
        ok("01 counts its detections", res["01-no-plagiarism"]["detections"] == 1 and
           res["01-no-plagiarism"]["pairs_detected"] == 1)
        mo = res["overall"]
        # overall pools 01's false detection: precision (1 + 0) / 2
        ok("overall pools all subsets", abs(mo["precision"] - 0.5) < 1e-9 and
           abs(mo["recall"] - 0.5) < 1e-9, str(mo))
        ok("check: targets", check(res, "none=0.97") != [] and check(res, "none=0.1") == [])
        rr, osx, osame = retrieval(pairs, [("src/source-document00001.txt",
                                            "susp/suspicious-document00001.txt"),
                                           ("src/source-document00001.txt",
                                            "src/source-document00002.txt"),
                                           ("susp/suspicious-document00001.txt",
                                            "src/source-document00002.txt")])
        ok("retrieval: found in either order, others split",
           rr == {"02-no-obfuscation": (1, 1)} and osx == 1 and osame == 1,
           "%s %d %d" % (rr, osx, osame))
    finally:
        shutil.rmtree(tmp)
    if fails:
        print("pan13 self-test FAILED: %s" % ", ".join(fails))
        return 1
    print("pan13 self-test passed")
    return 0


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--self-test", action="store_true", help="check the harness and exit")
    ap.add_argument("--neardup", default=nc.default_binary(), help="path to the neardup binary")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help="pan13-train.tar.zst")
    ap.add_argument("--tmp", default=None, help="where to unpack it (default $TMPDIR)")
    ap.add_argument("-j", "--threads", type=int, default=0,
                    help="neardup -j (default: neardup's, all cores)")
    ap.add_argument("--extra", default="", help="extra arguments for neardup align")
    ap.add_argument("--per-pair", action="store_true",
                    help="run `align A B` per pair even when --pairs is available")
    ap.add_argument("--subsets", default="", help="comma-separated subsets (default all)")
    ap.add_argument("--no-retrieval", action="store_true", help="skip the source retrieval run")
    ap.add_argument("--overlap-extra", default="", help="extra arguments for neardup overlap")
    ap.add_argument("--check", action="store_true", help="exit 1 unless the targets are met")
    ap.add_argument("--target", default=TARGETS, help="plagdet targets, SUBSET=VALUE,...")
    ap.add_argument("--csv", default=None, help="also write the table as CSV")
    ap.add_argument("--keep", action="store_true", help="keep the unpacked corpus and outputs")
    return ap.parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    if a.self_test:
        return self_test()
    if not os.path.exists(a.corpus):
        nc.skip("PAN 2013 corpus not found at %s (see ../shared/corpora/README.md)" % a.corpus)
    if shutil.which("zstd") is None:
        nc.skip("`zstd` not installed; cannot read %s" % a.corpus)
    if not os.path.exists(a.neardup):
        print("error: neardup binary not found at %s (build it: make)" % a.neardup,
              file=sys.stderr)
        return 2
    neardup = os.path.abspath(a.neardup)
    tmp = tempfile.mkdtemp(prefix="neardup_pan13.", dir=a.tmp)
    try:
        t0 = time.time()
        z = subprocess.Popen(["zstd", "-dc", a.corpus], stdout=subprocess.PIPE)
        subprocess.run(["tar", "x", "-C", tmp], stdin=z.stdout, check=True)
        z.stdout.close()
        if z.wait() != 0:
            raise SystemExit("error: zstd -dc %s failed" % a.corpus)
        root = os.path.join(tmp, "pan13-train")
        subsets = [s for s in a.subsets.split(",") if s]
        pairs = load_corpus(root, [SHORT.get(s, s) for s in subsets] or None)
        print("unpacked %s into %s: %d pairs, %d cases (%.1f s)" %
              (a.corpus, tmp, len(pairs), sum(len(p[3]) for p in pairs), time.time() - t0),
              file=sys.stderr)
        batch = has_pairs_mode(neardup) and not a.per_pair
        out = os.path.join(tmp, "align.jsonl")
        extra = a.extra.split()
        wall, cpu = (run_batch if batch else run_per_pair)(neardup, root, pairs, a.threads, extra,
                                                           out)
        passages = parse_passages(out)
        cp = CodePoints(root)
        res = score(pairs, detections_by_subset(pairs, passages, cp))
        how = ("one `neardup align --pairs` process" if batch
               else "`neardup align A B` per pair (this binary has no --pairs)")
        print("## PAN 2013 text alignment (training corpus), %s\n" % how)
        print("`%s`%s%s; measures of Potthast et al. 2010 on code points, each subset over all "
              "its pairs' cases and detections, `overall` over all five subsets\n" %
              (a.neardup, (" " + a.extra) if a.extra else "",
               (" -j %d" % a.threads) if a.threads else ""))
        header, rows = table(res)
        print(nc.md_table(header, rows))
        m1 = res.get("01-no-plagiarism")
        if m1:
            print("\n01-no-plagiarism: %d detections in %d of its %d pairs (%.2f%%; target: at most "
                  "1%% of its pairs)" % (m1["detections"], m1["pairs_detected"], m1["pairs"],
                                         100.0 * m1["pairs_detected"] / m1["pairs"]))
        short = [p for p in passages if p[6].get("words", 20) < 20]
        print("\nalignment: %d pairs in %.2f s wall, %.2f s CPU: %.0f pairs/s, %.0f pairs per "
              "CPU-second (per core)%s" %
              (len(pairs), wall, cpu, len(pairs) / wall, len(pairs) / cpu if cpu else 0,
               "" if batch else " (one process per pair: start-up included)"))
        if short:
            print("note: %d of %d passages report fewer than 20 words" % (len(short), len(passages)))
        if a.csv:
            nc.write_csv(a.csv, header, rows)
        if not a.no_retrieval and not subsets:
            # copied passages (overlap's default) and rewritten ones too (--edited)
            for mode in ([], ["--edited"], ["--edited", "--max-df-sentence", "20"]):
                got, secs, summary = run_retrieval(neardup, root, a.threads, mode + a.overlap_extra.split())
                rr, osx, osame = retrieval(pairs, got)
                print("\n## Source retrieval: `neardup overlap susp src%s` over all %d documents (%.1f s)\n"
                      % (" " + " ".join(mode) if mode else "",
                         len(os.listdir(os.path.join(root, "susp"))) + len(os.listdir(os.path.join(root, "src"))),
                         secs))
                rows = [[sub, n, f, "%.4f" % (f / n)] for sub, (n, f) in rr.items()]
                n = sum(v[0] for k, v in rr.items() if k[:2] in ("02", "03", "04"))
                f = sum(v[1] for k, v in rr.items() if k[:2] in ("02", "03", "04"))
                if n:
                    rows.append(["02-04", n, f, "**%.4f**" % (f / n)])
                print(nc.md_table(["subset", "plagiarism pairs", "listed", "fraction found"], rows))
                print("\nother pairs listed: %d (%d suspicious x source, %d within one side); %d pairs "
                      "listed in all; target: >= 0.98 of the pairs of 02-04" %
                      (osx + osame, osx, osame, len(got)))
                print("neardup: " + summary.splitlines()[-1] if summary else "")
        if a.check:
            fails = check(res, a.target)
            if fails:
                print("\nFAIL: " + "; ".join(fails))
                return 1
            print("\nPASS: plagdet targets %s met" % a.target)
        return 0
    finally:
        if a.keep:
            print("kept %s" % tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
