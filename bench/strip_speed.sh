#!/bin/sh
# strip_speed.sh - `neardup strip` of news-40k (issue 24 part 3): the repeated
# spans cut (count, MB), the documents dropped, and wall time relative to
# `neardup dedup` of the same file in the same run (both write .jsonl.zst;
# R paired runs, dedup then strip, median of each and of the per-round
# ratios).  Then checks the output: every record valid UTF-8, no cut inside
# a word, and how many repeats are byte-identical to their earlier
# occurrence (the rest are near-verbatim: edits, or spacing and case).
#   sh bench/strip_speed.sh [NEARDUP] [RUNS]       (default build/neardup 3)
# STRIP_ARGS (environment) adds options to the strip runs, e.g. "--min-words 30".
# Writes under $OUT (default build/strip_speed).  Prints SKIP and exits 0 without the corpus.
set -eu
N=${1:-build/neardup}
R=${2:-3}
C=${CORPUS:-../shared/corpora/news-40k.jsonl.zst}
[ -f "$C" ] || { echo "SKIP: $C is absent"; exit 0; }
OUT=${OUT:-build/strip_speed}
mkdir -p "$OUT"
# wall seconds of one run of CMD... (its stderr kept in $OUT/last.err)
wall() {
    t0=$(date +%s.%N)
    "$@" 2> "$OUT/last.err" || { cat "$OUT/last.err" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
: > "$OUT/rounds"
i=0
while [ $i -lt "$R" ]; do
    d=$(wall "$N" dedup "$C" -o "$OUT/dedup.jsonl.zst")
    # shellcheck disable=SC2086
    s=$(wall "$N" strip "$C" ${STRIP_ARGS:-} -o "$OUT/strip.jsonl.zst" --spans "$OUT/spans.jsonl")
    cp "$OUT/last.err" "$OUT/strip.err"
    echo "$d $s" >> "$OUT/rounds"
    i=$((i + 1))
done
med() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
dm=$(awk '{ print $1 }' "$OUT/rounds" | med)
sm=$(awk '{ print $2 }' "$OUT/rounds" | med)
rm_=$(awk '{ printf "%.3f\n", $2 / $1 }' "$OUT/rounds" | med)
echo "| run | wall s (median of $R) |"
echo "|---|---|"
echo "| neardup dedup news-40k -o .jsonl.zst | $dm |"
echo "| neardup strip news-40k ${STRIP_ARGS:-}-o .jsonl.zst --spans | $sm |"
awk -v s="$sm" -v d="$dm" -v r="$rm_" -v rounds="$(awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $2 / $1 }' "$OUT/rounds")" \
    'BEGIN { printf "\nstrip / dedup wall time: %.2fx (ratio of medians); per round: %s (median %.2fx)\n", s / d, rounds, r }'
grep '^neardup strip:' "$OUT/strip.err" || true
zstd -dcq "$OUT/strip.jsonl.zst" > "$OUT/strip.jsonl"
/usr/bin/python3 - "$C" "$OUT/strip.jsonl" "$OUT/spans.jsonl" <<'PY'
import json, subprocess, sys, unicodedata
corpus, out, spans = sys.argv[1:4]
docs = {}
with subprocess.Popen(["zstd", "-dcq", corpus], stdout=subprocess.PIPE) as z:
    for line in z.stdout:
        r = json.loads(line); docs[r["id"]] = r["text"].encode()
n = 0
for line in open(out, "rb"):
    line.decode("utf-8")  # strict: raises on invalid UTF-8
    n += 1
word = lambda c: unicodedata.category(c)[0] in "LN"
ranges = inside = exact = near = dropped = 0
removed_bytes = 0
for line in open(spans, "rb"):
    s = json.loads(line); t = docs[s["id"]]
    dropped += s["dropped"]
    for g in s["removed"]:
        ranges += 1
        a, b = g["start"], g["end"]
        removed_bytes += b - a
        head, body, tail = t[:a].decode(), t[a:b].decode(), t[b:].decode()
        if (head and word(head[-1]) and word(body[0])) or (tail and word(body[-1]) and word(tail[0])): inside += 1
        for q in g["repeats"]:
            if t[q["this_start"]:q["this_end"]] == docs[q["id"]][q["start"]:q["end"]]: exact += 1
            else: near += 1
print(f"\ncheck: {n} records written, all valid UTF-8; {ranges} spans removed ({removed_bytes / 1e6:.2f} MB of text, "
      f"the removed words' extents), {dropped} documents dropped; cuts inside a word: {inside}; repeats listed: "
      f"{exact} byte-identical to the earlier occurrence, {near} near-verbatim")
if inside: sys.exit("strip_speed.sh: a cut inside a word")
PY
