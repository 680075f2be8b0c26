"""neardup.align: passages as Python string indices, equal to `neardup align`."""
import pytest

import neardup
import os

from conftest import ROOT, SEEDS, jsonl

STATEMENT = ("ready to meet again with Russia and are committed to pursuing continued diplomacy "
             "and reciprocal dialogue")


def cli_passages(cli, path_a, path_b, *args):
    return [(r["a_start"], r["a_end"], r["b_start"], r["b_end"], r["words"], r["matches"])
            for r in jsonl(cli("align", path_a, path_b, "--format", "jsonl", *args))]


def as_tuples(ps):
    return [(p.a_start, p.a_end, p.b_start, p.b_end, p.words, p.matches) for p in ps]


SHARED_SEEDS = "/work/shared/seeds"  # the originals the repository's copies come from, when present


@pytest.mark.parametrize("where", ["tests/data/seeds", SHARED_SEEDS])
def test_seed_statement_is_the_slice(seeds, where):
    if where == SHARED_SEEDS:
        if not os.path.isdir(SHARED_SEEDS):
            pytest.skip("%s is absent" % SHARED_SEEDS)
        seeds = [open(os.path.join(SHARED_SEEDS, os.path.basename(p)), encoding="utf-8").read() for p in SEEDS]
    a, b = seeds
    ps = neardup.align(a, b)
    assert len(ps) == 1
    p = ps[0]
    assert STATEMENT in a[p.a_start:p.a_end]
    assert STATEMENT in b[p.b_start:p.b_end]
    assert p.words == 47 and p.matches == 47 and p.identity == 1.0


@pytest.mark.parametrize("min_words", [None, 10, 30])
@pytest.mark.parametrize("verbatim", [False, True])
def test_seeds_equal_cli(cli, seeds, min_words, verbatim):
    a, b = seeds
    args = ([] if min_words is None else ["--min-words", str(min_words)]) + (["--verbatim"] if verbatim else [])
    assert as_tuples(neardup.align(a, b, min_words=min_words, verbatim=verbatim)) == cli_passages(cli, *SEEDS, *args)


REWRITE = [os.path.join(ROOT, "tests", "data", "rewrite", f) for f in ("council.txt", "council-rewritten.txt")]


@pytest.mark.parametrize("verbatim", [False, True])
def test_rewritten_equal_cli(cli, verbatim):
    """Rewritten passages (the default) and copies only (verbatim), as neardup align."""
    a, b = (open(p, encoding="utf-8").read() for p in REWRITE)
    expect = cli_passages(cli, *REWRITE, *(["--verbatim"] if verbatim else []))
    assert as_tuples(neardup.align(a, b, verbatim=verbatim)) == expect


def byte_to_index(text, off):
    return len(text.encode("utf-8")[:off].decode("utf-8"))


def test_code_points_not_bytes(cli, seeds, tmp_path):
    """Non-ASCII text before and inside the passage: Python indices, and the
    CLI's byte offsets, converted, are the same positions."""
    a = "Ünïcødé — 😀 prefix, « quotes » and ß. " + seeds[0].replace("Russia", "Russía")
    b = "日本語のテキスト。 " + seeds[1].replace("Russia", "Russía")
    pa, pb = tmp_path / "a.txt", tmp_path / "b.txt"
    pa.write_text(a, encoding="utf-8")
    pb.write_text(b, encoding="utf-8")
    ps = neardup.align(a, b)
    assert ps and STATEMENT.replace("Russia", "Russía") in a[ps[0].a_start:ps[0].a_end]
    expect = [(byte_to_index(a, s), byte_to_index(a, e), byte_to_index(b, bs), byte_to_index(b, be), w, m)
              for s, e, bs, be, w, m in cli_passages(cli, str(pa), str(pb))]
    assert as_tuples(ps) == expect
    for p in ps:  # the passages are whole words in both texts
        assert a[p.a_start:p.a_end].split()[0] == b[p.b_start:p.b_end].split()[0]


def test_nothing_shared():
    assert neardup.align("one two three four five six", "seven eight nine ten eleven") == []
    assert neardup.align("", "") == []


def test_passage_is_a_named_tuple(seeds):
    p = neardup.align(*seeds)[0]
    assert isinstance(p, neardup.Passage)
    a_start, a_end, b_start, b_end, words, matches, identity = p
    assert (a_start, words) == (p.a_start, p.words)


def test_bad_arguments(seeds):
    with pytest.raises(TypeError):
        neardup.align(b"bytes", "str")
    with pytest.raises(TypeError):
        neardup.align("a", None)
    with pytest.raises(ValueError):
        neardup.align("a", "b", min_words=0)
    with pytest.raises(ValueError):
        neardup.align("a", "b", ngram=0)
    with pytest.raises(TypeError):
        neardup.align("a", "b", min_words="20")
    with pytest.raises(TypeError):
        neardup.align("a", "b", colour=True)  # unknown option
    with pytest.raises(ValueError):
        neardup.align("a", "b", key=b"short")
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate is not text
        neardup.align("bad \udc80 text", "b")


def test_library_usage_error(seeds):
    """A value only the library can judge: neardup.UsageError, both a
    neardup.Error (status E_USAGE, the library's message) and a ValueError."""
    with pytest.raises(ValueError) as e:
        neardup.align(*seeds, language="klingon")
    assert isinstance(e.value, neardup.Error) and isinstance(e.value, neardup.UsageError)
    assert e.value.status == neardup.E_USAGE and "klingon" in e.value.message and "english" in str(e.value)
    with pytest.raises(neardup.Error):
        neardup.overlap(seeds, edited=True, language="klingon")
    assert neardup.align(*seeds, language="french")  # a Snowball name
