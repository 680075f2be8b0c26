#!/bin/sh
# out_atomic.sh - issue 19, defect 6: a command's outputs are renamed into
# place only when all of them are complete, so when one cannot be written
# (here a file-size limit, ulimit -f, that only the larger output exceeds)
# none appears and a previous one is left as it was.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
case $N in /*) ;; *) N=$PWD/$N ;; esac
T=$(mktemp -d /tmp/nd_atomic_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "out_atomic.sh: FAIL: $*" >&2; exit 1; }
cd "$T" || exit 1
# big clusters: 400 copies of one text under 300-byte ids (1 kept record of
# ~340 bytes, a clusters line of ~120 KB); big kept: 300 distinct texts and
# one copy (~60 KB kept, one small cluster)
/usr/bin/python3 -c "
import json
for i in range(400): print(json.dumps({'id': 'x' * 290 + '%05d' % i, 'text': 'one text in every record'}))" > bigc.jsonl
/usr/bin/python3 -c "
import json, random
random.seed(2)
for i in range(300): print(json.dumps({'id': 'd%d' % i, 'text': ' '.join('w%d' % random.randrange(10**6) for _ in range(25))}))" > bigk.jsonl
sed -n 1p bigk.jsonl | sed 's/"d0"/"d0-copy"/' >> bigk.jsonl
# the limit: 40 blocks (20 KB in dash's 512-byte blocks, 40 KB in bash's)
for input in bigc bigk; do
    for before in none old; do
        rm -f k.jsonl c.jsonl
        [ $before = old ] && echo old-kept > k.jsonl && echo old-clusters > c.jsonl
        (ulimit -f 40 && exec "$N" dedup $input.jsonl -o k.jsonl --clusters c.jsonl -q) 2> err
        rc=$?
        [ $rc -eq 1 ] || fail "$input, $before: exit $rc, want 1: $(cat err)"
        grep -q "cannot write .*: File too large" err || fail "$input, $before: $(cat err)"
        if [ $before = none ]; then
            [ ! -e k.jsonl ] && [ ! -e c.jsonl ] || fail "$input: an output appeared although the other failed: $(ls)"
        else
            [ "$(cat k.jsonl)" = old-kept ] && [ "$(cat c.jsonl)" = old-clusters ] ||
                fail "$input: a previous output was replaced although the other failed"
        fi
        ls | grep -q '\.tmp\.' && fail "$input, $before: temporary files left: $(ls)"
    done
done
# without the limit both are written
"$N" dedup bigc.jsonl -o k.jsonl --clusters c.jsonl -q || fail "bigc without a limit"
[ "$(wc -l < k.jsonl)" -eq 1 ] && [ "$(wc -l < c.jsonl)" -eq 1 ] || fail "bigc: unexpected outputs"
[ "$(wc -c < c.jsonl)" -gt 100000 ] || fail "the clusters file is too small to pass the limit"
exit 0
