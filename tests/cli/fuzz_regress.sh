#!/bin/sh
# fuzz_regress.sh - replays the checked-in fuzz corpus (seeds and every crash
# found so far, fuzz/corpus/<target>/) through each target's plain driver.
set -u
B=${BUILD:-build}
n=0
for d in fuzz/corpus/*/; do
    t=$(basename "$d")
    [ -x "$B/fuzz/$t-regress" ] || { echo "fuzz_regress.sh: FAIL: $B/fuzz/$t-regress not built" >&2; exit 1; }
    "$B/fuzz/$t-regress" "$d" > /dev/null || { echo "fuzz_regress.sh: FAIL: $t" >&2; exit 1; }
    n=$((n + 1))
done
[ "$n" -ge 4 ] || { echo "fuzz_regress.sh: FAIL: only $n targets" >&2; exit 1; }
exit 0
