"""neardup.dedup and neardup.pairs: the decisions and pairs of `neardup dedup`
and `neardup pairs` on tests/data/sample.jsonl, over every kind of record."""
import pytest

import neardup
from conftest import SAMPLE, jsonl


def cli_removed(cli, tmp_path, *args):
    """{id: duplicate_of} of `neardup dedup --removed`."""
    removed = tmp_path / "removed.jsonl"
    cli("dedup", SAMPLE, "-o", str(tmp_path / "kept.jsonl"), "--removed", str(removed), *args)
    return {r["id"]: r["duplicate_of"] for r in jsonl(removed.read_text())}


@pytest.mark.parametrize("threshold", [0.8, 0.5, 0.3])
def test_dedup_equals_cli(cli, sample, tmp_path, threshold):
    expect = cli_removed(cli, tmp_path, "-t", str(threshold))
    assert expect  # the sample holds near-duplicates at every one of these thresholds
    got = neardup.dedup(sample, threshold=threshold, id_field="id")
    assert {r["id"]: d for r, d in zip(sample, got) if d is not None} == expect


def test_dedup_record_kinds(sample):
    texts = [r["text"] for r in sample]
    by_index = neardup.dedup(texts, threshold=0.5)
    assert any(d is not None for d in by_index)
    assert neardup.dedup(sample, threshold=0.5) == by_index          # dicts, no id_field: positions
    assert neardup.dedup(iter(texts), threshold=0.5) == by_index     # any iterable
    ids = [r["id"] for r in sample]
    by_id = neardup.dedup(list(zip(ids, texts)), threshold=0.5)     # (id, text): ids
    assert by_id == [None if d is None else ids[d] for d in by_index]
    for i, d in enumerate(by_index):  # the kept one comes first and is itself kept
        assert d is None or (d < i and by_index[d] is None)


def test_dedup_hugging_face_rows():
    rows = [{"text": "the quick brown fox jumps over the lazy dog near the river bank today", "n": 1},
            {"text": "an unrelated sentence about the weather in the mountains this week", "n": 2},
            {"text": "the quick brown fox jumps over the lazy dog near the river bank today", "n": 3}]
    assert neardup.dedup(rows) == [None, None, 0]
    assert neardup.dedup(rows, id_field="n") == [None, None, 1]
    assert neardup.dedup([{"body": r["text"]} for r in rows], text_field="body") == [None, None, 0]
    assert neardup.dedup([]) == []


def test_pairs_equal_cli(cli, sample):
    for threshold in ("0.5", "0.8"):
        expect = [(r["a"], r["b"], r["jaccard"])
                  for r in jsonl(cli("pairs", SAMPLE, "-t", threshold, "--format", "jsonl"))]
        assert len(expect) == {"0.5": 7, "0.8": 3}[threshold]
        got = neardup.pairs([(r["id"], r["text"]) for r in sample], threshold=float(threshold))
        assert [(a, b, float("%g" % s)) for a, b, s in got] == expect  # the CLI prints 6 digits
        by_index = neardup.pairs([r["text"] for r in sample], threshold=float(threshold))
        assert [(sample[i]["id"], sample[j]["id"], s) for i, j, s in by_index] == got


def test_options_change_results(sample):
    texts = [r["text"] for r in sample]
    assert neardup.pairs(texts, threshold=0.5, seed=1) != neardup.pairs(texts, threshold=0.5)
    keyed = neardup.pairs(texts, threshold=0.5, key=bytes(range(32)))
    assert keyed and keyed != neardup.pairs(texts, threshold=0.5)


def test_bad_records():
    with pytest.raises(TypeError):
        neardup.dedup("a single string")
    with pytest.raises(TypeError, match=r"records\[1\]"):
        neardup.dedup(["ok", 42])
    with pytest.raises(TypeError, match=r"texts\[0\]"):
        neardup.dedup([{"text": None}])
    with pytest.raises(ValueError, match="'text'"):
        neardup.dedup([{"body": "x"}])
    with pytest.raises(ValueError, match="'id'"):
        neardup.dedup([{"text": "x"}], id_field="id")
    with pytest.raises(ValueError):
        neardup.dedup(["x"], threshold=1.5)
    with pytest.raises(ValueError):
        neardup.pairs(["x"], num_perm=0)
    with pytest.raises(ValueError):
        neardup.pairs(["x"], metric="cosine")


def test_any_thread_count_same_results(sample):
    texts = [r["text"] for r in sample]
    for job in (neardup.pairs, neardup.dedup, neardup.overlap):
        kw = {"threshold": 0.5} if job is not neardup.overlap else {}
        base = job(texts, **kw)
        assert all(job(texts, threads=t, **kw) == base for t in (1, 2, 3))
