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
# the library is inside the module (no libneardup.so to find at run time), and the
# module exports nothing but its init function
EXT=$(ls "$B"/python/neardup/_neardup*.so)
! ldd "$EXT" | grep -q libneardup || fail "$EXT loads libneardup.so: $(ldd "$EXT" | grep libneardup)"
syms=$(nm -D --defined-only "$EXT" | awk '{print $3}' | grep -v '^_' | tr '\n' ' ')
[ "$syms" = "PyInit__neardup " ] || fail "$EXT exports more than PyInit__neardup: $syms"
# the module imports as the README says, from outside the source tree
BP=$(cd "$B/python" && pwd)
(cd / && PYTHONPATH="$BP" "$PY" -c 'import neardup; neardup.align("a", "b")') || fail "import neardup"
NEARDUP=${NEARDUP:-$B/neardup} PYTHONPATH="$BP" "$PY" -m pytest -q -p no:cacheprovider python/tests || fail "pytest"
# make install puts the package in the prefix's site directory (scripts/python-site.py),
# importable from there with nothing else set; make uninstall removes it
T=$(mktemp -d /tmp/nd_python_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
make -s --no-print-directory install BUILD="$B" PREFIX="$T/prefix" PYTHON="$PY" > "$T/log" 2>&1 || { cat "$T/log" >&2; fail "make install"; }
SITE=$("$PY" scripts/python-site.py "$T/prefix")
(cd / && PYTHONPATH="$SITE" "$PY" -c 'import sys, neardup; assert neardup.__file__.startswith(sys.argv[1]), neardup.__file__; t = " ".join(map(str, range(30))); assert neardup.align(t, t)' "$SITE") \
    || fail "import neardup from $SITE"
make -s --no-print-directory uninstall BUILD="$B" PREFIX="$T/prefix" PYTHON="$PY" > "$T/log" 2>&1 || fail "make uninstall"
[ ! -e "$SITE/neardup" ] || fail "uninstall left $(find "$SITE/neardup")"
exit 0
