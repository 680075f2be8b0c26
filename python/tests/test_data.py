"""The training-data jobs (issue 24) against the command on the same records:
dedup --against / --keep / --removed / --annotate, strip, contamination."""
import json

import pytest

import neardup
from conftest import SAMPLE, jsonl


def write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


@pytest.fixture()
def split(sample, tmp_path):
    """References: the sample's first 10 records; inputs: the other 20 and an
    exact copy of reference 2 under a new id (as tests/cli/dedup_against.sh)."""
    refs, inputs = sample[:10], sample[10:] + [dict(sample[1], id="copy-of-97")]
    return refs, inputs, write(tmp_path / "ref.jsonl", refs), write(tmp_path / "in.jsonl", inputs)


def cli_dedup(cli, tmp_path, inputs, *args):
    kept, removed = tmp_path / "kept.jsonl", tmp_path / "removed.jsonl"
    cli("dedup", inputs, "-o", str(kept), "--removed", str(removed), "--annotate", *args)
    return jsonl(kept.read_text()), jsonl(removed.read_text())


def assert_same(decisions, records, kept, removed):
    """Python's decisions (named by id) are the command's: the kept records
    with their clusters (--annotate), the removed ones (--removed)."""
    assert [(r["id"], d.cluster) for r, d in zip(records, decisions) if d.kept] == \
        [(k["id"], k["cluster"]) for k in kept]
    assert [{"id": r["id"], "duplicate_of": d.duplicate_of, "score": float("%.6g" % d.score), "cluster": d.cluster}
            for r, d in zip(records, decisions) if not d.kept] == removed


def test_dedup_against(cli, split, tmp_path):
    refs, inputs, ref_path, in_path = split
    kept, removed = cli_dedup(cli, tmp_path, in_path, "--against", ref_path, "-t", "0.5")
    got = neardup.dedup(inputs, threshold=0.5, against=refs, id_field="id", details=True)
    assert_same(got, inputs, kept, removed)
    assert any(d.reference for d in got) and {d.duplicate_of for d in got if d.reference} <= {r["id"] for r in refs}
    assert neardup.dedup(inputs, threshold=0.5, against=refs, id_field="id") == \
        [None if d.kept else d.duplicate_of for d in got]
    # references without ids are named by position in against
    plain = neardup.dedup([r["text"] for r in inputs], threshold=0.5, against=[r["text"] for r in refs])
    assert [d if d is None else refs[d]["id"] if got[i].reference else inputs[d]["id"]
            for i, d in enumerate(plain)] == [d.duplicate_of for d in got]


@pytest.mark.parametrize("keep", ["first", "longest", "shortest", "none", "max:n", "min:n"])
def test_dedup_keep(cli, sample, tmp_path, keep):
    records = [dict(r, n=(i * 7) % 11) for i, r in enumerate(sample)]
    kept, removed = cli_dedup(cli, tmp_path, write(tmp_path / "n.jsonl", records), "-t", "0.5", "--keep", keep)
    got = neardup.dedup(records, threshold=0.5, keep=keep, id_field="id", details=True)
    assert_same(got, records, kept, removed)
    assert removed  # the sample has clusters at 0.5


def test_dedup_keep_errors(sample):
    with pytest.raises(ValueError, match="keep"):
        neardup.dedup(sample, keep="largest")
    with pytest.raises(ValueError, match="no 'n' field"):
        neardup.dedup(sample, keep="max:n")


def cli_strip(cli, tmp_path, inputs, *args):
    out, spans = tmp_path / "out.jsonl", tmp_path / "spans.jsonl"
    cli("strip", inputs, "-o", str(out), "--spans", str(spans), *args)
    return jsonl(out.read_text()), jsonl(spans.read_text())


def assert_strip_same(got, records, out, spans, refs=()):
    """The texts -o writes (dropped ones left out) and the --spans records."""
    assert [{**r, "text": s.text} for r, s in zip(records, got) if not s.dropped] == out
    ids = {r["id"] for r in refs}
    expect = []
    for r, s in zip(records, got):
        if not s.cuts:
            continue
        removed = [{"start": c.start, "end": c.end, "words": c.words, "nrepeats": len(c.repeats),
                    "repeats": [dict({"id": p.source}, **({"reference": True} if p.reference else {}),
                                     start=p.start, end=p.end, this_start=p.this_start, this_end=p.this_end,
                                     identity=float("%.4g" % p.identity)) for p in c.repeats[:8]]}
                   for c in s.cuts]
        expect.append({"id": r["id"], "words": s.words, "kept_words": s.kept_words, "dropped": s.dropped,
                       "removed": removed})
        assert all(p.source in ids for c in s.cuts for p in c.repeats if p.reference)
    assert expect == spans


@pytest.mark.parametrize("args", [{"min_words": 10, "min_keep": 50}, {"min_words": 12, "sentences": True}])
def test_strip(cli, sample, tmp_path, args):
    cmd = ["-w", str(args["min_words"])] + (["--min-keep", str(args["min_keep"])] if "min_keep" in args else []) + \
        (["--sentences"] if args.get("sentences") else [])
    out, spans = cli_strip(cli, tmp_path, SAMPLE, *cmd)
    got = neardup.strip(sample, id_field="id", **args)
    assert spans and any(s.dropped for s in got)
    assert_strip_same(got, sample, out, spans)
    for r, s in zip(sample, got):  # the cuts are the text's: slices of it
        for c in s.cuts:
            assert r["text"][c.start:c.end].split()[0] in r["text"]
            for p in c.repeats:
                assert sample[[x["id"] for x in sample].index(p.source)]["text"][p.start:p.end]


def test_strip_against(cli, split, tmp_path):
    refs, inputs, ref_path, in_path = split
    out, spans = cli_strip(cli, tmp_path, in_path, "--against", ref_path, "-w", "10")
    got = neardup.strip(inputs, min_words=10, against=refs, id_field="id")
    assert any(p.reference for s in got for c in s.cuts for p in c.repeats)
    assert_strip_same(got, inputs, out, spans, refs)


def test_strip_code_points():
    """Offsets are string indices in any script: the cut is the repeated text."""
    shared = " ".join("слово%d" % i for i in range(60))
    a, b = "Начало: " + shared + " конец.", "Другое — " + shared + " и всё."
    [s0, s1] = neardup.strip([a, b], min_words=50, min_keep=0)
    assert s0.text == a and not s0.cuts and len(s1.cuts) == 1
    c = s1.cuts[0]
    assert b[c.start:c.end] == shared and a[c.repeats[0].start:c.repeats[0].end] == shared
    assert s1.text == "Другое — и всё."


def test_contamination(cli, sample, tmp_path):
    # items: halves of some sample texts (found), and texts of no record (clean)
    items = [{"id": "q%d" % i, "text": " ".join(r["text"].split()[:40])} for i, r in enumerate(sample[:8])]
    items += [{"id": "clean%d" % i, "text": "words that no corpus record holds at all number %d " % i * 3} for i in range(3)]
    bench = write(tmp_path / "bench.jsonl", items)
    report = jsonl(cli("contamination", "-b", bench, SAMPLE, "-n", "8"))
    got = neardup.contamination(items, sample, ngram=8, id_field="id")
    for g in got:
        g["coverage"] = float("%.4g" % g["coverage"])
    assert got == report
    assert [g["contaminated"] for g in got] == [True] * 8 + [False] * 3


def test_contamination_fields(cli, sample, tmp_path):
    items = []
    for i, r in enumerate(sample[:6]):
        w = r["text"].split()
        items.append({"id": "x%d" % i, "question": " ".join(w[:30]), "answer": " ".join(w[30:60] if i % 2 else
                                                                                        ["not", "in", "it"] * 9)})
    bench = write(tmp_path / "bench.jsonl", items)
    report = jsonl(cli("contamination", "-b", bench, SAMPLE, "--fields", "question,answer", "--min-coverage", "0.5"))
    got = neardup.contamination(items, sample, fields=["question", "answer"], min_coverage=0.5, id_field="id")
    for g in got:
        g["coverage"] = float("%.4g" % g["coverage"])
    assert got == report
    assert [g["contaminated"] for g in got] == [i % 2 == 1 for i in range(6)]


def test_overlap_clusters(cli, sample, seeds, tmp_path):
    out = tmp_path / "clusters.jsonl"
    cli("overlap", SAMPLE, "-o", str(tmp_path / "pairs.txt"), "--clusters", str(out), "--min-words", "15")
    want = jsonl(out.read_text())
    got = neardup.overlap_clusters(sample, min_words=15, id_field="id")
    assert want and got == want
    [k] = neardup.overlap_clusters(seeds, min_words=20)  # the seeds' one shared statement
    assert k["size"] == 2 and "ready to meet again with Russia" in seeds[1][k["witnesses"][1]["start"]:k["witnesses"][1]["end"]]
