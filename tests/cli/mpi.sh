#!/bin/sh
# mpi.sh - `mpirun -np 1, 2, 3 neardup dedup` gives output byte-identical to
# one process (kept records and clusters) on the sample plus generated
# edited copies (exact duplicates, near duplicates, buckets past the cap of
# 256), for each way ranks share the input:
#   - one uncompressed JSONL file: byte ranges split on line boundaries
#     (blank lines and CRLF included; every rank reads only its range);
#   - a directory of several files (JSONL, .zst, plain text, .gz, empty) and
#     a list of files: whole files split among ranks;
#   - one .zst file: the fallback where every rank decodes the stream;
#   - a bad record: the same message as one process, naming file and line
#     (line numbers of a rank that starts mid-file), and --skip-bad;
#   - a duplicate id: the same message as one process;
#   - --memory with -np 2 (signatures on disk, band records in rounds);
#   - --against, --removed, --annotate and --keep (kept, clusters, removed
#     records and summary), in each of those ways of sharing.
# neardup never links MPI and hands over to the neardup-mpi beside it under
# mpirun (and refuses without one).  Skips (exit 0, with a message) only when
# mpirun is not installed or neardup-mpi was not built (no mpicc).
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
if ! command -v mpirun > /dev/null 2>&1; then
    echo "mpi.sh: SKIPPED: mpirun not found (install openmpi-bin, libopenmpi-dev)" >&2
    exit 0
fi
if [ ! -x "$(dirname "$N")/neardup-mpi" ]; then
    echo "mpi.sh: SKIPPED: no neardup-mpi beside $N (built without mpicc)" >&2
    exit 0
fi
T=$(mktemp -d /tmp/nd_mpi_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "mpi.sh: FAIL: $*" >&2; exit 1; }
# Open MPI's leak reports are not ours to fix under ASan
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
ROOT=
[ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root # CI runs as root
mpi() { np=$1; shift; mpirun --oversubscribe $ROOT -np "$np" "$N" "$@"; }

/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 60 --seed 7 > "$T/a.jsonl" || fail "generator"
/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 300 --rate 0.004 --limit 3 --seed 8 | sed 's/"id": "/"id": "b-/' >> "$T/a.jsonl" || fail "generator"
sed 's/"id": "/"id": "again-/' tests/data/sample.jsonl >> "$T/a.jsonl"   # exact duplicates of the first round
total=$(wc -l < "$T/a.jsonl")

"$N" dedup "$T/a.jsonl" -o "$T/one" --clusters "$T/onec" -q || fail "single process"
[ -s "$T/onec" ] || fail "no clusters: the comparison proves nothing"
mpi 3 dedup "$T/a.jsonl" -o "$T/three" --clusters "$T/threec" --timings -j 1 2> "$T/err" \
    || fail "mpirun -np 3 failed: $(cat "$T/err")"
grep -q "MPI rank 2/3" "$T/err" || fail "mpirun -np 3 did not run three ranks: $(head -3 "$T/err")"
# neardup itself never loads the MPI libraries: under mpirun it runs the
# neardup-mpi beside it, and refuses (naming what is missing) without one
if command -v ldd > /dev/null 2>&1 && ldd "$N" | grep -q libmpi; then fail "$N links the MPI libraries"; fi
cp "$N" "$T/lonely"
mpirun --oversubscribe $ROOT -np 2 "$T/lonely" --version > /dev/null 2> "$T/lonely.err" && fail "neardup without neardup-mpi ran under mpirun"
grep -q "neardup-mpi cannot run" "$T/lonely.err" || fail "no clear error without neardup-mpi: $(head -2 "$T/lonely.err")"
cmp -s "$T/one" "$T/three" || fail "kept records differ under mpirun -np 3"
cmp -s "$T/onec" "$T/threec" || fail "clusters differ under mpirun -np 3"
[ "$(grep -c "bytes sent" "$T/err")" -eq 3 ] || fail "--timings: one traffic line per rank expected"
[ "$(grep -c "^neardup dedup:" "$T/err")" -eq 1 ] || fail "summary printed by more than rank 0"
one_sum=$("$N" dedup "$T/a.jsonl" -o "$T/x" 2>&1 | sed 's/ of text in .*//')
mpi_sum=$(grep "^neardup dedup:" "$T/err" | sed 's/ of text in .*//')
[ "$one_sum" = "$mpi_sum" ] || fail "summaries differ: '$one_sum' vs '$mpi_sum'"
# each rank read only its byte range: the records read add up to the file's
size=$(wc -c < "$T/a.jsonl")
read_sum=$(sed -n 's/.*MPI rank [0-9]*\/3: read \([0-9]*\) records, \([0-9]*\) input bytes.*/\1 \2/p' "$T/err" |
    awk -v size="$size" '{ n += $1; if ($2 >= size) whole = 1 } END { print (whole ? "whole" : n) }')
[ "$read_sum" = "$total" ] || fail "ranks did not split the file: $read_sum records read (of $total), 'whole' = a rank read all"

# compare FILE-OR-DIR... against one process for -np 1, 2, 3 (kept + clusters)
same_all() {
    what=$1; shift
    "$N" dedup "$@" -o "$T/s1" --clusters "$T/s1c" -q 2> "$T/s.err" || fail "$what: single process: $(cat "$T/s.err")"
    for np in 1 2 3; do
        mpi "$np" dedup "$@" -o "$T/s$np.k" --clusters "$T/s$np.c" -q -j 1 2> "$T/s.err" \
            || fail "$what: mpirun -np $np failed: $(cat "$T/s.err")"
        cmp -s "$T/s1" "$T/s$np.k" || fail "$what: kept records differ under mpirun -np $np"
        cmp -s "$T/s1c" "$T/s$np.c" || fail "$what: clusters differ under mpirun -np $np"
    done
}

# one file with blank lines and CRLF endings, cut into byte ranges
awk 'NR % 7 == 0 { print "" } NR % 5 == 0 { sub(/$/, "\r") } { print }' "$T/a.jsonl" > "$T/m.jsonl"
same_all "JSONL with blank lines and CRLF" "$T/m.jsonl"

# several files: a directory (sorted walk) and a list, split as whole files
mkdir -p "$T/d/sub"
sed -n 1,500p "$T/a.jsonl" > "$T/d/p1.jsonl"
sed -n 501,1300p "$T/a.jsonl" > "$T/d/p2.jsonl"
sed -n 1301,1700p "$T/a.jsonl" | zstd -q > "$T/d/p3.jsonl.zst" || fail "zstd"
sed -n '1701,$p' "$T/a.jsonl" > "$T/d/sub/p4.jsonl"
: > "$T/d/empty.jsonl"
cp tests/data/sample.jsonl "$T/d/sub/p5.jsonl"
head -c 3000 "$T/d/p1.jsonl" > "$T/d/sub/plain.txt"
head -c 3000 "$T/d/p1.jsonl" | gzip > "$T/d/sub/plain2.txt.gz"
sed -i 's/"id": "/"id": "five-/' "$T/d/sub/p5.jsonl"
same_all "a directory of files" "$T/d"
same_all "a list of files" "$T/d/sub/p4.jsonl" "$T/d/p3.jsonl.zst" "$T/d/p1.jsonl"

# one .zst file: every rank decodes the stream (the fallback)
zstd -q -c "$T/a.jsonl" > "$T/a.jsonl.zst" || fail "zstd"
same_all ".zst input" "$T/a.jsonl.zst"

# a bad record: the message of one process, once, exit 2, no output; lines
# near the ranks' boundaries (one third, half, two thirds of the file)
for at in 911 1366 1821 2500; do
    # the first record at or after line $at (blank lines are no records)
    awk -v at="$at" 'NR >= at && !done && /"text"/ { sub(/"text"/, "\"txet\""); done = 1 } { print }' \
        "$T/m.jsonl" > "$T/bad.jsonl"
    at=$(grep -n '"txet"' "$T/bad.jsonl" | cut -d: -f1)
    want=$("$N" dedup "$T/bad.jsonl" -o "$T/bad.out" -q 2>&1)
    echo "$want" | grep -q "bad.jsonl:$at: " || fail "one process does not name line $at: $want"
    for np in 2 3; do
        mpi "$np" dedup "$T/bad.jsonl" -o "$T/bad.out" -q -j 1 > /dev/null 2> "$T/bad.err"
        [ $? -ne 0 ] || fail "bad record at line $at: mpirun -np $np exited 0"
        got=$(grep "^neardup" "$T/bad.err")
        [ "$got" = "$want" ] || fail "bad record at line $at, -np $np: '$got', one process: '$want'"
        [ ! -e "$T/bad.out" ] || fail "output written despite the error"
    done
done
# --skip-bad: identical to one process
same_all "--skip-bad" "$T/bad.jsonl" --skip-bad

# a duplicate id (records far apart, on different ranks): one process's message
{ cat "$T/a.jsonl"; sed -n 100p "$T/a.jsonl"; } > "$T/dup.jsonl"
want=$("$N" dedup "$T/dup.jsonl" -o "$T/dup.out" -q 2>&1)
for np in 2 3; do
    got=$(mpi "$np" dedup "$T/dup.jsonl" -o "$T/dup.out" -q -j 1 2>&1 | grep "^neardup")
    [ "$got" = "$want" ] || fail "duplicate id, -np $np: '$got', one process: '$want'"
done

# --memory under mpirun: a budget small enough for several rounds of band records
mpi 2 dedup "$T/a.jsonl" -o "$T/mem" --clusters "$T/memc" --memory 1M --tmp "$T" --timings -j 1 2> "$T/mem.err" \
    || fail "--memory under mpirun -np 2 failed: $(cat "$T/mem.err")"
grep -q "band records in [2-9] rounds" "$T/mem.err" || fail "--memory 1M: expected several rounds: $(cat "$T/mem.err")"
cmp -s "$T/one" "$T/mem" || fail "--memory under mpirun -np 2: kept records differ"
cmp -s "$T/onec" "$T/memc" || fail "--memory under mpirun -np 2: clusters differ"
[ -z "$(ls "$T" | grep neardup-)" ] || fail "--memory left temporary files in --tmp"

# --against, --removed, --annotate and --keep: byte-identical to one process
# (kept records, clusters, removed records, summary) for -np 1, 2, 3; the
# references are the first files, split among the ranks like the inputs
awk '{ sub(/^\{/, "{\"q\": " (NR * 7919 % 101) ", "); print }' "$T/a.jsonl" > "$T/q.jsonl"
head -700 "$T/q.jsonl" > "$T/qref.jsonl"
tail -n +701 "$T/q.jsonl" > "$T/qin.jsonl"
zstd -q -c "$T/q.jsonl" > "$T/q.jsonl.zst" || fail "zstd"
same_flags() {
    what=$1; shift
    "$N" dedup "$@" -o "$T/f1" --clusters "$T/f1c" --removed "$T/f1r" 2> "$T/f.err" ||
        fail "$what: single process: $(cat "$T/f.err")"
    [ -s "$T/f1r" ] || fail "$what: nothing removed: the comparison proves nothing"
    want=$(grep "^neardup dedup:" "$T/f.err" | sed 's/ of text in .*//')
    for np in 1 2 3; do
        mpi "$np" dedup "$@" -o "$T/f$np.k" --clusters "$T/f$np.c" --removed "$T/f$np.r" -j 1 2> "$T/f.err" \
            || fail "$what: mpirun -np $np failed: $(cat "$T/f.err")"
        cmp -s "$T/f1" "$T/f$np.k" || fail "$what: kept records differ under mpirun -np $np"
        cmp -s "$T/f1c" "$T/f$np.c" || fail "$what: clusters differ under mpirun -np $np"
        cmp -s "$T/f1r" "$T/f$np.r" || fail "$what: removed records differ under mpirun -np $np"
        got=$(grep "^neardup dedup:" "$T/f.err" | sed 's/ of text in .*//')
        [ "$got" = "$want" ] || fail "$what: summaries differ under mpirun -np $np: '$got' vs '$want'"
    done
}
same_flags "--annotate" "$T/qin.jsonl" --annotate
for keep in longest shortest max:q min:q none; do same_flags "--keep $keep" "$T/qin.jsonl" --keep "$keep" --annotate; done
grep -q '"kept": null' "$T/f1c" || fail "--keep none: no cluster without a kept document"
same_flags "--against" "$T/qin.jsonl" --against "$T/qref.jsonl" --annotate
grep -q '"reference"' "$T/f1c" || fail "--against: no cluster holds a reference"
for f in f1 f1c f1r; do cp "$T/$f" "$T/$f.corpus"; done
"$N" index build "$T/qref.jsonl" -o "$T/qref.ndx" -q || fail "index build"
same_flags "--against INDEX" "$T/qin.jsonl" --against "$T/qref.ndx" --annotate
for f in f1 f1c f1r; do cmp -s "$T/$f" "$T/$f.corpus" || fail "--against INDEX: $f differs from --against CORPUS"; done
zstd -q -c "$T/qin.jsonl" > "$T/qin.jsonl.zst" || fail "zstd"
same_flags "one .zst against an index, --keep min:q" "$T/qin.jsonl.zst" --against "$T/qref.ndx" --keep min:q --annotate
same_flags "--against twice, --keep longest" "$T/qin.jsonl" --against "$T/qref.jsonl" --against "$T/d/sub/p5.jsonl" \
    --keep longest
same_flags "one .zst (every rank decodes it), --keep max:q" "$T/q.jsonl.zst" --keep max:q --annotate
same_flags "a directory (plain files too), --keep longest" "$T/d" --keep longest --annotate
same_flags "--skip-bad (numbers past skipped records)" "$T/bad.jsonl" --skip-bad --annotate
# a record without the --keep field: one process's message (the first in input order)
sed '1500s/"q": [0-9]*, //; 2600s/"q": [0-9]*, //' "$T/q.jsonl" > "$T/noq.jsonl"
want=$("$N" dedup "$T/noq.jsonl" -o "$T/noq.out" -q --keep min:q 2>&1)
echo "$want" | grep -q 'has no field "q"' || fail "one process: no message for the missing field: $want"
for np in 2 3; do
    got=$(mpi "$np" dedup "$T/noq.jsonl" -o "$T/noq.out" -q -j 1 --keep min:q 2>&1 | grep "^neardup")
    [ "$got" = "$want" ] || fail "missing --keep field, -np $np: '$got', one process: '$want'"
    [ ! -e "$T/noq.out" ] || fail "missing --keep field: output written"
done
# --removed with --memory: the scores from the signatures on disk
mpi 2 dedup "$T/qin.jsonl" --against "$T/qref.jsonl" -o "$T/memk" --removed "$T/memr" --memory 1M --tmp "$T" -q -j 1 \
    || fail "--removed --memory under mpirun failed"
"$N" dedup "$T/qin.jsonl" --against "$T/qref.jsonl" -o "$T/onek" --removed "$T/oner" -q || fail "single process"
cmp -s "$T/onek" "$T/memk" && cmp -s "$T/oner" "$T/memr" || fail "--removed --memory under mpirun -np 2 differs"

# unsupported combinations are usage errors
mpi 3 dedup "$T/a.jsonl" -o "$T/u" --exact -q 2> /dev/null
[ $? -ne 0 ] || fail "--exact under mpirun should fail"
exit 0
