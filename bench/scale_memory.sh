#!/bin/sh
# scale_memory.sh - dedup --memory on a corpus several times the limit:
# news-40k replicated with random word edits (bench/gen_edited.py) to
# COPIES x 62 MB, deduplicated without a limit (baseline) and with --memory
# LIMIT; prints corpus / limit, peak RSS of both (/usr/bin/time), their ratio
# to the limit, wall times, and whether the outputs are byte-identical.
# usage: bench/scale_memory.sh [NEARDUP] [LIMIT=64M] [COPIES=5] [THREADS=2]
set -eu
N=${1:-build/neardup}
LIMIT=${2:-64M}
COPIES=${3:-5}
THREADS=${4:-2}
SRC=../shared/corpora/news-40k.jsonl.zst
[ -f "$SRC" ] || { echo "scale_memory.sh: SKIPPED: $SRC not found" >&2; exit 0; }
W=${ND_BENCH_TMP:-/tmp}/nd_scale_memory
mkdir -p "$W"
C="$W/news-x$COPIES.jsonl"
[ -s "$C" ] || /usr/bin/python3 bench/gen_edited.py "$SRC" "$COPIES" --rate 0.02 --seed 11 > "$C"
bytes=$(stat -c %s "$C")
lim=$(echo "$LIMIT" | awk '{ v = $0 + 0; u = substr($0, length($0)); m = (u == "G") ? 1073741824 : (u == "M") ? 1048576 : (u == "K") ? 1024 : 1; print v * m }')
run() { # label, extra args
    /usr/bin/time -f "%M %e" -o "$W/time.$1" "$N" dedup "$C" -o "$W/kept.$1" --clusters "$W/clusters.$1" \
        -j "$THREADS" --timings $2 2> "$W/err.$1" || { cat "$W/err.$1" >&2; exit 1; }
}
run base ""
run limit "--memory $LIMIT --tmp $W"
same=no
cmp -s "$W/kept.base" "$W/kept.limit" && cmp -s "$W/clusters.base" "$W/clusters.limit" && same=yes
read -r rss_b t_b < "$W/time.base"
read -r rss_l t_l < "$W/time.limit"
left=$(find "$W" -name 'neardup-*' | wc -l)
awk -v b="$bytes" -v l="$lim" -v rb="$rss_b" -v rl="$rss_l" -v tb="$t_b" -v tl="$t_l" -v s="$same" \
    -v lim="$LIMIT" -v left="$left" -v docs="$(wc -l < "$C")" 'BEGIN {
    printf "corpus: %d documents, %.1f MB = %.2f x --memory %s\n", docs, b / 1e6, b / l, lim
    printf "no limit:       peak RSS %6.1f MiB (%.2f x the limit), %.1f s\n", rb / 1024, rb * 1024 / l, tb
    printf "--memory %-5s: peak RSS %6.1f MiB (%.2f x the limit), %.1f s (%.2f x the time)\n", lim, rl / 1024, rl * 1024 / l, tl, tl / tb
    printf "identical output (kept + clusters): %s; temporary files left: %d\n", s, left
}'
grep -h "memory .*MiB:" "$W/err.limit" || true
grep -h "^neardup dedup" "$W/err.limit" || true
rm -f "$W/kept."* "$W/clusters."*
[ "$same" = yes ]
