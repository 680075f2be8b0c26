#!/bin/sh
# mpi.sh - `mpirun -np 3 neardup dedup` gives output byte-identical to one
# process (kept records and clusters) on the sample plus generated edited
# copies (exact duplicates, near duplicates, buckets past the cap of 256),
# also for a .zst input and with --skip-bad; a bad record is reported once
# with its file:line and fails the run.  Skips (exit 0, with a message) only
# when mpirun is not installed or the binary was built without MPI.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
if ! command -v mpirun > /dev/null 2>&1; then
    echo "mpi.sh: SKIPPED: mpirun not found (install openmpi-bin, libopenmpi-dev)" >&2
    exit 0
fi
T=$(mktemp -d /tmp/nd_mpi_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "mpi.sh: FAIL: $*" >&2; exit 1; }
# CI runs as root; Open MPI's leak reports are not ours to fix under ASan
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
MPI="mpirun --oversubscribe -np 3"

/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 60 --seed 7 > "$T/a.jsonl" || fail "generator"
/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 300 --rate 0.004 --limit 3 --seed 8 | sed 's/"id": "/"id": "b-/' >> "$T/a.jsonl" || fail "generator"
sed 's/"id": "/"id": "again-/' tests/data/sample.jsonl >> "$T/a.jsonl"   # exact duplicates of the first round

"$N" dedup "$T/a.jsonl" -o "$T/one" --clusters "$T/onec" -q || fail "single process"
[ -s "$T/onec" ] || fail "no clusters: the comparison proves nothing"
$MPI "$N" dedup "$T/a.jsonl" -o "$T/three" --clusters "$T/threec" --timings -j 1 2> "$T/err" \
    || fail "mpirun -np 3 failed: $(cat "$T/err")"
if ! grep -q "MPI rank 2/3" "$T/err"; then
    echo "mpi.sh: SKIPPED: $N was built without MPI (no mpicc at build time)" >&2
    exit 0
fi
cmp -s "$T/one" "$T/three" || fail "kept records differ under mpirun -np 3"
cmp -s "$T/onec" "$T/threec" || fail "clusters differ under mpirun -np 3"
[ "$(grep -c "bytes sent" "$T/err")" -eq 3 ] || fail "--timings: one traffic line per rank expected"
[ "$(grep -c "^neardup dedup:" "$T/err")" -eq 1 ] || fail "summary printed by more than rank 0"
one_sum=$("$N" dedup "$T/a.jsonl" -o "$T/x" 2>&1 | sed 's/ of text in .*//')
mpi_sum=$(grep "^neardup dedup:" "$T/err" | sed 's/ of text in .*//')
[ "$one_sum" = "$mpi_sum" ] || fail "summaries differ: '$one_sum' vs '$mpi_sum'"

# .zst input, two ranks
zstd -q -c "$T/a.jsonl" > "$T/a.jsonl.zst" || fail "zstd"
mpirun --oversubscribe -np 2 "$N" dedup "$T/a.jsonl.zst" -o "$T/z" -q -j 1 || fail "mpirun .zst"
cmp -s "$T/one" "$T/z" || fail ".zst input under mpirun -np 2 differs"

# a bad record: reported once, with its line, exit 2 (mpirun passes it on)
cp "$T/a.jsonl" "$T/bad.jsonl"
sed -n '2000p' "$T/a.jsonl" | sed 's/"text"/"txet"/' > "$T/badline"
sed -i '2000r '"$T/badline" "$T/bad.jsonl"
$MPI "$N" dedup "$T/bad.jsonl" -o "$T/bad.out" -q -j 1 2> "$T/bad.err"
[ $? -ne 0 ] || fail "bad record: mpirun exited 0"
[ "$(grep -c "bad.jsonl:2001" "$T/bad.err")" -eq 1 ] || fail "bad record not reported once with its line: $(cat "$T/bad.err")"
[ ! -e "$T/bad.out" ] || fail "output written despite the error"
# --skip-bad: identical to one process
"$N" dedup "$T/bad.jsonl" -o "$T/sb1" --skip-bad -q || fail "--skip-bad single"
$MPI "$N" dedup "$T/bad.jsonl" -o "$T/sb3" --skip-bad -q -j 1 || fail "--skip-bad mpirun"
cmp -s "$T/sb1" "$T/sb3" || fail "--skip-bad output differs under mpirun"

# unsupported combinations are usage errors
$MPI "$N" dedup "$T/a.jsonl" -o "$T/u" --exact -q 2> /dev/null
[ $? -ne 0 ] || fail "--exact under mpirun should fail"
exit 0
