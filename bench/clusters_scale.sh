#!/bin/sh
# clusters_scale.sh - `overlap --clusters` at scale (issue 23): wall time and peak RSS of one
# process and of `mpirun -np NP` (one thread a rank) on a generated reprint corpus of DOCS
# documents (bench/gen_reprints_big.py: epochs of bench/gen_reprints.py made of news-40k's real
# text, with dates, series, footers and viral stories), and whether the two outputs (pairs and
# clusters) are byte-identical; then one story carried by 1,000 to 16,000 outlets
# (bench/gen_viral.py), one process: time, memory and candidate pairs should grow linearly with
# the cluster's size, not with its square.  The ratios are against the smallest run of each
# series, in this script.  Everything generated goes to a temporary directory (TMPDIR), removed
# at the end; BIG=FILE uses an already generated corpus instead.  Skips without the corpus or
# mpirun.
# MEMORY=SIZE runs both with --memory SIZE (the bound of each rank under mpirun).
# usage: [MEMORY=SIZE] bench/clusters_scale.sh [NEARDUP] [DOCS=1000000] [NP=3] [CARRIERS="1000 2000 4000 8000 16000"]
set -eu
N=${1:-build/neardup}
DOCS=${2:-1000000}
NP=${3:-3}
CARRIERS=${4-1000 2000 4000 8000 16000}
CORPUS=../shared/corpora/news-40k.jsonl.zst
[ -f "$CORPUS" ] || { echo "clusters_scale.sh: SKIPPED: $CORPUS not found" >&2; exit 0; }
command -v mpirun > /dev/null || { echo "clusters_scale.sh: SKIPPED: mpirun not found" >&2; exit 0; }
ROOT=
[ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
W=$(mktemp -d "${TMPDIR:-/tmp}/nd_clusters_scale.XXXXXX")
trap 'rm -rf "$W"' EXIT
echo "load average before: $(uptime | sed 's/.*load average: //')"
BIG=${BIG:-}
if [ -z "$BIG" ]; then
    BIG="$W/big.jsonl"
    t0=$(date +%s)
    /usr/bin/python3 bench/gen_reprints_big.py --docs "$DOCS" --out "$BIG"
    echo "generated in $(( $(date +%s) - t0 )) s"
fi
echo "== $(wc -l < "$BIG") documents, $(wc -c < "$BIG") bytes"
ARGS="--date-field date --series-field series --format jsonl"
# MEMORY=SIZE: both runs with --memory SIZE (each rank's bound under mpirun), spill files in $W/tmp
MEMORY=${MEMORY:-}
if [ -n "$MEMORY" ]; then
    mkdir -p "$W/tmp"
    ARGS="$ARGS --memory $MEMORY --tmp $W/tmp"
    echo "== with --memory $MEMORY"
fi
/usr/bin/time -f "%e %M" -o "$W/t1" "$N" overlap "$BIG" $ARGS --clusters "$W/c1" -o "$W/p1" --timings 2> "$W/e1"
read -r wall rss < "$W/t1"
printf "one process (-j %s): %.1f s, peak RSS %.0f MiB; %s pairs, %s clusters\n" "$(nproc)" "$wall" \
    "$(echo "$rss / 1024" | bc -l)" "$(wc -l < "$W/p1")" "$(wc -l < "$W/c1")"
grep -h "^timings: load\|^timings: --memory\|^neardup overlap: [0-9]" "$W/e1" | sed 's/^/  /'
rm -f "$W/ranks"
t0=$(date +%s.%N)
# per rank: its own wall time and peak RSS (neardup execs neardup-mpi in place)
mpirun --oversubscribe $ROOT -np "$NP" sh -c \
    '/usr/bin/time -a -o "$0" -f "rank $OMPI_COMM_WORLD_RANK: %e s, peak RSS %M KB" "$@"' "$W/ranks" \
    "$N" overlap "$BIG" $ARGS --clusters "$W/c$NP" -o "$W/p$NP" -j 1 --timings 2> "$W/e$NP"
t=$(echo "$(date +%s.%N) - $t0" | bc)
same=no
cmp -s "$W/p1" "$W/p$NP" && cmp -s "$W/c1" "$W/c$NP" && same=yes
printf "mpirun -np %d (-j 1 a rank): %.1f s (%.2f x one process), identical output: %s\n" "$NP" "$t" \
    "$(echo "$t / $wall" | bc -l)" "$same"
sort "$W/ranks" | sed 's/^/  /'
grep -h "MPI rank" "$W/e$NP" | sort | sed 's/^timings: /  /'
rm -f "$W"/p* "$W"/c*
echo "== one story carried by N outlets (one process)"
first=
for m in $CARRIERS; do
    /usr/bin/python3 bench/gen_viral.py --carriers "$m" > "$W/v.jsonl"
    /usr/bin/time -f "%e %M" -o "$W/tv" "$N" overlap "$W/v.jsonl" --date-field date --series-field series \
        --format jsonl --clusters "$W/vc" -o "$W/vp" 2> "$W/ve"
    read -r vw vr < "$W/tv"
    cand=$(sed -n 's/.*; \([0-9]*\) candidate pairs aligned.*/\1/p' "$W/ve")
    size=$(sed -n 's/^{"cluster": 0, "size": \([0-9]*\),.*/\1/p' "$W/vc")
    [ -n "$first" ] || first="$m $vw $vr $cand"
    set -- $first
    printf "%6d carriers: largest cluster %s documents; %s candidate pairs (%.1f a carrier); %.2f s (x%.1f for x%.0f carriers), %.0f MiB\n" \
        "$m" "$size" "$cand" "$(echo "$cand / $m" | bc -l)" "$vw" "$(echo "$vw / $2" | bc -l)" \
        "$(echo "$m / $1" | bc -l)" "$(echo "$vr / 1024" | bc -l)"
done
echo "load average after: $(uptime | sed 's/.*load average: //')"
[ "$same" = yes ]
