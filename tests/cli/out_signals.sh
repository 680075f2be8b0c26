#!/bin/sh
# out_signals.sh - issue 19, defect 3: SIGINT, SIGTERM or SIGHUP while a
# command writes its outputs leaves no file beside them, and the process
# dies of the signal; after SIGKILL, the next run on the same output removes
# the temporary file the killed run left (its lock is free), and never one
# that a live run holds.
#
# Each command reads standard input from a fifo this script holds open, so
# it sits in the middle of its run, with its outputs open, until the signal.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
case $N in /*) ;; *) N=$PWD/$N ;; esac
T=$(mktemp -d /tmp/nd_signals_sh.XXXXXX)
trap 'exec 3>&- 2> /dev/null; rm -rf "$T"' EXIT
fail() { echo "out_signals.sh: FAIL: $*" >&2; exit 1; }
cd "$T" || exit 1
cp "$OLDPWD/tests/data/seeds/000_e994c8c5101e7cdf.txt" a.txt
cp "$OLDPWD/tests/data/sample.jsonl" x.jsonl
"$N" index build a.txt -o ref.ndx -q || fail "index build"
cp ref.ndx ref.orig
mkdir w
mkfifo ff

# A background job of a script starts with SIGINT ignored (and neardup keeps
# a signal ignored at start, as nohup wants): this restores the default.
dfl() {
    exec /usr/bin/python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP): signal.signal(s, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$@"
}
# wait_tmp DIR: until a temporary file appears in DIR (5 s at most)
wait_tmp() {
    i=0
    while [ $i -lt 50 ]; do
        ls -A "$1" | grep -q '\.tmp\.' && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# interrupt SIG STATUS CMD...: starts CMD (run in w/, standard input the
# fifo), waits for its temporary output, sends SIG; CMD must die with STATUS
# and leave w/ as it was
interrupt() {
    sig=$1 want=$2
    shift 2
    ls -A w > before
    exec 3<> ff # a writer that never closes: the reader waits for more
    printf '{"id": "q1", "text": "the quick brown fox jumps over the lazy dog again"}\n' >&3
    (cd w && dfl "$@" < ../ff 2> ../err) &
    pid=$!
    wait_tmp w || { kill -KILL $pid; exec 3>&-; fail "$*: no temporary output appeared in w/: $(ls -A w)"; }
    kill -"$sig" $pid
    wait $pid
    rc=$?
    exec 3>&-
    [ $rc -eq "$want" ] || fail "$*: SIG$sig: exit status $rc, want $want; stderr: $(cat err)"
    ls -A w > after
    cmp -s before after || fail "$*: SIG$sig left files beside the outputs: $(diff before after | grep '^>' | tr '\n' ' ')"
}

interrupt INT 130 "$N" dedup - -o kept.jsonl --clusters clusters.jsonl
interrupt TERM 143 "$N" dedup - -o kept.jsonl --clusters clusters.jsonl
interrupt HUP 129 "$N" dedup - -o kept.jsonl --clusters clusters.jsonl
interrupt INT 130 "$N" pairs - -o pairs.txt
interrupt INT 130 "$N" overlap - -o overlap.txt
interrupt INT 130 "$N" overlap - --format html -o overlap.html
interrupt INT 130 "$N" align - ../a.txt -o align.txt
interrupt INT 130 "$N" index build - -o new.ndx
interrupt INT 130 "$N" query ../ref.ndx - -o query.txt
# index add writes the new index beside the old one, here in w/
cp ref.ndx w/ref.ndx
interrupt INT 130 "$N" index add ref.ndx -
cmp -s w/ref.ndx ref.orig || fail "index add: SIGINT changed the index"
rm w/ref.ndx

# a previous output is left as it was
echo old > w/kept.jsonl
interrupt TERM 143 "$N" dedup - -o kept.jsonl
[ "$(cat w/kept.jsonl)" = old ] || fail "SIGTERM changed the previous output"
rm w/kept.jsonl

# SIGKILL cannot be caught: the temporary file stays, and the next run on
# the same output removes it (its lock died with its owner) and says so
exec 3<> ff
(cd w && exec "$N" dedup - -o kept.jsonl < ../ff 2> /dev/null) &
pid=$!
wait_tmp w || fail "SIGKILL: no temporary output appeared"
kill -KILL $pid
wait $pid
exec 3>&-
stale=$(ls -A w | grep '\.tmp\.')
[ -n "$stale" ] || fail "SIGKILL: expected the temporary file to survive"
(cd w && "$N" dedup ../x.jsonl -o kept.jsonl -q 2> ../err) || fail "the run after SIGKILL: $(cat err)"
grep -q "removed ./$stale, left by an interrupted run" err || fail "the stale file's removal is not reported: $(cat err)"
[ "$(ls -A w)" = kept.jsonl ] || fail "after the run that follows SIGKILL, w/ holds: $(ls -A w)"
rm w/kept.jsonl

# ... but a temporary file whose run is alive is not touched
exec 3<> ff
(cd w && exec "$N" dedup - -o kept.jsonl < ../ff 2> /dev/null) &
pid=$!
wait_tmp w || fail "live run: no temporary output appeared"
live=$(ls -A w | grep '\.tmp\.')
(cd w && "$N" dedup ../x.jsonl -o kept.jsonl -q 2> ../err) || fail "a second run beside a live one: $(cat err)"
[ -e "w/$live" ] || fail "the live run's temporary file was removed: $(cat err)"
kill -TERM $pid
wait $pid
exec 3>&-
[ ! -e "w/$live" ] || fail "SIGTERM left the live run's temporary file"
exit 0
