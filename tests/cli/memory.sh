#!/bin/sh
# memory.sh - `dedup --memory`: spilling to sorted zstd runs gives output
# byte-identical to the in-memory run (kept records and clusters), including
# buckets larger than dedup's bucket cap; bad sizes are usage errors; no
# temporary file is left in --tmp after success, after a failure and after
# SIGINT.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_memory_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "memory.sh: FAIL: $*" >&2; exit 1; }
mkdir "$T/tmp"
empty_tmp() { [ -z "$(ls -A "$T/tmp")" ] || fail "$1: left in --tmp: $(ls -A "$T/tmp")"; }

# 3000 records: 100 edited copies of the sample; 1500: 300 light copies of 5
# records (buckets of ~300 documents, above dedup's cap of 256)
/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 100 --seed 3 > "$T/a.jsonl" || fail "generator"
/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 300 --rate 0.004 --limit 5 --seed 4 > "$T/b.jsonl" || fail "generator"
for c in a b; do
    "$N" dedup "$T/$c.jsonl" -o "$T/$c.mem" --clusters "$T/$c.memc" -q || fail "$c: in-memory dedup"
    "$N" dedup "$T/$c.jsonl" -o "$T/$c.sp" --clusters "$T/$c.spc" --memory 1M --tmp "$T/tmp" --timings \
        -j 2 2> "$T/$c.err" || fail "$c: dedup --memory 1M: $(cat "$T/$c.err")"
    runs=$(sed -n 's/.* in \([0-9]*\) sorted runs.*/\1/p' "$T/$c.err")
    [ "${runs:-0}" -ge 2 ] || fail "$c: expected at least 2 spill runs, got '${runs:-}'"
    cmp -s "$T/$c.mem" "$T/$c.sp" || fail "$c: kept records differ with --memory"
    cmp -s "$T/$c.memc" "$T/$c.spc" || fail "$c: clusters differ with --memory"
    [ -s "$T/$c.memc" ] || fail "$c: no clusters at all: the comparison proves nothing"
    empty_tmp "$c: after success"
done
# the large-bucket corpus really has clusters past the cap
big=$(awk -F'", "' '{ if (NF > m) m = NF } END { print m }' "$T/b.memc")
[ "$big" -gt 256 ] || fail "b: largest cluster has $big members, want > 256"

# a .zst input (decoded spool goes to --tmp too) and threads do not matter
if command -v zstd > /dev/null; then
    zstd -q -c "$T/a.jsonl" > "$T/a.jsonl.zst"
    "$N" dedup "$T/a.jsonl.zst" -o "$T/z.sp" --memory 1M --tmp "$T/tmp" -j 1 -q || fail "zst --memory"
    cmp -s "$T/a.mem" "$T/z.sp" || fail ".zst input with --memory differs"
    empty_tmp "after .zst"
fi

# failure: a bad record late in the input exits 2 and leaves nothing
cp "$T/a.jsonl" "$T/bad.jsonl"
echo '{"id": "broken", "text": ' >> "$T/bad.jsonl"
"$N" dedup "$T/bad.jsonl" -o "$T/bad.out" --memory 1M --tmp "$T/tmp" -q 2> "$T/bad.err"
[ $? -eq 2 ] || fail "bad record: want exit 2"
grep -q "bad.jsonl:3001" "$T/bad.err" || fail "bad record not located: $(cat "$T/bad.err")"
[ ! -e "$T/bad.out" ] || fail "partial output after failure"
empty_tmp "after failure"

# SIGINT in the middle: the spill files were unlinked when created
/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 1500 --seed 5 > "$T/big.jsonl"
"$N" dedup "$T/big.jsonl" -o "$T/big.out" --memory 1M --tmp "$T/tmp" -j 1 -q 2> /dev/null &
pid=$!
sleep 0.3
kill -INT $pid 2> /dev/null
wait $pid
empty_tmp "after SIGINT"

# usage errors
for s in 0 12Q -5M 100 ""; do
    "$N" dedup "$T/a.jsonl" -o "$T/u.out" --memory "$s" 2> /dev/null
    [ $? -eq 2 ] || fail "--memory '$s' should be a usage error"
done
"$N" dedup "$T/a.jsonl" -o "$T/u.out" --memory 1M --exact 2> /dev/null
[ $? -eq 2 ] || fail "--memory with --exact should be a usage error"
"$N" dedup "$T/a.jsonl" -o "$T/u.out" --memory 1M --tmp "$T/nonexistent" 2> "$T/u.err"
[ $? -eq 1 ] || fail "--tmp to a missing directory: want exit 1"
grep -q "nonexistent" "$T/u.err" || fail "--tmp error does not name the directory"

# issue 19: --memory is a bound, not a reservation.  A budget far above what
# the run needs reserves only what it uses (1T once asked for 256 GiB at the
# start and failed with "out of memory"), with the in-memory output.
"$N" dedup "$T/a.jsonl" -o "$T/huge.sp" --clusters "$T/huge.spc" --memory 1T --tmp "$T/tmp" -q 2> "$T/huge.err" ||
    fail "--memory 1T: $(cat "$T/huge.err")"
cmp -s "$T/a.mem" "$T/huge.sp" && cmp -s "$T/a.memc" "$T/huge.spc" || fail "--memory 1T changes the output"
# One record alone beyond the budget (a record is never split) is named, with
# what it needs; records within it are not.
/usr/bin/python3 -c "
import random
random.seed(1)
print('{\"id\": \"huge\", \"text\": \"' + ' '.join('w%d' % random.randrange(9999) for i in range(400000)) + '\"}')
print('{\"id\": \"small\", \"text\": \"a b c d e f g\"}')" > "$T/one.jsonl"
"$N" dedup "$T/one.jsonl" -o "$T/one.out" --memory 2M --tmp "$T/tmp" -q 2> "$T/one.err" || fail "one big record: $(cat "$T/one.err")"
grep -Eq "memory 2 MiB is exceeded by one record alone: .*one.jsonl:1 \(id \"huge\"\) needs about [0-9]+ MiB" "$T/one.err" ||
    fail "one record past --memory is not named: $(cat "$T/one.err")"
"$N" dedup "$T/one.jsonl" -o "$T/one.out" --memory 64M --tmp "$T/tmp" -q 2> "$T/one.err" || fail "one record, 64M"
[ ! -s "$T/one.err" ] || fail "a record within --memory is warned about: $(cat "$T/one.err")"
empty_tmp "after the bound checks"
exit 0
