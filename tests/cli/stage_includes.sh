#!/bin/sh
# stage_includes.sh - every C file includes the stage headers whose names it
# uses (src/lib/nd.h is only the base since issue 21): a file that reaches a
# stage only through another header, or a branch written against the old
# all-in-one nd.h, is listed; `python3 scripts/stage-includes.py` adds the
# missing lines.
set -u
out=$(/usr/bin/python3 scripts/stage-includes.py --check) || {
    echo "stage_includes.sh: FAIL: files missing stage headers (run python3 scripts/stage-includes.py):" >&2
    echo "$out" >&2
    exit 1
}
exit 0
