#!/bin/sh
# format_checks.sh - small output checks of issue 22 part 5: the align report
# computes containment (it printed 0.000 for every pair), --format html to a
# terminal is refused before anything is read or written, an unknown format
# lists the formats.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_format_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "format_checks.sh: FAIL: $*" >&2; exit 1; }
A=tests/data/seeds/000_e994c8c5101e7cdf.txt
B=tests/data/seeds/003_9a10c820da11214b.txt

"$N" align "$A" "$B" --format html -o "$T/r.html" -q || fail "align html"
grep -q '0\.1211' "$T/r.html" && grep -q '0\.0861' "$T/r.html" ||
    fail "the align report should carry the containments (0.1211 / 0.0861, as overlap computes them)"
"$N" pairs tests/data/sample.jsonl --format xml 2> "$T/err"; [ $? -eq 2 ] || fail "unknown format should exit 2"
grep -q 'unknown format "xml" (one of: text, tsv, csv, jsonl, html' "$T/err" || fail "format message: $(cat "$T/err")"
if command -v script > /dev/null 2>&1; then
    script -qc "\"$N\" align \"$A\" \"$B\" --format html; echo rc=\$?" /dev/null > "$T/tty" 2>&1
    grep -q "rc=2" "$T/tty" || fail "--format html to a terminal should exit 2: $(cat "$T/tty")"
    grep -q "give -o FILE.html" "$T/tty" || fail "terminal message: $(cat "$T/tty")"
    grep -q "<html" "$T/tty" && fail "an HTML page was written to the terminal"
else
    echo "format_checks.sh: note: no script(1): the terminal case is not checked"
fi
exit 0
