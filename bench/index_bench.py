#!/usr/bin/python3
"""index_bench.py - build a reference index of 1,000,000 documents and query it.

The documents repeat news-40k (../shared/corpora/news-40k.jsonl.zst, read, never
copied) with random word edits: copy 0 is the corpus itself, every later copy
replaces about 2% of each document's words with random words from the corpus.
The queries are other edited copies of randomly chosen articles, a quarter
each with 0%, 1%, 3% and 10% of their words replaced (near-duplicates down to
copies that share only passages).

Reports: build MB/s (text bytes / wall time), bytes per document on disk, peak
RSS of build (/usr/bin/time -v), and per-article query latency p50 / p99 for
--mode dup and --mode overlap (in-process, from `neardup query --timings`:
sketch + lookup + score/align per article after tokenizing), plus the wall
time of whole one-article query processes (open + check + answer).

Generated data goes under --workdir (default build/index_bench) and is deleted
afterwards unless --keep.  Standard library only.

    /usr/bin/python3 bench/index_bench.py [--docs 1000000] [--queries 1000] [--bin build/neardup]
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "corpora", "news-40k.jsonl.zst")


def read_corpus():
    out = subprocess.run(["zstd", "-dc", CORPUS], check=True, stdout=subprocess.PIPE).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def edit(text, rate, rng, vocab):
    """Replaces about rate of the words (whitespace kept as single spaces)."""
    words = text.split()
    n = len(words)
    for _ in range(int(n * rate + rng.random())):
        words[rng.randrange(n)] = rng.choice(vocab)
    return " ".join(words)


def generate(docs, ndocs, path, rng, vocab):
    text_bytes = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(ndocs):
            copy, j = divmod(i, len(docs))
            d = docs[j]
            t = d["text"] if copy == 0 else edit(d["text"], 0.02, rng, vocab)
            line = json.dumps({"id": "c%d-%s" % (copy, d["id"]), "text": t}, ensure_ascii=False)
            text_bytes += len(t.encode("utf-8"))
            f.write(line + "\n")
    return text_bytes


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (wall s, peak RSS MB, stderr)."""
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    wall = time.monotonic() - t0
    if p.returncode:
        sys.exit("index_bench: %s failed (exit %d):\n%s" % (" ".join(cmd), p.returncode, p.stderr[-3000:]))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return wall, rss, p.stderr, p.stdout


def query_mode(binary, index, qpath, mode, nq, single):
    wall, rss, err, out = timed([binary, "query", index, qpath, "--mode", mode, "--timings",
                                 "--format", "jsonl"])
    m = re.search(r"p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms", err)
    hits = sum(1 for _ in out.splitlines())
    cold = []
    for path in single:
        t0 = time.monotonic()
        subprocess.run([binary, "query", index, path, "--mode", mode, "-q", "-j", "1"], check=True,
                       stdout=subprocess.DEVNULL)
        cold.append((time.monotonic() - t0) * 1e3)
    cold.sort()
    return {
        "mode": mode, "queries": nq, "records": hits, "wall_s": round(wall, 2), "peak_rss_mb": round(rss),
        "p50_ms": float(m.group(1)), "p99_ms": float(m.group(2)), "max_ms": float(m.group(3)),
        "one_article_process_p50_ms": round(cold[len(cold) // 2], 1),
        "one_article_process_max_ms": round(cold[-1], 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--single", type=int, default=20, help="one-article query processes to time")
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "neardup"))
    ap.add_argument("--workdir", default=os.path.join(HERE, "..", "build", "index_bench"))
    ap.add_argument("--modes", default="dup,overlap")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(CORPUS):
        print("index_bench: skipped: %s is absent" % CORPUS)
        return
    os.makedirs(a.workdir, exist_ok=True)
    rng = random.Random(20240601)
    try:
        t0 = time.monotonic()
        docs = read_corpus()
        vocab = [w for d in docs[:2000] for w in d["text"].split()]
        gen = os.path.join(a.workdir, "ref.jsonl")
        text_bytes = generate(docs, a.docs, gen, rng, vocab)
        qpath = os.path.join(a.workdir, "queries.jsonl")
        single = []
        with open(qpath, "w", encoding="utf-8") as f:
            for i in range(a.queries):
                d = rng.choice(docs)
                line = json.dumps({"id": "query-%d" % i, "text": edit(d["text"], (0, 0.01, 0.03, 0.1)[i % 4], rng, vocab)},
                                  ensure_ascii=False) + "\n"
                f.write(line)
                if i < a.single:
                    single.append(os.path.join(a.workdir, "q%d.jsonl" % i))
                    with open(single[-1], "w", encoding="utf-8") as g:
                        g.write(line)
        print("generated %d documents (%.1f MB of text, %.1f MB JSONL) in %.0f s" %
              (a.docs, text_bytes / 1e6, os.path.getsize(gen) / 1e6, time.monotonic() - t0), flush=True)
        index = os.path.join(a.workdir, "ref.ndx")
        wall, rss, err, _ = timed([a.bin, "index", "build", gen, "-o", index, "--timings"])
        size = os.path.getsize(index)
        res = {
            "documents": a.docs, "text_mb": round(text_bytes / 1e6, 1), "build_wall_s": round(wall, 1),
            "build_mb_per_s": round(text_bytes / 1e6 / wall, 1), "build_peak_rss_mb": round(rss),
            "index_mb": round(size / 1e6, 1), "bytes_per_document": round(size / a.docs),
            "threads": os.cpu_count(),
        }
        print(err.strip().splitlines()[0] if err.strip() else "", flush=True)
        info = subprocess.run([a.bin, "index", "info", index], stdout=subprocess.PIPE, text=True).stdout
        print(info.strip(), flush=True)
        print(json.dumps(res), flush=True)
        for mode in a.modes.split(","):
            print(json.dumps(query_mode(a.bin, index, qpath, mode, a.queries, single)), flush=True)
    finally:
        if not a.keep:
            shutil.rmtree(a.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
