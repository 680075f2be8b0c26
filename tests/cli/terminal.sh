#!/bin/sh
# terminal.sh - colour only when asked or on a terminal (NO_COLOR respected),
# a progress line on standard error only when it is a terminal, --quiet.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_term_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "terminal.sh: FAIL: $*" >&2; exit 1; }
A=tests/data/seeds/000_e994c8c5101e7cdf.txt
B=tests/data/seeds/003_9a10c820da11214b.txt
ESC=$(printf '\033')
"$N" align "$A" "$B" -q > "$T/plain" || fail "align"
grep -q "$ESC" "$T/plain" && fail "colour in a pipe without --color=always"
"$N" align "$A" "$B" -q --color=always > "$T/col" || fail "align --color=always"
grep -q "${ESC}\[1;33mand NATO are ready" "$T/col" || fail "--color=always: no highlight"
"$N" align "$A" "$B" -q --color=never > "$T/nev" || fail "--color=never"
cmp -s "$T/plain" "$T/nev" || fail "--color=never differs from plain"
"$N" align "$A" "$B" --color=sometimes 2>/dev/null; [ $? -eq 2 ] || fail "--color=sometimes should exit 2"
if command -v script > /dev/null; then
    # on a terminal: colour by default, none with NO_COLOR; a progress line on stderr
    script -qec "\"$N\" align \"$A\" \"$B\" -q" /dev/null > "$T/tty" 2>&1
    grep -q "$ESC\[1;33m" "$T/tty" || fail "no colour on a terminal"
    NO_COLOR=1 script -qec "\"$N\" align \"$A\" \"$B\" -q" /dev/null > "$T/tty2" 2>&1
    grep -q "$ESC\[1;33m" "$T/tty2" && fail "colour despite NO_COLOR"
    for i in 1 2 3 4 5 6 7 8; do cat tests/data/sample.jsonl; done | awk '{ sub(/"id": "/, "\"id\": \"" NR "-"); print }' > "$T/many.jsonl"
    script -qec "\"$N\" pairs \"$T/many.jsonl\" -j 1" /dev/null > "$T/prog" 2>&1 || fail "pairs on a terminal"
    grep -q "240 records read" "$T/prog" || fail "pairs on a terminal: $(cat -v "$T/prog")"
else
    echo "terminal.sh: note: script(1) missing: terminal cases not checked" >&2
fi
"$N" pairs tests/data/sample.jsonl -q 2> "$T/err" > /dev/null || fail "pairs -q"
[ -s "$T/err" ] && fail "--quiet printed: $(cat "$T/err")"
"$N" pairs tests/data/sample.jsonl 2> "$T/err" > /dev/null || fail "pairs"
grep -q "records read" "$T/err" || fail "summary missing"
grep -q "MB/s\$" "$T/err" && grep -q "$(printf '\r')" "$T/err" && fail "a progress line in a file"
exit 0
