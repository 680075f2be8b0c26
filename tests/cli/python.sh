#!/bin/sh
# python.sh - the Python module's tests (python/tests, pytest from Debian's
# python3-pytest) against the module `make python` built into BUILD/python,
# comparing with the neardup binary of the same build.  Skipped in the
# sanitizer builds: a sanitized extension cannot load into python3.
set -u
B=${BUILD:-build}
case "$B" in *asan*|*ubsan*) exit 0 ;; esac
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
fail() { echo "python.sh: FAIL: $*" >&2; exit 1; }
ls "$B"/python/neardup/_neardup*.so > /dev/null 2>&1 || fail "no module in $B/python (make python)"
"$PY" -c 'import pytest' 2> /dev/null || fail "no pytest for $PY (apt-get install python3-pytest)"
# the module imports as the README says, from outside the source tree
BP=$(cd "$B/python" && pwd)
(cd / && PYTHONPATH="$BP" "$PY" -c 'import neardup; neardup.align("a", "b")') || fail "import neardup"
NEARDUP=${NEARDUP:-$B/neardup} PYTHONPATH="$BP" "$PY" -m pytest -q -p no:cacheprovider python/tests || fail "pytest"
exit 0
