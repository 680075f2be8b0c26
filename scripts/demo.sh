#!/bin/sh
# make demo: dedup and pairs on the bundled sample, then overlap on the seeds.
set -eu
BIN=${1:-build/neardup}
DATA=tests/data
OUT=build/demo
mkdir -p "$OUT"
echo "== neardup pairs $DATA/sample.jsonl -t 0.5 (near-duplicate pairs, Jaccard of word 5-grams)"
"$BIN" pairs "$DATA/sample.jsonl" -t 0.5
echo
echo "== neardup dedup $DATA/sample.jsonl -t 0.8 -o $OUT/kept.jsonl --clusters $OUT/clusters.jsonl"
"$BIN" dedup "$DATA/sample.jsonl" -t 0.8 -o "$OUT/kept.jsonl" --clusters "$OUT/clusters.jsonl"
echo "clusters ($OUT/clusters.jsonl):"
cat "$OUT/clusters.jsonl"
if "$BIN" --help | grep -q '^  overlap'; then
    echo
    echo "== neardup overlap $DATA/seeds (two articles sharing one quoted statement; Jaccard 0.064)"
    "$BIN" overlap "$DATA/seeds"
fi
