"""neardup.read: inputs read as the command line reads them."""
import subprocess

import pytest

import neardup
from conftest import ROOT, SAMPLE, jsonl


def test_read_jsonl_and_zst(sample, tmp_path):
    records = neardup.read(SAMPLE)
    assert records == [(r["id"], r["text"]) for r in sample]
    subprocess.run(["zstd", "-q", SAMPLE, "-o", str(tmp_path / "s.jsonl.zst")], check=True)
    assert neardup.read(tmp_path / "s.jsonl.zst") == records
    assert neardup.read(SAMPLE, id_field="source")[0][0] == "reuters21578"


def test_read_then_pairs_equals_cli(cli):
    expect = [(r["a"], r["b"]) for r in jsonl(cli("pairs", SAMPLE, "-t", "0.5", "--format", "jsonl"))]
    assert [(a, b) for a, b, _ in neardup.pairs(neardup.read(SAMPLE), threshold=0.5)] == expect


def test_read_html_and_directories():
    pages = neardup.read(ROOT + "/tests/data/html")
    assert [i.rsplit("/", 1)[1] for i, _ in pages] == ["globewire-nato.html", "ledger-nato-2.html", "ledger-nato.html"]
    assert all("<" not in t and "ready to meet again with Russia" in t for _, t in pages)


def test_read_errors(tmp_path):
    with pytest.raises(neardup.Error) as e:
        neardup.read(tmp_path / "missing.jsonl")
    assert "missing.jsonl" in e.value.message
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": \n')
    with pytest.raises(neardup.Error) as e:
        neardup.read(bad)
    assert e.value.status == neardup.E_INPUT and "bad.jsonl:2" in e.value.message
