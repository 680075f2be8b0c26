#!/bin/sh
# metrics.sh - `pairs --metric exact|simhash|containment` and dedup's
# exact-duplicate grouping, on small files with known answers.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_metrics_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "metrics.sh: FAIL: $*" >&2; exit 1; }
/usr/bin/python3 - "$T/m.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(3)
vocab = ["w%d" % i for i in range(5000)]
base = [rnd.choice(vocab) for _ in range(300)]
near = list(base); near[150] = "changed"           # one word: Jaccard ~0.97, SimHash close
part = base[:200]                                 # 2/3 of base: containment 1.0 in base
other = [rnd.choice(vocab) for _ in range(300)]
docs = [("base", " ".join(base)), ("same", " ".join(base).upper() + " !!"), ("near", " ".join(near)),
        ("part", " ".join(part)), ("other", " ".join(other)), ("empty", "")]
with open(sys.argv[1], "w") as f:
    for i, t in docs: f.write(json.dumps({"id": i, "text": t}) + "\n")
PY
"$N" pairs "$T/m.jsonl" --metric exact --format jsonl -q > "$T/e" || fail "exact"
[ "$(cat "$T/e")" = '{"a": "base", "b": "same", "jaccard": 1}' ] || fail "exact pairs: $(cat "$T/e")"
"$N" pairs "$T/m.jsonl" --metric simhash -d 3 --format jsonl -q > "$T/s" || fail "simhash"
grep -q '^{"a": "base", "b": "same", "hamming": 0}$' "$T/s" || fail "simhash same: $(cat "$T/s")"
grep -q '^{"a": "base", "b": "near", "hamming": [0-3]}$' "$T/s" || fail "simhash near: $(cat "$T/s")"
grep -q '"other"' "$T/s" && fail "simhash paired an unrelated document"
"$N" pairs "$T/m.jsonl" --metric simhash -d 3 --format tsv -q | head -1 | grep -q "^a	b	hamming$" || fail "simhash tsv header"
"$N" pairs "$T/m.jsonl" --metric containment -t 0.9 --format jsonl -q > "$T/c" || fail "containment"
grep -q '^{"a": "base", "b": "part", "containment": 1}$' "$T/c" || fail "containment: $(cat "$T/c")"
grep -q '"other"' "$T/c" && fail "containment paired an unrelated document"
"$N" pairs "$T/m.jsonl" -t 0.9 --format jsonl -q | grep -q '"a": "base", "b": "part"' && fail "Jaccard 0.66 pair at -t 0.9"
"$N" dedup "$T/m.jsonl" -t 0.9 -o "$T/k" --clusters "$T/cl" 2> "$T/err" || fail "dedup"
grep -q "6 records read = 4 kept + 2 removed + 0 skipped; 1 clusters of 2+ documents (Jaccard >= 0.9); exact duplicates grouped before LSH: 1" "$T/err" || fail "dedup summary: $(cat "$T/err")"
"$N" dedup "$T/m.jsonl" --metric containment -t 0.9 -o "$T/k2" 2> "$T/err" || fail "dedup --metric containment"
grep -q "containment >= 0.9" "$T/err" || fail "dedup containment summary: $(cat "$T/err")"
"$N" pairs "$T/m.jsonl" --metric cosine 2> "$T/err"; [ $? -eq 2 ] || fail "unknown metric should exit 2"
grep -q "unknown metric" "$T/err" || fail "unknown metric message"
"$N" pairs "$T/m.jsonl" --metric simhash -d 17 2>/dev/null; [ $? -eq 2 ] || fail "-d 17 should exit 2"
exit 0
