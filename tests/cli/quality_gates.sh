#!/bin/sh
# quality_gates.sh - the benchmark measures themselves and a small quality gate:
# the PAN measure's self-test and the PAN 2013 harness's (bench/pan13.py, on
# a hand-made miniature corpus: no corpus needed), and planted near-duplicates (real news-40k text
# with word edits): recall >= 0.95 on pairs with J >= t+0.1 and <= 5% false
# pairs at J <= t-0.1 for t = 0.5 and 0.8.  eval_pairs.py prints SKIP and
# passes only where ../shared/corpora is absent.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
OUT=${BUILD:-build}/quality
mkdir -p "$OUT"
/usr/bin/python3 bench/pan_eval.py --self-test > "$OUT/pan_self_test.txt" 2>&1 ||
    { cat "$OUT/pan_self_test.txt" >&2; echo "quality_gates.sh: FAIL: pan_eval self-test" >&2; exit 1; }
/usr/bin/python3 bench/pan13.py --self-test > "$OUT/pan13_self_test.txt" 2>&1 ||
    { cat "$OUT/pan13_self_test.txt" >&2; echo "quality_gates.sh: FAIL: pan13 self-test" >&2; exit 1; }
/usr/bin/python3 bench/eval_pairs.py --small --neardup "$N" > "$OUT/eval_pairs.txt" 2>&1 ||
    { cat "$OUT/eval_pairs.txt" >&2; echo "quality_gates.sh: FAIL: eval_pairs --small" >&2; exit 1; }
exit 0
