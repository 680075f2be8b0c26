#!/bin/sh
# against_index.sh - `dedup INPUT --against INDEX` against `dedup INPUT
# --against CORPUS`, the corpus the index was built from, in the same run
# (issue 24): news-40k's first half is the reference, its second half the
# input.  Both must write the same bytes (kept records, --removed,
# --clusters); the figures are wall time and peak RSS (/usr/bin/time -v),
# median of R paired runs (default 5), and their ratio.  The index is built
# once (its time is printed apart: it is paid once for many runs).
#   sh bench/against_index.sh [NEARDUP] [RUNS]      (default build/neardup 5)
# Writes only under build/.  Prints SKIP and exits 0 without the corpus.
set -eu
N=${1:-build/neardup}
R=${2:-5}
C=../shared/corpora/news-40k.jsonl.zst
[ -f "$C" ] || { echo "SKIP: $C is absent"; exit 0; }
[ -x /usr/bin/time ] || { echo "against_index.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
OUT=build/against_index
mkdir -p "$OUT"
zstd -dc "$C" > "$OUT/all.jsonl"
total=$(wc -l < "$OUT/all.jsonl")
half=$((total / 2))
head -n "$half" "$OUT/all.jsonl" > "$OUT/ref.jsonl"
tail -n +"$((half + 1))" "$OUT/all.jsonl" > "$OUT/in.jsonl"
rm -f "$OUT/all.jsonl"
# timed NAME CMD...: wall seconds and peak RSS (MB) of one run, appended to NAME.runs
timed() {
    name=$1; shift
    /usr/bin/time -v "$@" 2> "$OUT/$name.err" > /dev/null
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + t[k]; w = s }
                /Maximum resident set size/ { m = $2 / 1024 } END { printf "%s %.0f\n", w, m }' "$OUT/$name.err" >> "$OUT/$name.runs"
}
rm -f "$OUT"/*.runs
timed build "$N" index build "$OUT/ref.jsonl" -o "$OUT/ref.ndx" -q
i=0
while [ "$i" -lt "$R" ]; do # paired: the two runs of a round see the same machine
    for how in corpus index; do
        ref=$OUT/ref.jsonl
        [ "$how" = index ] && ref=$OUT/ref.ndx
        timed "$how" "$N" dedup "$OUT/in.jsonl" --against "$ref" -q -o "$OUT/kept.$how" \
            --removed "$OUT/removed.$how" --clusters "$OUT/clusters.$how"
    done
    i=$((i + 1))
done
for f in kept removed clusters; do
    cmp -s "$OUT/$f.corpus" "$OUT/$f.index" || { echo "against_index.sh: $f differs between --against CORPUS and INDEX" >&2; exit 1; }
done
median() { sort -n "$1" | awk '{ w[NR] = $1; m[NR] = $2 } END { i = int((NR + 1) / 2); print w[i], m[i] }'; }
read bw bm < "$OUT/build.runs"
read cw cm <<EOF
$(median "$OUT/corpus.runs")
EOF
read iw im <<EOF
$(median "$OUT/index.runs")
EOF
echo "inputs: $(wc -l < "$OUT/in.jsonl") records; reference: $half records; removed: $(wc -l < "$OUT/removed.index")" \
    "($(grep -c '"reference"' "$OUT/clusters.index") clusters hold a reference); outputs identical"
echo "| run ($R paired rounds, median) | wall s | peak RSS MB |"
echo "|---|---|---|"
echo "| dedup IN --against REF.jsonl | $cw | $cm |"
echo "| dedup IN --against REF.ndx | $iw | $im |"
echo "| (once) index build REF.jsonl | $bw | $bm |"
awk -v i="$iw" -v c="$cw" 'BEGIN { printf "\n--against INDEX / --against CORPUS wall time: %.2fx\n", i / c }'
paste -d' ' "$OUT/corpus.runs" "$OUT/index.runs" |
    awk '{ printf "round %d: corpus %s s, index %s s, %.2fx\n", NR, $1, $3, $3 / $1 }'
