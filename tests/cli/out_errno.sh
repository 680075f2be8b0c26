#!/bin/sh
# out_errno.sh - issue 19, defect 7: a write that fails is reported with the
# errno of the failed write itself, whatever the thread count and for the
# HTML report too ("No space left on device", not "Input/output error",
# "Inappropriate ioctl for device" or "out of memory writing the report").
# The full disk is /dev/full (written in place: a device is never renamed
# over) and, as root, a 16 KiB tmpfs mounted here; without root that part is
# skipped with a message.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
case $N in /*) ;; *) N=$PWD/$N ;; esac
T=$(mktemp -d /tmp/nd_errno_sh.XXXXXX)
M=""
trap '[ -n "$M" ] && umount "$M" 2> /dev/null; rm -rf "$T"' EXIT
fail() { echo "out_errno.sh: FAIL: $*" >&2; exit 1; }
D=$PWD/tests/data
S=$D/sample.jsonl
A=$D/seeds/000_e994c8c5101e7cdf.txt
B=$D/seeds/003_9a10c820da11214b.txt
"$N" index build "$D/seeds" -o "$T/ref.ndx" -q || fail "index build"
# 3.7 MB of records, so that dedup's second pass writes (and fails) on its
# writer thread, past the 1 MiB stream buffer
/usr/bin/python3 bench/gen_edited.py "$S" 100 --seed 3 > "$T/big.jsonl" || fail "generator"
# 1.5 MB of records sharing passages: an HTML report of 3.5 MB, which fails
# inside the report writer, past the stream buffer
/usr/bin/python3 bench/gen_edited.py "$S" 40 --seed 3 > "$T/shared.jsonl" || fail "generator"
# as root, a full device of our own (1, 7 is /dev/full): a binary that
# renamed over its output would replace it, not the system's
FULL=/dev/full
[ "$(id -u)" -eq 0 ] && mknod "$T/full" c 1 7 2> /dev/null && FULL=$T/full

# enospc WHAT CMD...: exit 1 and the reason of the failed write
enospc() {
    what=$1
    shift
    "$@" > /dev/null 2> "$T/err"
    rc=$?
    [ $rc -eq 1 ] || fail "$what: exit $rc, want 1: $(cat "$T/err")"
    grep -q "cannot write .*: No space left on device" "$T/err" || fail "$what: wrong reason: $(cat "$T/err")"
    grep -q "out of memory" "$T/err" && fail "$what: says out of memory: $(cat "$T/err")"
    return 0
}
for j in 1 2 3; do
    enospc "dedup -j $j" "$N" dedup "$S" -o "$FULL" -j $j -q
    enospc "dedup --clusters, -j $j" "$N" dedup "$S" -o "$T/k.jsonl" --clusters "$FULL" -j $j -q
    enospc "dedup -o - > full, -j $j" sh -c '"$0" dedup "$1" -o - -j $2 -q > "$3"' "$N" "$S" $j "$FULL"
    enospc "dedup of 3.7 MB, -j $j" "$N" dedup "$T/big.jsonl" -o "$FULL" -j $j -q
    enospc "dedup of 3.7 MB -o - > full, -j $j" sh -c '"$0" dedup "$1" -o - -j $2 -q > "$3"' "$N" "$T/big.jsonl" $j "$FULL"
done
[ ! -e "$T/k.jsonl" ] || fail "-o k.jsonl appeared although --clusters failed"
enospc "pairs" "$N" pairs "$S" -t 0.3 -o "$FULL" -q
enospc "overlap" "$N" overlap "$D/seeds" -o "$FULL" -q
enospc "overlap html" "$N" overlap "$D/seeds" --format html -o "$FULL" -q
enospc "overlap html of 3.5 MB" "$N" overlap "$T/shared.jsonl" --max-df 1000 --format html -o "$FULL" -q
enospc "align html" "$N" align "$A" "$B" --format html -o "$FULL" -q
enospc "query html" "$N" query "$T/ref.ndx" "$A" --mode overlap --format html -o "$FULL" -q
enospc "index build" "$N" index build "$S" -o "$FULL" -q
[ -c "$FULL" ] || fail "$FULL is no longer a device"

# a full file system (1 MiB): the temporary file beside the output cannot grow
mkdir "$T/mnt"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$T/mnt" 2> /dev/null; then
    M=$T/mnt
    for j in 1 2 3; do
        enospc "full fs: dedup -j $j" "$N" dedup "$T/big.jsonl" -o "$M/k.jsonl" -j $j -q
        [ -z "$(ls -A "$M")" ] || fail "full fs: dedup left $(ls -A "$M")"
    done
    enospc "full fs: overlap html of 3.5 MB" "$N" overlap "$T/shared.jsonl" --max-df 1000 --format html -o "$M/r.html" -q
    [ -z "$(ls -A "$M")" ] || fail "full fs: overlap left $(ls -A "$M")"
    head -c 1040000 /dev/zero > "$M/filler" 2> /dev/null # what is left is less than the small outputs
    [ -s "$M/filler" ] || fail "could not fill the tmpfs"
    enospc "full fs: overlap html" "$N" overlap "$S" --format html -o "$M/r.html" -q
    enospc "full fs: index build" "$N" index build "$S" -o "$M/ref.ndx" -q
    [ "$(ls -A "$M")" = filler ] || fail "full fs: left $(ls -A "$M")"
else
    echo "out_errno.sh: full file system part skipped: mounting a tmpfs needs root" >&2
fi
exit 0
