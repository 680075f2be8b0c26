"""neardup.overlap and the metrics of neardup.pairs: equal to `neardup overlap`
and `neardup pairs --metric M` on tests/data, offsets as string indices."""
import pytest

import neardup
from conftest import SAMPLE, SEEDS, jsonl

PASSAGE = ("a_start", "a_end", "b_start", "b_end", "words", "matches")


def cli_overlap(cli, *args):
    return [(r["a"], r["b"], [tuple(p[k] for k in PASSAGE) for p in r["passages"]])
            for r in jsonl(cli("overlap", *args, "--format", "jsonl"))]


def as_tuples(found):
    return [(a, b, [tuple(getattr(p, k) for k in PASSAGE) for p in ps]) for a, b, ps in found]


@pytest.mark.parametrize("args", [[], ["--min-words", "30"], ["--edited"], ["--max-df", "2"]])
def test_overlap_equals_cli(cli, sample, args):
    opts = {"--min-words": ("min_words", int), "--max-df": ("max_df", int)}
    kw = {"edited": "--edited" in args}
    for flag, value in zip(args, args[1:]):
        if flag in opts:
            kw[opts[flag][0]] = opts[flag][1](value)
    expect = cli_overlap(cli, SAMPLE, *args)
    assert expect
    assert as_tuples(neardup.overlap([(r["id"], r["text"]) for r in sample], **kw)) == expect


def test_overlap_seeds(cli, seeds):
    found = neardup.overlap(seeds)
    assert [(a, b) for a, b, _ in found] == [(0, 1)]
    p = found[0][2][0]
    assert "ready to meet again with Russia" in seeds[0][p.a_start:p.a_end]
    assert as_tuples([(SEEDS[0], SEEDS[1], found[0][2])]) == cli_overlap(cli, *SEEDS)


def test_overlap_code_points(seeds):
    pa, pb = "Ünïcødé — 😀 ", "日本語 " * 7
    a, b = pa + seeds[0], pb + seeds[1]
    [(_, _, ps)] = neardup.overlap([a, b])
    [(_, _, plain)] = neardup.overlap(seeds)
    assert (ps[0].a_start - plain[0].a_start, ps[0].b_start - plain[0].b_start) == (len(pa), len(pb))
    assert a[ps[0].a_start:ps[0].a_end] == seeds[0][plain[0].a_start:plain[0].a_end]


@pytest.mark.parametrize("metric,field,threshold", [("simhash", "hamming", None), ("exact", "jaccard", None),
                                                    ("containment", "containment", "0.5"),
                                                    ("jaccard", "jaccard", "0.5")])
def test_pairs_metrics_equal_cli(cli, sample, metric, field, threshold):
    args = ["--metric", metric] + (["-t", threshold] if threshold else [])
    expect = [(r["a"], r["b"], r[field]) for r in jsonl(cli("pairs", SAMPLE, *args, "--format", "jsonl"))]
    assert expect
    kw = {"threshold": float(threshold)} if threshold else {}
    got = neardup.pairs([(r["id"], r["text"]) for r in sample], metric=metric, **kw)
    assert [(a, b, float("%g" % s)) for a, b, s in got] == expect


def test_pairs_exact_jaccard(cli, sample):
    expect = [(r["a"], r["b"], r["jaccard"]) for r in jsonl(cli("pairs", SAMPLE, "--exact", "-t", "0.5",
                                                               "--format", "jsonl"))]
    got = neardup.pairs([(r["id"], r["text"]) for r in sample], threshold=0.5, exact=True)
    assert [(a, b, float("%g" % s)) for a, b, s in got] == expect


@pytest.mark.parametrize("metric", ["simhash", "exact", "containment"])
def test_dedup_metrics_equal_cli(cli, sample, tmp_path, metric):
    removed = tmp_path / "removed.jsonl"
    cli("dedup", SAMPLE, "--metric", metric, "-o", str(tmp_path / "kept.jsonl"), "--removed", str(removed))
    expect = {r["id"]: r["duplicate_of"] for r in jsonl(removed.read_text())}
    got = neardup.dedup(sample, metric=metric, id_field="id")
    assert {r["id"]: d for r, d in zip(sample, got) if d is not None} == expect


def test_dedup_scores_equal_cli(cli, sample, tmp_path):
    removed = tmp_path / "removed.jsonl"
    cli("dedup", SAMPLE, "-t", "0.5", "-o", str(tmp_path / "kept.jsonl"), "--removed", str(removed))
    expect = {r["id"]: (r["duplicate_of"], r["score"]) for r in jsonl(removed.read_text())}
    got = neardup.dedup(sample, threshold=0.5, id_field="id", scores=True)
    assert {r["id"]: (d, round(s, 4)) for r, (d, s) in zip(sample, got) if d is not None} == \
        {k: (d, round(s, 4)) for k, (d, s) in expect.items()}
