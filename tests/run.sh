#!/bin/sh
# Runs every unit test binary in BUILD/tests and every CLI test in tests/cli,
# then prints one closing line "N passed, N failed".
# A test still running after TEST_TIMEOUT seconds (default 1200: the slowest,
# under valgrind or a sanitizer, take a few minutes) is stopped and fails, so
# a hang costs minutes, not the whole CI budget.
BUILD=${1:-build}
TIMEOUT=${TEST_TIMEOUT:-1200}
pass=0; fail=0; failed=""
bounded() {
    timeout -k 10 "$TIMEOUT" "$@"
    rc=$?
    [ $rc -eq 124 ] && echo "[ TIMEOUT  ] $*: stopped after $TIMEOUT s" >&2
    return $rc
}
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    if bounded "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    if NEARDUP="$BUILD/neardup" BUILD="$BUILD" bounded sh "$t"; then
        echo "[  PASSED  ] $t"; pass=$((pass + 1))
    else
        echo "[  FAILED  ] $t"; fail=$((fail + 1)); failed="$failed $t"
    fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
