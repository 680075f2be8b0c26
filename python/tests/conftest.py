"""Shared fixtures: the neardup binary and data the results are compared with.

Run by tests/cli/python.sh (`make test`) with PYTHONPATH=BUILD/python and
NEARDUP=BUILD/neardup; by hand: PYTHONPATH=build/python python3 -m pytest python/tests
"""
import json
import os
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLE = os.path.join(ROOT, "tests", "data", "sample.jsonl")
SEEDS = [os.path.join(ROOT, "tests", "data", "seeds", f)
         for f in ("000_e994c8c5101e7cdf.txt", "003_9a10c820da11214b.txt")]


@pytest.fixture(scope="session")
def cli():
    """Runs the neardup binary; returns its standard output (text)."""
    exe = os.environ.get("NEARDUP", os.path.join(ROOT, "build", "neardup"))
    if not os.access(exe, os.X_OK):
        pytest.fail("no neardup binary at %s (make, or set NEARDUP)" % exe)

    def run(*args, quiet=True):
        r = subprocess.run([exe, *args] + (["-q"] if quiet else []), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert r.returncode == 0, r.stderr.decode()
        return r.stdout.decode()
    return run


@pytest.fixture(scope="session")
def sample():
    """tests/data/sample.jsonl as a list of dicts (30 records, 7 pairs at 0.5)."""
    with open(SAMPLE, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def seeds():
    """The two seed articles (they share one quoted statement)."""
    out = []
    for p in SEEDS:
        with open(p, encoding="utf-8") as f:
            out.append(f.read())
    return out


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]
