#!/bin/sh
# overlap_quality.sh - the whole source-overlap quality benchmark (issue 4):
# generates the copied-passage benchmark from news-40k (gen_passages.py, once),
# scores `neardup overlap --format jsonl` with the PAN measures (pan_eval.py)
# at each --min-words W, and prints plagdet per level and W, so the default W
# is chosen on this benchmark and not on test files.
#   sh bench/overlap_quality.sh [NEARDUP] [W ...]     (default build/neardup; W = 10 15 20 25 30)
# Writes only under build/.  Prints SKIP and exits 0 without the corpus.
set -eu
N=${1:-build/neardup}
[ $# -gt 0 ] && shift
WS=${*:-10 15 20 25 30}
[ -f ../shared/corpora/news-40k.jsonl.zst ] || { echo "SKIP: ../shared/corpora/news-40k.jsonl.zst is absent"; exit 0; }
[ -x "$N" ] || { echo "overlap_quality.sh: $N is not an executable (make first)" >&2; exit 2; }
OUT=build/overlap_quality
mkdir -p "$OUT"
for w in $WS; do
    /usr/bin/python3 bench/pan_eval.py --neardup "$N" --min-words "$w" --csv "$OUT/pan-w$w.csv" > "$OUT/pan-w$w.txt"
done
/usr/bin/python3 - "$OUT" $WS <<'PY'
import csv, sys
out, ws = sys.argv[1], sys.argv[2:]
rows = {w: {r["level"]: r for r in csv.DictReader(open(f"{out}/pan-w{w}.csv"))} for w in ws}
levels = ["verbatim", "edit05", "edit10", "edit20", "reorder", "none"]
print("plagdet per level (PAN, characters; `none`: detections in pairs that share nothing)\n")
print("| --min-words | " + " | ".join(levels) + " | seconds |")
print("|---|" + "---|" * (len(levels) + 1))
for w in ws:
    r = rows[w]
    cells = [r[l]["plagdet"] if l != "none" else r[l]["detections"] for l in levels]
    secs = sum(float(r[l]["seconds"]) for l in levels)
    print(f"| {w} | " + " | ".join(cells) + f" | {secs:.2f} |")
print("\ntargets: verbatim >= 0.95, edit10 >= 0.85; full tables in " + out + "/pan-w*.txt")
PY
