#!/bin/sh
# overlap_memory.sh - overlap --memory against the in-memory run (issue 23,
# part 3): peak RSS (/usr/bin/time) and wall time of both, their ratios
# (median of ROUNDS paired rounds: the machine is shared, so each round runs
# both back to back), and whether pairs and clusters are byte-identical, on
#   - news-40k (plain, and --edited once: it is ~30 s a run), and
#   - a generated reprint corpus of DOCS documents (bench/gen_reprints_big.py:
#     epochs of bench/gen_reprints.py, dates, series, footers), with
#     --date-field, --series-field and --clusters.
# Everything generated goes to a temporary directory, removed at the end.
# usage: bench/overlap_memory.sh [NEARDUP] [LIMIT=64M] [DOCS=200000] [ROUNDS=3] [THREADS=2]
set -eu
N=${1:-build/neardup}
LIMIT=${2:-64M}
DOCS=${3:-200000}
ROUNDS=${4:-3}
THREADS=${5:-2}
SRC=../shared/corpora/news-40k.jsonl.zst
[ -f "$SRC" ] || { echo "overlap_memory.sh: SKIPPED: $SRC not found" >&2; exit 0; }
W=$(mktemp -d "${TMPDIR:-/tmp}/nd_overlap_memory.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir "$W/tmp"
echo "load average before: $(uptime | sed 's/.*load average: //')"

# bench NAME ROUNDS FILE ARGS...: paired rounds, then one line of figures
bench() {
    name=$1; rounds=$2; file=$3; shift 3
    : > "$W/$name.rows"
    r=1
    while [ "$r" -le "$rounds" ]; do
        /usr/bin/time -f "%M %e" -o "$W/t0" "$N" overlap "$file" "$@" -j "$THREADS" -o "$W/p0" --clusters "$W/c0" -q
        /usr/bin/time -f "%M %e" -o "$W/t1" "$N" overlap "$file" "$@" -j "$THREADS" -o "$W/p1" --clusters "$W/c1" -q \
            --memory "$LIMIT" --tmp "$W/tmp"
        same=no
        cmp -s "$W/p0" "$W/p1" && cmp -s "$W/c0" "$W/c1" && same=yes
        echo "$(tail -1 "$W/t0") $(tail -1 "$W/t1") $same" >> "$W/$name.rows"
        r=$((r + 1))
    done
    # median of the time ratios; RSS of the median round
    sort -t' ' -k5,5 "$W/$name.rows" | awk -v n="$name" -v lim="$LIMIT" -v docs="$(wc -l < "$file")" '
        { rss0[NR] = $1; t0[NR] = $2; rss1[NR] = $3; t1[NR] = $4; s = s $5 " " }
        { ratio[NR] = $4 / $2 }
        END {
            # order by time ratio (insertion sort: a few rounds)
            for (i = 1; i <= NR; i++) idx[i] = i
            for (i = 2; i <= NR; i++) for (j = i; j > 1 && ratio[idx[j - 1]] > ratio[idx[j]]; j--) { t = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = t }
            m = idx[int((NR + 1) / 2)]
            printf "%-9s %7d docs | in memory %7.1f MiB %7.1f s | --memory %s %6.1f MiB %7.1f s | RSS x%.2f, time x%.2f (median of %d) | identical: %s\n",
                n, docs, rss0[m] / 1024, t0[m], lim, rss1[m] / 1024, t1[m], rss1[m] / rss0[m], ratio[m], NR, s
        }'
    left=$(ls -A "$W/tmp" | wc -l)
    [ "$left" -eq 0 ] || echo "$name: $left temporary files left in --tmp"
}

zstd -dc "$SRC" > "$W/news.jsonl"
bench news "$ROUNDS" "$W/news.jsonl" --format jsonl
bench news-ed 1 "$W/news.jsonl" --format jsonl --edited
rm -f "$W/news.jsonl"
/usr/bin/python3 bench/gen_reprints_big.py --docs "$DOCS" --out "$W/big.jsonl" > /dev/null
bench reprints "$ROUNDS" "$W/big.jsonl" --format jsonl --date-field date --series-field series
echo "load average after: $(uptime | sed 's/.*load average: //')"
