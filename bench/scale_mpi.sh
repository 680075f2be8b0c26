#!/bin/sh
# scale_mpi.sh - dedup of news-40k under `mpirun -np 1, 2, 3` (one thread a
# rank) against one plain process (the baseline): wall time and its ratio to
# the baseline, bytes each rank sent and received, and whether the output
# (kept records + clusters) is byte-identical.  Skips without mpirun.
# usage: bench/scale_mpi.sh [NEARDUP] [INPUT] [NPS="1 2 3"]
set -eu
N=${1:-build/neardup}
IN=${2:-../shared/corpora/news-40k.jsonl.zst}
NPS=${3:-1 2 3}
command -v mpirun > /dev/null || { echo "scale_mpi.sh: SKIPPED: mpirun not found" >&2; exit 0; }
[ -f "$IN" ] || { echo "scale_mpi.sh: SKIPPED: $IN not found" >&2; exit 0; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
W=$(mktemp -d /tmp/nd_scale_mpi.XXXXXX)
trap 'rm -rf "$W"' EXIT
t0=$(date +%s.%N)
"$N" dedup "$IN" -o "$W/k0" --clusters "$W/c0" -j 1 -q
tb=$(echo "$(date +%s.%N) - $t0" | bc)
printf "baseline (one process, -j 1): %.2f s\n" "$tb"
ok=yes
for np in $NPS; do
    t0=$(date +%s.%N)
    mpirun --oversubscribe -np "$np" "$N" dedup "$IN" -o "$W/k$np" --clusters "$W/c$np" -j 1 --timings 2> "$W/e$np"
    t=$(echo "$(date +%s.%N) - $t0" | bc)
    same=no
    cmp -s "$W/k0" "$W/k$np" && cmp -s "$W/c0" "$W/c$np" && same=yes
    [ "$same" = yes ] || ok=no
    printf "mpirun -np %d: %.2f s (%.2f x baseline), identical output: %s\n" "$np" "$t" "$(echo "$t / $tb" | bc -l)" "$same"
    grep -h "MPI rank" "$W/e$np" | sort | sed 's/^timings: /  /'
done
[ "$ok" = yes ]
