"""neardup.Index: the files and answers of `neardup index build|add` and `neardup query`."""
import pytest

import neardup
from conftest import SAMPLE, SEEDS, jsonl


def test_build_query_equals_cli(cli, sample, tmp_path):
    ix = neardup.Index(tmp_path / "py.ndx").build(sample, id_field="id")
    cli("index", "build", SAMPLE, "-o", str(tmp_path / "cli.ndx"))
    expect = [(r["a"], r["b"], r["jaccard"]) for r in jsonl(cli("query", str(tmp_path / "cli.ndx"), SAMPLE,
                                                               "--format", "jsonl"))]
    assert expect
    got = ix.query(sample, id_field="id")
    assert [(q, ref, float("%g" % s)) for q, ref, s in got] == expect
    # the CLI answers the same from the file Python wrote
    assert jsonl(cli("query", str(tmp_path / "py.ndx"), SAMPLE, "--format", "jsonl")) == \
        jsonl(cli("query", str(tmp_path / "cli.ndx"), SAMPLE, "--format", "jsonl"))


def test_add_then_query(sample, tmp_path):
    first, rest = sample[:15], sample[15:]
    ix = neardup.Index(str(tmp_path / "ix.ndx")).build(first, id_field="id", threshold=0.5)
    before = ix.query(sample, id_field="id")  # the index's threshold, 0.5
    ix.add(rest, id_field="id")
    after = ix.query(sample, id_field="id")
    whole = neardup.Index(tmp_path / "whole.ndx").build(sample, id_field="id", threshold=0.5)
    assert set(before) < set(after) and after == whole.query(sample, id_field="id")
    with pytest.raises(ValueError, match="built for threshold 0.5"):
        ix.query(sample, threshold=0.8)


def test_query_overlap(cli, seeds, tmp_path):
    ix = neardup.Index(tmp_path / "seeds.ndx").build([("seed0", seeds[0])])
    [(q, ref, score, ps)] = ix.query([seeds[1]], mode="overlap")
    assert (q, ref) == (0, "seed0") and 0 < score < 1
    assert "ready to meet again with Russia" in seeds[1][ps[0].a_start:ps[0].a_end]
    assert "ready to meet again with Russia" in seeds[0][ps[0].b_start:ps[0].b_end]
    cli("index", "build", SEEDS[0], "-o", str(tmp_path / "cli.ndx"))
    [r] = jsonl(cli("query", str(tmp_path / "cli.ndx"), SEEDS[1], "--mode", "overlap", "--format", "jsonl"))
    assert [(p["a_start"], p["a_end"], p["b_start"], p["b_end"], p["words"]) for p in r["passages"]] == \
        [(p.a_start, p.a_end, p.b_start, p.b_end, p.words) for p in ps]


def test_errors(tmp_path):
    with pytest.raises(neardup.Error) as e:
        neardup.Index(tmp_path / "missing.ndx").query(["text"])
    assert e.value.status == neardup.E_INPUT and "missing.ndx" in e.value.message  # as the CLI: bad input
    bad = tmp_path / "bad.ndx"
    bad.write_bytes(b"not an index" * 100)
    with pytest.raises(neardup.Error) as e:
        neardup.Index(bad).query(["text"])
    assert e.value.status == neardup.E_FORMAT and "bad.ndx" in str(e.value)
    with pytest.raises(ValueError):
        neardup.Index(tmp_path / "x.ndx").query(["text"], mode="fuzzy")
    with pytest.raises(neardup.Error) as e:
        neardup.Index(tmp_path / "x.ndx").build([("same", "one text"), ("same", "another")])
    assert e.value.status == neardup.E_INPUT and "same" in e.value.message


def test_query_overlap_code_points(cli, seeds, tmp_path):
    """Non-ASCII query and reference: both sides' offsets are string indices,
    the CLI's byte offsets on the same files, converted."""
    ref, query = "Ünïcødé — 😀 " + seeds[0], "日本語 " * 5 + seeds[1]
    ix = neardup.Index(tmp_path / "u.ndx").build([("ref", ref)])
    [(_, _, _, ps)] = ix.query([query], mode="overlap")
    assert "ready to meet again with Russia" in query[ps[0].a_start:ps[0].a_end]
    assert "ready to meet again with Russia" in ref[ps[0].b_start:ps[0].b_end]
    (tmp_path / "ref.txt").write_text(ref, encoding="utf-8")
    (tmp_path / "q.txt").write_text(query, encoding="utf-8")
    cli("index", "build", str(tmp_path / "ref.txt"), "-o", str(tmp_path / "cli.ndx"))
    [r] = jsonl(cli("query", str(tmp_path / "cli.ndx"), str(tmp_path / "q.txt"), "--mode", "overlap",
                    "--format", "jsonl"))

    def index(text, off):
        return len(text.encode("utf-8")[:off].decode("utf-8"))
    assert [(index(query, p["a_start"]), index(query, p["a_end"]), index(ref, p["b_start"]),
             index(ref, p["b_end"])) for p in r["passages"]] == \
        [(p.a_start, p.a_end, p.b_start, p.b_end) for p in ps]


def test_index_parameters_are_the_index_s(seeds, tmp_path):
    """A query without options answers with the index's min_words (index build --min-words)."""
    ix = neardup.Index(tmp_path / "w.ndx").build([seeds[0]], min_words=30)
    [(_, ref, _, ps)] = ix.query([seeds[1]], mode="overlap")
    assert ref == "0" and ps[0].words >= 30
    with pytest.raises(ValueError, match="30"):
        ix.query([seeds[1]], mode="overlap", min_words=20)


def test_keyed_index(sample, tmp_path):
    key = bytes(range(32))
    ix = neardup.Index(tmp_path / "k.ndx").build(sample, id_field="id", key=key)
    keyed = ix.query(sample, id_field="id", key=key)
    plain = neardup.Index(tmp_path / "u.ndx").build(sample, id_field="id").query(sample, id_field="id")
    assert [(q, r) for q, r, _ in keyed] == [(q, r) for q, r, _ in plain]  # other hashes, same matches here
    assert [s for _, _, s in keyed] != [s for _, _, s in plain]
    with pytest.raises(neardup.Error) as e:
        ix.query(sample)
    assert e.value.status == neardup.E_KEY


def test_info(cli, sample, tmp_path):
    ix = neardup.Index(tmp_path / "i.ndx").build(sample, threshold=0.5, min_words=30, num_perm=64)
    info = ix.info()
    assert {k: info[k] for k in ("count", "ngram", "num_perm", "threshold", "min_words", "keyed")} == \
        {"count": 30, "ngram": 5, "num_perm": 64, "threshold": 0.5, "min_words": 30, "keyed": False}
    text = cli("index", "info", str(tmp_path / "i.ndx"), quiet=False)
    assert "--seed %d" % info["seed"] in text and "--num-perm 64, threshold 0.5" in text
    assert "(%d bands x %d rows)" % (info["bands"], info["rows"]) in text
    assert neardup.Index(tmp_path / "k.ndx").build(sample, key=bytes(32)).info()["keyed"]
    assert len(ix.add(sample[:3])) == 33  # records without ids: numbered on, 30, 31, 32
    refs = [ref for _, ref, _ in ix.query(sample[:1])]
    assert "0" in refs and "30" in refs  # the first record, and its copy added as the 31st
    with pytest.raises(neardup.Error, match='duplicate id "a"'):
        ix.add([("a", "x"), ("a", "y")])


def test_keyed_add(cli, sample, tmp_path):
    """Index.add on a keyed index (it failed: the key could not be given); the
    same answers as the CLI's `index add --key` on the same records."""
    key = bytes(range(32))
    kf = tmp_path / "k.key"
    kf.write_text("neardup-key-v1 " + key.hex() + "\n")
    ix = neardup.Index(tmp_path / "k.ndx").build(sample[:15], id_field="id", key=key)
    with pytest.raises(neardup.Error) as e:
        ix.add(sample[15:], id_field="id")  # no key: refused, the index unchanged
    assert e.value.status == neardup.E_KEY and len(ix) == 15
    with pytest.raises(neardup.Error) as e:
        ix.add(sample[15:], id_field="id", key=bytes(32))  # another key
    assert e.value.status == neardup.E_KEY
    assert len(ix.add(sample[15:], id_field="id", key=key)) == 30
    whole = neardup.Index(tmp_path / "w.ndx").build(sample, id_field="id", key=key)
    assert ix.query(sample, id_field="id", key=key) == whole.query(sample, id_field="id", key=key)
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    lines = open(SAMPLE, encoding="utf-8").read().splitlines(True)
    first.write_text("".join(lines[:15]))
    rest.write_text("".join(lines[15:]))
    cli("index", "build", str(first), "-o", str(tmp_path / "cli.ndx"), "--key", str(kf))
    cli("index", "add", str(tmp_path / "cli.ndx"), str(rest), "--key", str(kf))
    q = ["query", SAMPLE, "--format", "jsonl", "--key", str(kf)]
    assert jsonl(cli(q[0], str(tmp_path / "k.ndx"), *q[1:])) == jsonl(cli(q[0], str(tmp_path / "cli.ndx"), *q[1:]))
    assert (tmp_path / "k.ndx").read_bytes() == (tmp_path / "cli.ndx").read_bytes()
