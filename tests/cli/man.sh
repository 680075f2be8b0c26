#!/bin/sh
# man.sh - the man page is current: regenerating it from the binary's --help
# gives the committed file, so every option of every command is documented.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_man_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
/usr/bin/python3 scripts/gen-man.py "$N" > "$T/neardup.1" || { echo "man.sh: FAIL: gen-man.py" >&2; exit 1; }
if ! cmp -s "$T/neardup.1" man/neardup.1; then
    diff man/neardup.1 "$T/neardup.1" | head -20 >&2
    echo "man.sh: FAIL: man/neardup.1 is stale: run scripts/gen-man.py build/neardup > man/neardup.1" >&2
    exit 1
fi
grep -q '^\\fB\\-\\-metric M\\fR$' man/neardup.1 || { echo "man.sh: FAIL: --metric missing" >&2; exit 1; }
exit 0
