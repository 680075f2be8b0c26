#!/bin/sh
# Runs every unit test binary in BUILD/tests and every CLI test in tests/cli,
# then prints one closing line "N passed, N failed".
BUILD=${1:-build}
pass=0; fail=0; failed=""
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    if NEARDUP="$BUILD/neardup" BUILD="$BUILD" sh "$t"; then
        echo "[  PASSED  ] $t"; pass=$((pass + 1))
    else
        echo "[  FAILED  ] $t"; fail=$((fail + 1)); failed="$failed $t"
    fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
