#!/bin/sh
# overlap_speed.sh - `neardup overlap` of news-40k against itself, timed
# against `neardup dedup` of the same file in the same run (issue 4 target:
# overlap <= 3x dedup wall time); wall time and peak RSS from /usr/bin/time -v,
# best of R runs each (default 1).  Also lists the most frequent passages
# left after boilerplate masking, to check by eye that they are quotes and
# not signatures or wire footers.
#   sh bench/overlap_speed.sh [NEARDUP] [RUNS]      (default build/neardup 1)
# OVERLAP_ARGS (environment) adds options to the overlap run, e.g. "--max-df 10".
# Writes only under build/.  Prints SKIP and exits 0 without the corpus.
set -eu
N=${1:-build/neardup}
R=${2:-1}
C=../shared/corpora/news-40k.jsonl.zst
[ -f "$C" ] || { echo "SKIP: $C is absent"; exit 0; }
[ -x /usr/bin/time ] || { echo "overlap_speed.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
OUT=build/overlap_speed
mkdir -p "$OUT"
# run NAME CMD...: best wall seconds and the peak RSS (MB) of that run, to NAME.fig
run() {
    name=$1; shift
    best=
    i=0
    while [ $i -lt "$R" ]; do
        /usr/bin/time -v "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
        w=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
              for (k = 1; k <= n; k++) s = s * 60 + t[k]; print s }' "$OUT/$name.err")
        m=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$OUT/$name.err")
        if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$w; rss=$m; fi
        i=$((i + 1))
    done
    echo "$best $rss" > "$OUT/$name.fig"
}
run dedup "$N" dedup "$C" -o "$OUT/kept.jsonl"
# shellcheck disable=SC2086
run overlap "$N" overlap "$C" --format jsonl --timings ${OVERLAP_ARGS:-} -o "$OUT/overlap.jsonl"
read dw dr < "$OUT/dedup.fig"
read ow orr < "$OUT/overlap.fig"
echo "| command | wall s | peak RSS MB |"
echo "|---|---|---|"
echo "| neardup dedup news-40k | $dw | $dr |"
echo "| neardup overlap news-40k --format jsonl ${OVERLAP_ARGS:-} | $ow | $orr |"
awk -v o="$ow" -v d="$dw" 'BEGIN { printf "\noverlap / dedup wall time: %.2fx (target <= 3x)\n", o / d }'
grep '^neardup overlap:' "$OUT/overlap.err" || true
grep '^timings: load' "$OUT/overlap.err" || true
# the passages most often reported (normalised first 8 words of the A side)
/usr/bin/python3 - "$C" "$OUT/overlap.jsonl" <<'PY'
import collections, json, re, subprocess, sys
corpus, det = sys.argv[1], sys.argv[2]
need = collections.defaultdict(list)
for line in open(det):
    r = json.loads(line)
    for p in r["passages"]:
        need[r["a"]].append((p["a_start"], p["a_end"]))
count = collections.Counter()
with subprocess.Popen(["zstd", "-dc", corpus], stdout=subprocess.PIPE) as z:
    for line in z.stdout:
        d = json.loads(line)
        if d["id"] not in need: continue
        b = d["text"].encode()
        for s, e in need.pop(d["id"]):
            words = re.findall(r"\w+", b[s:e].decode(errors="replace").lower())
            count[" ".join(words[:8])] += 1
print("\nmost frequent passage starts (A side, first 8 words):")
for k, v in count.most_common(12): print(f"{v:7d}  {k}")
PY
