#!/bin/sh
# clusters_bench.sh - the reprint-cluster benchmark (issue 23): generates the
# reprint corpus from news-40k (gen_reprints.py, once per seed), runs
# `neardup overlap --clusters` with dates and series, scores it against the
# truth (eval_clusters.py: pair F1, source accuracy, viral recall, clusters
# within one series, footer clusters), then times news-40k with and without
# --clusters in the same run (/usr/bin/time -v: wall and peak RSS).
#   sh bench/clusters_bench.sh [NEARDUP]       env: OUT (default build/reprints), SEED (23)
# Exits 1 when a target is missed (F1, source accuracy, viral recall >= 0.95; 0 clusters inside
# one series; 0 footer clusters).  Prints SKIP and exits 0 without the corpus.
set -eu
N=${1:-build/neardup}
OUT=${OUT:-build/reprints}
SEED=${SEED:-23}
CORPUS=../shared/corpora/news-40k.jsonl.zst
PY=/usr/bin/python3
[ -f "$CORPUS" ] || { echo "SKIP: $CORPUS is absent"; exit 0; }
[ -x "$N" ] || { echo "clusters_bench.sh: $N is not built (make first)" >&2; exit 2; }
D="$OUT/seed$SEED"
[ -f "$D/truth.jsonl" ] || "$PY" bench/gen_reprints.py --corpus "$CORPUS" --out "$D" --seed "$SEED" > /dev/null
echo "corpus: $(cat "$D/meta.json" | tr -d '\n ')"
/usr/bin/time -v "$N" overlap "$D/corpus.jsonl" --date-field date --series-field series --clusters "$D/clusters.jsonl" \
    --format jsonl -o "$D/pairs.jsonl" 2> "$D/run.err" || { cat "$D/run.err" >&2; exit 1; }
grep '^neardup overlap' "$D/run.err"
rc=0
"$PY" bench/eval_clusters.py --truth "$D/truth.jsonl" --clusters "$D/clusters.jsonl" --min-f1 0.95 --min-source 0.95 \
    --min-viral 0.95 > "$D/score.json" || rc=1
cat "$D/score.json"
"$PY" - "$D/score.json" <<'PY' || rc=1
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(1 if s["clusters_within_one_series"] or s["footer_clusters"] else 0)
PY
# news-40k: plain overlap against overlap --clusters (same run, same machine load)
NEWS="$OUT/news-40k.jsonl"
[ -f "$NEWS" ] || zstd -dcq "$CORPUS" > "$NEWS"
echo
echo "| news-40k | wall s | peak RSS MB |"
echo "|---|---|---|"
for mode in plain clusters; do
    set -- --format jsonl -o "$OUT/news.pairs.jsonl"
    [ $mode = clusters ] && set -- "$@" --clusters "$OUT/news.clusters.jsonl"
    /usr/bin/time -v "$N" overlap "$NEWS" "$@" -q 2> "$OUT/news.$mode.time"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/news.$mode.time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/news.$mode.time")
    echo "| overlap $([ $mode = clusters ] && echo '--clusters' || echo '(pairs only)') | $wall | $((rss / 1024)) |"
done
echo "news-40k clusters: $(wc -l < "$OUT/news.clusters.jsonl")"
[ $rc -eq 0 ] || echo "clusters_bench.sh: a target was missed" >&2
exit $rc
