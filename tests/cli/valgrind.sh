#!/bin/sh
# valgrind.sh - the demo commands under valgrind: no invalid access, no use of
# uninitialised memory, no definite or indirect leak.  Skipped in the
# sanitizer builds (ASan and valgrind do not mix) and where valgrind is absent.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_vg_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
case "${BUILD:-build}" in *asan*|*ubsan*) exit 0 ;; esac
command -v valgrind > /dev/null || { echo "valgrind.sh: SKIP: valgrind is not installed" >&2; exit 0; }
A=tests/data/seeds/000_e994c8c5101e7cdf.txt
B=tests/data/seeds/003_9a10c820da11214b.txt
for cmd in "pairs tests/data/sample.jsonl -t 0.5" \
           "dedup tests/data/sample.jsonl -t 0.8 -o $T/k.jsonl --clusters $T/c.jsonl" \
           "overlap tests/data/seeds --format html -o $T/r.html" \
           "align $A $B" \
           "pairs tests/data/sample.jsonl --metric simhash" \
           "pairs tests/data/sample.jsonl --metric containment -t 0.5"; do
    # shellcheck disable=SC2086
    valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$N" $cmd > /dev/null 2> "$T/vg" || { cat "$T/vg" >&2; echo "valgrind.sh: FAIL: $cmd" >&2; exit 1; }
done
exit 0
