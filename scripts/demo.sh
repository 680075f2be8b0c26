#!/bin/sh
# make demo: near-duplicates on the bundled sample, then the passage two real
# articles share (their word-5-gram Jaccard is only 0.064), as text and HTML.
set -eu
BIN=${1:-build/neardup}
DATA=tests/data
OUT=build/demo
mkdir -p "$OUT"
echo "== neardup pairs $DATA/sample.jsonl -t 0.5   (near-duplicate pairs: Jaccard of word 5-grams)"
"$BIN" pairs "$DATA/sample.jsonl" -t 0.5
echo
echo "== neardup dedup $DATA/sample.jsonl -t 0.8 -o $OUT/kept.jsonl --clusters $OUT/clusters.jsonl"
"$BIN" dedup "$DATA/sample.jsonl" -t 0.8 -o "$OUT/kept.jsonl" --clusters "$OUT/clusters.jsonl"
echo "clusters ($OUT/clusters.jsonl):"
cat "$OUT/clusters.jsonl"
echo
echo "== neardup overlap $DATA/seeds   (two articles sharing one quoted statement; Jaccard 0.064)"
"$BIN" overlap "$DATA/seeds"
"$BIN" overlap "$DATA/seeds" --format html -o "$OUT/report.html" -q
echo
echo "The same as a self-contained HTML report: $OUT/report.html"
