#!/bin/sh
# scale_mpi.sh - dedup of news-40k under `mpirun -np 1, 2, 3` (one thread a
# rank) against one plain process (the baseline), on two inputs:
#   - the corpus decompressed to a temporary .jsonl: ranks read byte ranges;
#   - the .zst itself: one compressed stream, every rank decodes all of it.
# For each run: wall time and its ratio to the baseline, whether the output
# (kept records + clusters) is byte-identical, and per rank (from
# --timings): records read, input bytes read, time to sketch / pair / write,
# bytes sent and received, peak RSS.  Skips without mpirun.
# usage: bench/scale_mpi.sh [NEARDUP] [INPUT.jsonl.zst] [NPS="1 2 3"]
set -eu
N=${1:-build/neardup}
IN=${2:-../shared/corpora/news-40k.jsonl.zst}
NPS=${3:-1 2 3}
command -v mpirun > /dev/null || { echo "scale_mpi.sh: SKIPPED: mpirun not found" >&2; exit 0; }
[ -f "$IN" ] || { echo "scale_mpi.sh: SKIPPED: $IN not found" >&2; exit 0; }
ROOT=
[ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
W=$(mktemp -d /tmp/nd_scale_mpi.XXXXXX)
trap 'rm -rf "$W"' EXIT
zstd -q -d -c "$IN" > "$W/in.jsonl"
echo "load average before: $(uptime | sed 's/.*load average: //')"
ok=yes
for input in "$W/in.jsonl" "$IN"; do
    case $input in *.zst) what="$(basename "$IN") (one stream: every rank decodes it)" ;;
                   *) what="$(basename "$IN" .zst) decompressed, $(wc -c < "$input") bytes (byte ranges)" ;; esac
    echo "== $what"
    t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$W/rss0" "$N" dedup "$input" -o "$W/k0" --clusters "$W/c0" -j 1 -q
    tb=$(echo "$(date +%s.%N) - $t0" | bc)
    printf "one process (-j 1): %.2f s, peak RSS %.1f MiB\n" "$tb" "$(echo "$(cat "$W/rss0") / 1024" | bc -l)"
    for np in $NPS; do
        t0=$(date +%s.%N)
        mpirun --oversubscribe $ROOT -np "$np" "$N" dedup "$input" -o "$W/k$np" --clusters "$W/c$np" -j 1 \
            --timings 2> "$W/e$np"
        t=$(echo "$(date +%s.%N) - $t0" | bc)
        same=no
        cmp -s "$W/k0" "$W/k$np" && cmp -s "$W/c0" "$W/c$np" && same=yes
        [ "$same" = yes ] || ok=no
        printf "mpirun -np %d: %.2f s (%.2f x one process), identical output: %s\n" "$np" "$t" \
            "$(echo "$t / $tb" | bc -l)" "$same"
        if [ "$np" -eq 1 ]; then
            echo "  (MPI size 1 runs the plain path: it reads everything and exchanges nothing)"
        else
            grep -h "MPI rank" "$W/e$np" | sort | sed 's/^timings: /  /'
        fi
    done
done
echo "load average after: $(uptime | sed 's/.*load average: //')"
[ "$ok" = yes ]
