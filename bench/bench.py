#!/usr/bin/python3
"""bench.py - issue-5 throughput, scaling and memory figures for `make bench` (run by bench/run.sh).

Measures, each timing repeated --reps times (median reported; the machine is shared and noisy;
the commands whose ratios are targets run in turn, round after round, beside their baselines),
peak RSS from wait4() (the process and every child it reaped):

  news-40k (../shared/corpora/news-40k.jsonl.zst; skipped with a message when absent):
    dedup -j 2 / -j 1 with --timings (per-stage seconds), dedup on the decompressed copy (the
    read+decompress stage minus plain read = decompress), pairs, overlap (against itself);
    baseline `zstd -dc FILE | LC_ALL=C wc -w`
  generated corpus (bench/gen_big.c: news-40k repeated COPIES times with 1 % word edits, so each
    input record's copies are a known family of near-duplicates; plain JSONL, not compressed, so
    that generating stays fast - decompression is measured on news-40k):
    dedup (+ family recall from --clusters), pairs; baseline `LC_ALL=C wc -w FILE`
  scaling: the first --slice documents repeated 1x/2x/4x/8x with edits; dedup wall per size,
    least-squares slope (s per MB) and time(8x)/time(1x)/8
  datasketch_baseline.py (reuse/batch, the fastest style, and new/single, as users write it) on
    the slice's documents; neardup's per-core tokenize+shingle+sketch rate from dedup -j 1 on the
    same documents
  -march variants: dedup news-40k with each binary passed as --variant NAME@OPT@BINARY

Writes OUT/bench.md (Markdown tables) and OUT/bench.csv (one figure a row).
"""

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcommon as nc  # noqa: E402

TARGETS = {
    "dedup_vs_wc": "< 1",
    "dedup_vs_zstd_wc": "<= 0.5 (issue 24)",
    "sketch_vs_datasketch": ">= 100",
    "j2_vs_j1": ">= 1.8",
    "overlap_vs_dedup": "<= 3",
    "rss_vs_budget": "<= 1",
}


class Run:
    """The median of several runs of one command: wall, parsed --timings, peak RSS."""

    def __init__(self, label, walls, cpus, rss_kb, stderr, timings):
        self.label, self.walls, self.rss_kb, self.stderr, self.t = label, walls, rss_kb, stderr, timings
        self.wall = statistics.median(walls)
        self.cpu = statistics.median(cpus)  # user + system seconds, all threads and children

    def text_mb(self):
        m = re.search(r"([0-9.]+) MB (?:of text )?in ", self.stderr)
        return float(m.group(1)) if m else None


def parse_timings(stderr):
    """--timings lines -> {stage: seconds}. The first line (pipeline) is prefixed 'p.'."""
    t = {}
    for line in stderr.splitlines():
        if not line.startswith("timings:"):
            continue
        pre = "p." if "pipeline wall" in line else ""
        for seg in line[len("timings:"):].split(","):
            m = re.match(r"\s*([a-z+ ]+?) ([0-9.]+) s\b", seg)
            if m:
                t[pre + m.group(1)] = float(m.group(2))
    return t


def run_once(cmd, shell=False):
    """(wall s, CPU s, peak RSS KB of the process and its reaped children, stderr text)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode("utf-8", "replace")
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stderr.close()
    if p.returncode != 0:
        sys.exit("bench: command failed (exit %d): %s\n%s" % (p.returncode,
                 cmd if shell else " ".join(cmd), err[-2000:]))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, err


def remove_outputs(cmd):
    """Deletes the files a command's -o and --clusters name, before it runs (untimed): replacing a
    58 MB output left by the previous run made the rename at the end free its page cache, ~25 ms
    charged to the next run, which the baselines (writing nothing) never pay."""
    if isinstance(cmd, str):
        return
    for i, arg in enumerate(cmd[:-1]):
        if arg in ("-o", "--output", "--clusters") and cmd[i + 1] != "-" and os.path.isfile(cmd[i + 1]):
            os.unlink(cmd[i + 1])


class _Tally:
    """The runs of one command so far."""

    def __init__(self, label, cmd, shell):
        self.label, self.cmd, self.shell = label, cmd, shell
        self.walls, self.cpus, self.rss, self.errs, self.tims = [], [], 0, [], []

    def run(self):
        remove_outputs(self.cmd)
        w, c, r, e = run_once(self.cmd, self.shell)
        self.walls.append(w)
        self.cpus.append(c)
        self.rss = max(self.rss, r)
        self.errs.append(e)
        self.tims.append(parse_timings(e))

    def result(self, log):
        tims = self.tims
        timings = {k: statistics.median(t[k] for t in tims if k in t) for k in tims[0]} if tims[0] else {}
        r = Run(self.label, self.walls, self.cpus, self.rss, self.errs[0], timings)
        if log:
            print("  %-34s median %7.2f s  (%s)  CPU %6.2f s  peak RSS %6.1f MB" % (
                self.label, r.wall, " ".join("%.2f" % w for w in self.walls), r.cpu, self.rss / 1024),
                flush=True)
        return r


def measure(label, cmd, reps, shell=False, log=True):
    t = _Tally(label, cmd, shell)
    for _ in range(reps):
        t.run()
    return t.result(log)


def measure_rounds(specs, reps, log=True):
    """Runs of several commands taken in turn (A B C A B C ...), so the ratios between them are
    not skewed by the machine getting busier or quieter between one command's runs and the next's;
    specs: (label, cmd[, shell]).  Returns their Runs in the same order."""
    tallies = [_Tally(sp[0], sp[1], sp[2] if len(sp) > 2 else False) for sp in specs]
    for _ in range(reps):
        for t in tallies:
            t.run()
    return [t.result(log) for t in tallies]


def measure_pairs(spec_a, spec_b, reps, log=True):
    """Paired rounds of two commands alone, the order turned each round (A B, B A, A B, ...), so
    that neither always runs right after the other (a run after dedup found the page cache full of
    its 58 MB output).  Returns (Run a, Run b); round i's ratio is b.walls[i] / a.walls[i]."""
    ta, tb = (_Tally(sp[0], sp[1], sp[2] if len(sp) > 2 else False) for sp in (spec_a, spec_b))
    for i in range(reps):
        for t in ((ta, tb) if i % 2 == 0 else (tb, ta)):
            t.run()
    return ta.result(log), tb.result(log)


def stage_rows(run, mb, plain=None):
    """(stage, seconds, MB/s, note) for the dedup --timings of one run."""
    t = run.t
    rows = []

    def add(stage, sec, note):
        if sec is None:
            rows.append((stage, None, None, note))
        else:
            rows.append((stage, sec, mb / sec if sec > 0 else None, note))

    rd = t.get("p.read+decompress")
    if plain is not None and rd is not None:
        pr = plain.t.get("p.read+decompress")
        add("read", pr, "main thread; plain-JSONL run (--timings has no read/decompress split)")
        add("decompress", max(rd - pr, 0.0) if pr is not None else None,
            "read+decompress of the .zst run minus read of the plain run")
    else:
        add("read+decompress", rd, "main thread; --timings reports them together")
    add("parse", t.get("p.parse"), "summed over threads (per-core MB/s)")
    add("tokenize", t.get("p.tokenize+shingle"),
        "summed over threads; --timings labels it tokenize+shingle but times nd_tokenize only")
    add("shingle", t.get("shingle"), "summed over threads")
    add("digest", t.get("digest"), "summed over threads (XXH3-128 of the tokens: exact duplicates)")
    add("sketch", t.get("sketch"), "summed over threads (one-permutation MinHash)")
    add("band keys", t.get("band keys"), "summed over threads (each signature's LSH band keys)")
    add("collect", t.get("p.collect"), "main thread: ids and signatures into the job")
    add("band", t.get("band+candidates"), "band records, sort, candidates (dedup: scored against a union-find here, so verify is 0)")
    add("verify", t.get("verify"), "")
    add("cluster", t.get("cluster"), "")
    add("write", t.get("write"), "")
    add("pipeline wall", t.get("p.pipeline wall"), "read..collect, wall clock")
    return rows


def fmt(x, spec="%.2f"):
    return "-" if x is None else spec % x


def gen(genbin, src, out, copies, rate, seed, limit):
    """Generates `out` with gen_big unless it is there with the same parameters."""
    meta = out + ".meta"
    want = "%s %d %g %d %d\n" % (os.path.abspath(src), copies, rate, seed, limit)
    if os.path.exists(out) and os.path.exists(meta) and open(meta).read() == want:
        return
    t0 = time.perf_counter()
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        dec = subprocess.Popen(["zstd", "-dc", src] if src.endswith(".zst") else ["cat", src],
                               stdout=subprocess.PIPE)
        g = subprocess.run([genbin, str(copies), str(rate), str(seed), str(limit)],
                           stdin=dec.stdout, stdout=f)
        dec.stdout.close()
        # zstd may die of SIGPIPE when gen_big stops early at LIMIT: that is fine
        dec.wait()
        if g.returncode != 0:
            sys.exit("bench: gen_big failed for %s" % out)
    os.replace(tmp, out)
    with open(meta, "w") as f:
        f.write(want)
    print("  generated %s (%.0f MB) in %.1f s" % (out, os.path.getsize(out) / 1e6,
                                                   time.perf_counter() - t0), flush=True)


def family_recall(clusters_path, copies_total):
    """Share of edited copies ("ID~cK") grouped with another member of their family."""
    if not os.path.exists(clusters_path):
        return None
    grouped = 0
    with open(clusters_path, encoding="utf-8") as f:
        for line in f:
            mem = json.loads(line)["members"]
            fam = {}
            for m in mem:
                base = m.split("~c", 1)[0]
                fam[base] = fam.get(base, 0) + 1
            for m in mem:
                if "~c" in m and fam[m.split("~c", 1)[0]] > 1:
                    grouped += 1
    return grouped / copies_total if copies_total else None


def line_count(path):
    n = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            n += chunk.count(b"\n")
    return n


def linfit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx
    icpt = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - icpt - slope * x) ** 2 for x, y in zip(xs, ys))
    return slope, icpt, 1 - ss_res / ss_tot if ss_tot else 1.0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--neardup", default=nc.default_binary(), help="binary under test")
    ap.add_argument("--gen", required=True, help="the compiled bench/gen_big.c")
    ap.add_argument("--corpus", default=nc.DEFAULT_CORPUS)
    ap.add_argument("--out", default="build/bench", help="results and generated data")
    ap.add_argument("--reps", type=int, default=5, help="rounds of the news-40k runs")
    ap.add_argument("--pair-reps", type=int, default=9,
                    help="paired rounds of dedup news-40k.zst against zstd -dc | wc -w alone (issue 24)")
    ap.add_argument("--big-copies", type=int, default=18,
                    help="copies of news-40k in the generated corpus (18 = 1.1 GB); 0 = none")
    ap.add_argument("--big-reps", type=int, default=3, help="repetitions on the generated corpus")
    ap.add_argument("--slice", type=int, default=5000, help="documents in the 1x scaling slice")
    ap.add_argument("--rate", type=float, default=0.01, help="word edit rate of generated copies")
    ap.add_argument("--ds-styles", default="reuse/batch,new/single",
                    help="datasketch styles run (the first is the ratio's baseline)")
    ap.add_argument("--variant", action="append", default=[],
                    help="NAME@OPT@BINARY: a -march build timed on dedup news-40k")
    ap.add_argument("--mode", default="full")
    a = ap.parse_args(argv)

    if not os.path.exists(a.corpus):
        nc.skip("%s is absent: no news-40k benchmarks, no generated corpus (it is built from "
                "news-40k)" % a.corpus)
    out = a.out
    data = os.path.join(out, "data")
    tmp = os.path.join(out, "tmp")
    os.makedirs(data, exist_ok=True)
    os.makedirs(tmp, exist_ok=True)
    nd = a.neardup
    corpus = a.corpus
    R = a.reps
    csv_rows = []  # section, corpus, item, metric, value, unit

    def rec(section, corp, item, metric, value, unit=""):
        csv_rows.append([section, corp, item, metric,
                         "" if value is None else ("%.6g" % value if isinstance(value, float) else value),
                         unit])

    md = []
    load0 = os.getloadavg()
    t_start = time.perf_counter()
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = "?"

    # ---------------------------------------------------------------- news-40k
    print("news-40k (%s), %d repetitions each" % (corpus, R), flush=True)
    plain = os.path.join(data, "news-40k.jsonl")
    if not os.path.exists(plain):
        subprocess.run("zstd -dcq '%s' > '%s.tmp' && mv '%s.tmp' '%s'" % (corpus, plain, plain, plain),
                       shell=True, check=True)
    ndocs = line_count(plain)
    o = os.path.join(tmp, "out.jsonl")
    have_overlap = subprocess.run([nd, "overlap", "--help"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL).returncode == 0
    # Every figure that enters a target ratio is measured in the same rounds as its baseline.
    specs = [("zstd -dc | LC_ALL=C wc -w", "zstd -dc '%s' | LC_ALL=C wc -w" % corpus, True),
             ("dedup -j 2", [nd, "dedup", corpus, "-o", o, "--timings", "-j", "2"]),
             ("dedup -j 1", [nd, "dedup", corpus, "-o", o, "--timings", "-j", "1"]),
             ("dedup -j 2 (plain JSONL)", [nd, "dedup", plain, "-o", o, "--timings", "-j", "2"]),
             ("dedup -j 1 (plain JSONL)", [nd, "dedup", plain, "-o", o, "--timings", "-j", "1"]),
             ("pairs -j 2", [nd, "pairs", corpus, "-o", o, "--timings", "-j", "2"]),
             ("pairs -j 1", [nd, "pairs", corpus, "-o", o, "--timings", "-j", "1"])]
    if have_overlap:
        specs.append(("overlap -j 2", [nd, "overlap", corpus, "-o", o, "--timings", "-j", "2"]))
    runs = measure_rounds(specs, R)
    base_wc, d2, d1, dp, dp1, p2, p1 = runs[:7]
    # issue 24: dedup at half the wall time of the baseline. The pair alone, in rounds of its own,
    # so that the ratio of each round compares two runs seconds apart under the same load.
    print("issue 24: dedup -j 2 against zstd -dc | wc -w, %d paired rounds" % a.pair_reps, flush=True)
    load24 = os.getloadavg()
    pair_wc, pair_d = measure_pairs(specs[0], ("dedup -j 2 (paired)", [nd, "dedup", corpus, "-o", o, "-j", "2"]),
                                    a.pair_reps)
    pair_r = [d / w for d, w in zip(pair_d.walls, pair_wc.walls)]
    print("  per round: %s (load average %.1f before)" % (" ".join("%.2f" % r for r in pair_r), load24[0]),
          flush=True)
    ov = runs[7] if have_overlap else None
    mb = d2.text_mb()
    zst_mb = os.path.getsize(corpus) / 1e6

    # ---------------------------------------------------------------- scaling slice
    print("scaling: first %d documents x1/x2/x4/x8 (edit rate %g)" % (a.slice, a.rate), flush=True)
    scale = []
    for k in (1, 2, 4, 8):
        f = os.path.join(data, "slice-%dx.jsonl" % k)
        gen(a.gen, corpus, f, k, a.rate, 11, a.slice)
    for k in (1, 2, 4, 8):
        f = os.path.join(data, "slice-%dx.jsonl" % k)
        r = measure("dedup slice %dx" % k, [nd, "dedup", f, "-o", o, "--timings", "-j", "2"], R)
        scale.append((k, r.text_mb(), r))
    s1 = measure("dedup -j 1 slice 1x", [nd, "dedup", os.path.join(data, "slice-1x.jsonl"), "-o", o,
                                         "--timings", "-j", "1"], R)

    # ---------------------------------------------------------------- datasketch
    ds = []
    ds_core = None  # neardup's per-core run measured around the baseline (full mode)
    try:
        import numpy  # noqa: F401
        have_np = True
    except ImportError:
        have_np = False
        print("  SKIP datasketch baseline: python3-numpy is not installed "
              "(sh scripts/install-deps.sh installs it)", flush=True)
    if have_np:
        for si, st in enumerate([s for s in a.ds_styles.split(",") if s]):
            style, upd = st.split("/")
            csvp = os.path.join(tmp, "ds-%s-%s.csv" % (style, upd))
            t0 = time.perf_counter()
            # Full mode: the baseline style on all of news-40k, against neardup's steady per-core
            # rate on the same documents (dedup -j 1 of news-40k); the slower styles on the first
            # a.slice documents (their rate does not change with size: Python per document).
            # Quick mode: everything on the slice (where neardup's fixed costs weigh more).
            whole = a.mode == "full" and si == 0
            # neardup's per-core rate is measured right around the baseline (3 runs before it, 3
            # after, median): the host's speed drifts over the minutes between sections, and a
            # ratio of two figures taken minutes apart moved 85x-157x on the same commit.
            core = _Tally("dedup -j 1 around the datasketch run",
                          [nd, "dedup", corpus, "-o", o, "--timings", "-j", "1"], False) if whole else None
            for _ in range(3 if core else 0):
                core.run()
            subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__),
                                                             "datasketch_baseline.py"),
                            "--corpus", plain if a.mode == "full" else os.path.join(data, "slice-1x.jsonl"),
                            "--docs", "0" if whole or a.mode != "full" else str(a.slice),
                            "--styles", style, "--updates", upd, "--csv", csvp],
                           check=True, stdout=subprocess.DEVNULL)
            for _ in range(3 if core else 0):
                core.run()
            if core:
                ds_core = core.result(True)
            with open(csvp, newline="") as f:
                row = list(csv.DictReader(f))[0]
            ds.append((st, float(row["MB/s"]), float(row["MB/s excl. tokenize"]), float(row["MB"]),
                       float(row["seconds"])))
            print("  datasketch %-12s %.2f MB/s (%.1f s)" % (st, ds[-1][1], time.perf_counter() - t0),
                  flush=True)

    # ---------------------------------------------------------------- generated big corpus
    big = None
    if a.big_copies > 0:
        print("generated corpus: news-40k x%d, edit rate %g, %d repetitions" % (
            a.big_copies, a.rate, a.big_reps), flush=True)
        bigf = os.path.join(data, "big-%dx.jsonl" % a.big_copies)
        gen(a.gen, corpus, bigf, a.big_copies, a.rate, 7, 0)
        cl = os.path.join(tmp, "big-clusters.jsonl")
        bwc, bd, bp = measure_rounds([
            ("LC_ALL=C wc -w", ["sh", "-c", "LC_ALL=C wc -w < '%s'" % bigf]),
            ("dedup -j 2", [nd, "dedup", bigf, "-o", o, "--clusters", cl, "--timings", "-j", "2"]),
            ("pairs -j 2", [nd, "pairs", bigf, "-o", o, "--timings", "-j", "2"])], a.big_reps)
        bdocs = ndocs * a.big_copies
        fr = family_recall(cl, ndocs * (a.big_copies - 1))
        big = (bigf, bwc, bd, bp, bdocs, fr)

    # ---------------------------------------------------------------- -march variants
    var = []
    if a.variant:
        print("-march variants: dedup news-40k -j 2", flush=True)
    for v in a.variant:
        name, opt, binp = v.split("@", 2)
        r = measure("dedup %s" % name, [binp, "dedup", corpus, "-o", o, "-j", "2"], R)
        var.append((name, opt, r))

    # ---------------------------------------------------------------- short documents
    # issue 19: per-document fixed costs. Generated documents of 1, 5 and 130 words (all distinct),
    # dedup -j 1 and -j 2 in rounds; the figure is documents/s and the time a document takes against
    # a 130-word one (1-word documents used to take 20x longer each: densification's k^2 probes).
    short = []
    short_docs = {1: 200000, 5: 200000, 130: 50000} if a.mode == "full" else {1: 20000, 5: 20000, 130: 5000}
    print("short documents: dedup of %s documents of 1, 5, 130 words" % "/".join(
        str(v) for v in short_docs.values()), flush=True)
    sspecs = []
    for words, docs in short_docs.items():
        f = os.path.join(data, "short-%dw-%d.jsonl" % (words, docs))
        if not os.path.exists(f):
            with open(f + ".tmp", "w") as fo:
                subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "gen_short.py"),
                                str(words), str(docs)], stdout=fo, check=True)
            os.replace(f + ".tmp", f)
        for j in ("1", "2"):
            sspecs.append(("dedup -j %s, %d-word docs" % (j, words), [nd, "dedup", f, "-o", o, "-j", j]))
    sruns = measure_rounds(sspecs, max(R, 3))
    for i, (words, docs) in enumerate(short_docs.items()):
        short.append((words, docs, sruns[2 * i], sruns[2 * i + 1]))

    # ================================================================ report
    load1 = os.getloadavg()
    md.append("# neardup benchmark (`make bench`%s)\n" % (", QUICK=1" if a.mode == "quick" else ""))
    md.append("%s; commit %s; %s; %d CPUs; load average %.1f at start, %.1f at end; median of %d "
              "runs (%d on the generated corpus), commands taken in turn round after round; peak RSS = wait4() maxrss; %.0f s in all.\n" % (
                  time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), commit, cpu, os.cpu_count(),
                  load0[0], load1[0], R, a.big_reps, time.perf_counter() - t_start))

    # ratios against the targets
    core_run = ds_core or (d1 if a.mode == "full" else s1)  # see the datasketch section above
    sk1 = core_run.t
    # the pipeline's tokenize and per-document stages, less what is not sketching: the exact-duplicate
    # digests and the LSH band keys (timed apart since 2026-11-30; the "band" stage)
    tss = ((sk1.get("p.tokenize+shingle") or 0) + (sk1.get("p.sketch") or 0) - (sk1.get("digest") or 0)
           - (sk1.get("band keys") or 0))
    sl_mb = core_run.text_mb()
    nd_core = sl_mb / tss if tss else None
    nd_sketch_only = sl_mb / ((sk1.get("shingle") or 0) + (sk1.get("sketch") or 0) or 1e-9)
    budget = lambda docs: (docs * 1e3 + 100e6) / 1e6  # noqa: E731 (MB)

    def per_round(x, y):
        """The median of x / y taken round by round: each round runs the two commands within
        seconds of each other, so a round the host slowed down counts once, not in one
        command's median only (the ratio of medians moved by 0.3 between runs here)."""
        return statistics.median(a / b for a, b in zip(x.walls, y.walls))

    tg = []  # figure, values, ratio of medians, per-round ratio (None: not timed), target, met
    r, rm = statistics.median(pair_r), pair_d.wall / pair_wc.wall
    tg.append(["dedup wall / `zstd -dc | LC_ALL=C wc -w` wall (news-40k.zst, -j 2, %d paired rounds)" % len(pair_r),
               "%.2f s / %.2f s" % (pair_d.wall, pair_wc.wall), rm, r, TARGETS["dedup_vs_zstd_wc"],
               rm <= 0.5 and r <= 0.5])
    r = per_round(d2, base_wc)
    tg.append(["dedup wall / `zstd -dc | wc -w` wall (news-40k, -j 2)", "%.2f s / %.2f s" % (
        d2.wall, base_wc.wall), d2.wall / base_wc.wall, r, TARGETS["dedup_vs_wc"], r < 1])
    if ds:
        tg.append(["tokenize+shingle+sketch MB/s per core / datasketch %s MB/s (%s)" % (
            ds[0][0], "all of news-40k, neardup's 6 runs around it" if ds_core else
            "same %d docs" % a.slice),
            "%.1f / %.2f" % (nd_core, ds[0][1]), nd_core / ds[0][1], None,
            TARGETS["sketch_vs_datasketch"], nd_core / ds[0][1] >= 100])
    r = per_round(d1, d2)
    tg.append(["dedup -j 1 wall / -j 2 wall (news-40k)", "%.2f s / %.2f s" % (d1.wall, d2.wall),
               d1.wall / d2.wall, r, TARGETS["j2_vs_j1"], r >= 1.8])
    if ov:
        r = per_round(ov, d2)
        tg.append(["overlap wall / dedup wall (news-40k against itself)", "%.2f s / %.2f s" % (
            ov.wall, d2.wall), ov.wall / d2.wall, r, TARGETS["overlap_vs_dedup"], r <= 3])
    tg.append(["dedup peak RSS / (1 KB x docs + 100 MB), news-40k", "%.0f MB / %.0f MB" % (
        d2.rss_kb / 1024, budget(ndocs)), d2.rss_kb / 1024 / budget(ndocs), None, TARGETS["rss_vs_budget"],
        d2.rss_kb / 1024 <= budget(ndocs)])
    if big:
        bigf, bwc, bd, bp, bdocs, fr = big
        tg.append(["dedup peak RSS / (1 KB x docs + 100 MB), generated %d docs" % bdocs,
                   "%.0f MB / %.0f MB" % (bd.rss_kb / 1024, budget(bdocs)),
                   bd.rss_kb / 1024 / budget(bdocs), None, TARGETS["rss_vs_budget"],
                   bd.rss_kb / 1024 <= budget(bdocs)])
        r = per_round(bd, bwc)
        tg.append(["dedup wall / `wc -w` wall (generated, plain JSONL)", "%.2f s / %.2f s" % (
            bd.wall, bwc.wall), bd.wall / bwc.wall, r, TARGETS["dedup_vs_wc"], r < 1])
    md.append("## Targets (issues 5 and 24)\n")
    md.append("Times are medians of the rounds; a ratio of times is given both as the ratio of the two "
              "medians and as the median of the ratios taken round by round (the two commands of a "
              "round run seconds apart, under the same load), which is what `met` judges.\n")
    md.append(nc.md_table(["figure", "values (medians)", "ratio of medians", "per-round ratio", "target", "met"],
                          [[r[0], r[1], "%.2f" % r[2], "-" if r[3] is None else "%.2f" % r[3], r[4],
                            "yes" if r[5] else "**no**"] for r in tg]))
    md.append("\nIssue 24, every round's ratio dedup / `zstd -dc | wc -w` (order turned each round; load "
              "average %.1f before them): %s; %d of %d rounds <= 0.5.\n" % (
                  load24[0], " ".join("%.2f" % x for x in pair_r), sum(x <= 0.5 for x in pair_r), len(pair_r)))
    for i, x in enumerate(pair_r):
        rec("targets", "news-40k", "issue 24 dedup / zstd|wc round %d" % (i + 1), "ratio", x)
    for r in tg:
        rec("targets", "", r[0], "ratio", r[2])
        if r[3] is not None:
            rec("targets", "", r[0], "per-round ratio", r[3])
        rec("targets", "", r[0], "met", "yes" if r[5] else "no")

    # end to end
    e2e = [("news-40k.jsonl.zst", "`zstd -dc \\| LC_ALL=C wc -w` (baseline)", "-", base_wc, mb, ndocs),
           ("news-40k.jsonl.zst", "dedup", "2", d2, mb, ndocs),
           ("news-40k.jsonl.zst", "dedup", "1", d1, mb, ndocs),
           ("news-40k.jsonl (plain)", "dedup", "2", dp, mb, ndocs),
           ("news-40k.jsonl (plain)", "dedup", "1", dp1, mb, ndocs),
           ("news-40k.jsonl.zst", "pairs", "2", p2, mb, ndocs),
           ("news-40k.jsonl.zst", "pairs", "1", p1, mb, ndocs)]
    if ov:
        e2e.append(("news-40k.jsonl.zst", "overlap (against itself)", "2", ov, mb, ndocs))
    if big:
        bmb = bd.text_mb()
        bn = os.path.basename(big[0])
        e2e += [(bn, "`LC_ALL=C wc -w` (baseline)", "-", bwc, bmb, bdocs),
                (bn, "dedup", "2", bd, bmb, bdocs), (bn, "pairs", "2", bp, bmb, bdocs)]
    rows = []
    for corp, cmd, j, r, m, docs in e2e:
        base = base_wc if corp.startswith("news") else big[1]
        rows.append([corp, cmd, j, "%.1f" % m, "%.2f" % r.wall, "%.1f" % (m / r.wall), "%.2f" % r.cpu,
                     "%.0f" % (r.rss_kb / 1024), "%.0f" % budget(docs), "%.2f" % (r.wall / base.wall)])
        for metric, val, unit in (("wall", r.wall, "s"), ("MB/s", m / r.wall, "MB/s"), ("CPU", r.cpu, "s"),
                                  ("peak RSS", r.rss_kb / 1024, "MB"),
                                  ("wall / baseline", r.wall / base.wall, "")):
            rec("end-to-end", corp, cmd + " -j " + j, metric, val, unit)
    md.append("\n## End to end (MB of text = UTF-8 bytes of the `text` fields)\n")
    md.append(nc.md_table(["input", "command", "-j", "text MB", "wall s", "MB/s", "CPU s", "peak RSS MB",
                           "RSS budget MB", "wall / baseline"], rows))
    if not have_overlap:
        md.append("\n`overlap` is not in this binary: not measured.")
    md.append("\nCompressed input: %.1f MB of zstd for %.1f MB of text; %d documents." % (
        zst_mb, mb, ndocs))

    # stages
    md.append("\n## Per stage (`dedup --timings`, news-40k.jsonl.zst; MB/s = text MB / stage seconds;"
              " stages summed over threads give per-core MB/s)\n")
    rows = []
    st2, st1 = stage_rows(d2, mb, dp), stage_rows(d1, mb, dp1)
    for (stage, s2, m2, note), (_, s1_, m1, _) in zip(st2, st1):
        rows.append([stage, fmt(s1_, "%.3f"), fmt(m1, "%.0f"), fmt(s2, "%.3f"), fmt(m2, "%.0f"),
                     fmt(s1_ / d1.wall * 100 if s1_ is not None else None, "%.0f%%"), note])
        rec("stages", "news-40k", stage, "seconds -j 1", s1_, "s")
        rec("stages", "news-40k", stage, "MB/s -j 1", m1, "MB/s")
        rec("stages", "news-40k", stage, "seconds -j 2", s2, "s")
        rec("stages", "news-40k", stage, "MB/s -j 2", m2, "MB/s")
    md.append(nc.md_table(["stage", "s (-j 1)", "MB/s (-j 1)", "s (-j 2)", "MB/s (-j 2)",
                           "share of -j 1 wall", "note"], rows))
    if big:
        rows = []
        for stage, s, m, note in stage_rows(big[2], big[2].text_mb()):
            rows.append([stage, fmt(s, "%.3f"), fmt(m, "%.0f")])
            rec("stages", os.path.basename(big[0]), stage, "seconds -j 2", s, "s")
        md.append("\nGenerated corpus (%s, dedup -j 2):\n" % os.path.basename(big[0]))
        md.append(nc.md_table(["stage", "s", "MB/s"], rows))
    if ov:
        md.append("\n`overlap --timings` (news-40k, -j 2): " + ", ".join(
            "%s %.2f s" % (k, v) for k, v in ov.t.items()))
        for k, v in ov.t.items():
            rec("stages", "news-40k", "overlap " + k, "seconds -j 2", v, "s")

    # threads
    md.append("\n## Threads (news-40k.jsonl.zst, wall)\n")
    rows = []
    for cmd, r1, r2 in (("dedup", d1, d2), ("dedup (plain JSONL)", dp1, dp), ("pairs", p1, p2)):
        rows.append([cmd, "%.2f" % r1.wall, "%.2f" % r2.wall, "%.2f" % (r1.wall / r2.wall)])
        rec("threads", "news-40k", cmd, "speed-up -j2/-j1", r1.wall / r2.wall)
    md.append(nc.md_table(["command", "-j 1 s", "-j 2 s", "speed-up"], rows))

    # scaling
    xs = [m for _, m, _ in scale]
    ys = [r.wall for _, _, r in scale]
    slope, icpt, r2 = linfit(xs, ys)
    lin = ys[-1] / ys[0] / 8
    md.append("\n## Corpus size (first %d documents of news-40k, round k edited at rate %g; dedup -j 2)\n"
              % (a.slice, a.rate))
    rows = []
    for (k, m, r), y in zip(scale, ys):
        rows.append(["%dx" % k, "%.1f" % m, "%.2f" % y, "%.1f" % (m / y), "%.0f" % (r.rss_kb / 1024)])
        rec("scaling", "slice", "%dx" % k, "wall", y, "s")
    md.append(nc.md_table(["size", "text MB", "wall s", "MB/s", "peak RSS MB"], rows))
    md.append("\nLeast-squares fit: wall = %.4f s/MB x MB + %.3f s (R^2 = %.4f, i.e. %.1f MB/s marginal); "
              "time(8x) / time(1x) / 8 = %.2f (1 = linear; below 1 means fixed start-up costs)." % (
                  slope, icpt, r2, 1 / slope if slope > 0 else 0, lin))
    rec("scaling", "slice", "fit", "slope", slope, "s/MB")
    rec("scaling", "slice", "fit", "intercept", icpt, "s")
    rec("scaling", "slice", "fit", "R^2", r2)
    rec("scaling", "slice", "fit", "time8x/time1x/8", lin)

    # datasketch
    if ds:
        md.append("\n## Sketching vs the datasketch algorithm (one core)\n\n%s\n" % (
            "neardup: `dedup -j 1` of all of news-40k (%.1f MB), per-core rate of its tokenize, shingle "
            "and sketch stages (its exact-duplicate digests and LSH band keys, timed apart, not counted); datasketch %s on the same documents, the other styles on the first %d "
            "documents." % (sl_mb, ds[0][0], a.slice) if a.mode == "full" else
            "The same %d documents (%.1f MB) for all." % (a.slice, sl_mb)))
        rows = [["neardup dedup -j 1: tokenize+shingle+sketch", "%.1f" % nd_core, "-", "-"],
                ["neardup dedup -j 1: shingle+sketch only", "%.1f" % nd_sketch_only, "-", "-"]]
        for st, mbs, mbs_x, _, _ in ds:
            rows.append(["datasketch %s (tokenize+shingle+sketch)" % st, "%.2f" % mbs,
                         "%.0f" % (nd_core / mbs), "%.0f" % (nd_sketch_only / mbs_x)])
            rec("datasketch", "slice", st, "MB/s", mbs, "MB/s")
            rec("datasketch", "slice", st, "neardup per core / datasketch", nd_core / mbs)
        rec("datasketch", "slice", "neardup", "tokenize+shingle+sketch MB/s per core", nd_core, "MB/s")
        md.append(nc.md_table(["sketcher", "MB/s", "neardup / it", "excl. tokenizing: neardup / it"],
                              rows))

    # variants
    if var:
        d0 = var[0][2].wall
        rows = []
        for name, opt, r in var:
            rows.append([name, "`%s`" % opt, "%.2f" % r.wall, "%.1f" % (mb / r.wall),
                         "%.2f" % (r.wall / d0)])
            rec("march", "news-40k", name, "wall", r.wall, "s")
            rec("march", "news-40k", name, "wall / default", r.wall / d0)
        md.append("\n## Compiler flags (dedup news-40k.jsonl.zst -j 2, no --timings)\n")
        md.append(nc.md_table(["build", "OPT", "wall s", "MB/s", "wall / default"], rows))

    if short:
        long1 = [r1 for w, _, r1, _ in short if w == 130][0]
        long_docs = [d for w, d, _, _ in short if w == 130][0]
        rows = []
        for words, docs, r1, r2 in short:
            per = (r1.wall / docs) / (long1.wall / long_docs)
            rows.append(["%d" % words, "%d" % docs, "%.2f" % r1.wall, "%.0f" % (docs / r1.wall),
                         "%.0f" % (docs / r1.cpu), "%.2f" % r2.wall, "%.0f" % (docs / r2.wall),
                         "%.2f / %.2f" % (r1.cpu, r2.cpu), "%.2f" % per, "%.0f" % (r1.rss_kb / 1024)])
            item = "%d-word documents" % words
            rec("short documents", "generated", item, "documents/s -j 1", docs / r1.wall, "docs/s")
            rec("short documents", "generated", item, "documents/s per CPU second -j 1", docs / r1.cpu, "docs/s")
            rec("short documents", "generated", item, "documents/s -j 2", docs / r2.wall, "docs/s")
            rec("short documents", "generated", item, "time a document / 130-word document's", per)
        md.append("\n## Short documents (issue 19; `bench/gen_short.py`, distinct documents, `dedup`)\n")
        md.append(nc.md_table(["words", "documents", "-j 1 s", "docs/s -j 1", "docs/s per CPU s -j 1",
                               "-j 2 s", "docs/s -j 2", "CPU s -j 1 / -j 2",
                               "time a doc / a 130-word doc's (-j 1)", "peak RSS MB -j 1"], rows))

    if big:
        bigf, bwc, bd, bp, bdocs, fr = big
        md.append("\n## Generated corpus\n\n`%s`: news-40k x%d (round 0 unchanged, rounds 1..%d with "
                  "word edits at rate %g), %d documents, %.0f MB of JSONL, %.0f MB of text, not "
                  "compressed. Edited copies grouped with their family by dedup -t 0.8: %s." % (
                      bigf, a.big_copies, a.big_copies - 1, a.rate, bdocs,
                      os.path.getsize(bigf) / 1e6, bd.text_mb(),
                      "-" if fr is None else "%.1f %%" % (fr * 100)))
        rec("generated", os.path.basename(bigf), "family recall", "share", fr)

    text = "\n".join(md) + "\n"
    with open(os.path.join(out, "bench.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "bench.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["section", "corpus", "item", "metric", "value", "unit"])
        w.writerows(csv_rows)
    print("\n" + text)
    print("wrote %s and %s" % (os.path.join(out, "bench.md"), os.path.join(out, "bench.csv")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
