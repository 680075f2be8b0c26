#!/bin/sh
# mpi_overlap.sh - `mpirun -np 1, 2, 3 neardup overlap --clusters` gives
# pairs, clusters and summary byte-identical to one process (issue 23), on a
# generated reprint corpus (bench/gen_reprints.py: wire stories carried by
# many outlets, dates, series, footers, viral stories past --max-df):
#   - JSONL and text pairs, with dates and series, without them, --max-df,
#     --within-series, --clusters - (JSONL under mpirun: standard output is
#     mpirun's);
#   - a directory of plain files split whole among ranks (--series-from-dir)
#     and HTML inputs (offsets in the original files);
#   - a bad record on rank 2's share: the one-process message naming file and
#     line, no output left; --skip-bad; a duplicate id;
#   - --edited (pairs and clusters);
#   - --memory: each rank within its bound, the same pairs, clusters and
#     summary (JSONL, text, --edited, --clusters -); a bound too small stops
#     every rank with one message and leaves nothing;
#   - what is refused under mpirun (--format html, --against, one
#     compressed file, standard input).
# Skips (exit 0, with a message) when mpirun, neardup-mpi or the corpus for
# the generator is missing.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
if ! command -v mpirun > /dev/null 2>&1; then
    echo "mpi_overlap.sh: SKIPPED: mpirun not found (install openmpi-bin, libopenmpi-dev)" >&2
    exit 0
fi
if [ ! -x "$(dirname "$N")/neardup-mpi" ]; then
    echo "mpi_overlap.sh: SKIPPED: no neardup-mpi beside $N (built without mpicc)" >&2
    exit 0
fi
T=$(mktemp -d /tmp/nd_mpi_overlap_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "mpi_overlap.sh: FAIL: $*" >&2; exit 1; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
ROOT=
[ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
mpi() { np=$1; shift; mpirun --oversubscribe $ROOT -np "$np" "$N" "$@"; }

if ! /usr/bin/python3 bench/gen_reprints.py --stories 60 --outlets 120 --out "$T/r" > "$T/gen.out" 2>&1; then
    if grep -q "not found\|No such file" "$T/gen.out"; then
        echo "mpi_overlap.sh: SKIPPED: the generator's corpus is missing: $(tail -1 "$T/gen.out")" >&2
        exit 0
    fi
    fail "generator: $(tail -2 "$T/gen.out")"
fi
C="$T/r/corpus.jsonl"

# same(NAME, ARGS...): pairs (-o), clusters and the summary as one process, for -np 1, 2, 3
same() {
    name=$1; shift
    "$N" overlap "$@" -o "$T/$name.p1" 2> "$T/$name.e1" || fail "$name: one process: $(head -2 "$T/$name.e1")"
    for np in 1 2 3; do
        mpi $np overlap "$@" -o "$T/$name.p$np.m" -j 1 2> "$T/$name.e$np.m" ||
            fail "$name: mpirun -np $np: $(head -3 "$T/$name.e$np.m")"
        cmp -s "$T/$name.p1" "$T/$name.p$np.m" || fail "$name: pairs differ under mpirun -np $np"
        sed 's/ in [0-9.]* s$//' "$T/$name.e1" > "$T/e1"
        sed 's/ in [0-9.]* s$//' "$T/$name.e$np.m" > "$T/em"
        cmp -s "$T/e1" "$T/em" || fail "$name: summary differs under -np $np: $(diff "$T/e1" "$T/em" | head -4)"
    done
}
same series "$C" --date-field date --series-field series --format jsonl --clusters "$T/cl1"
# --edited: sentence fingerprints meet at their hashes' owners like anchors, their evidence
# summed where a pair's is spread over ranks; fetched documents carry their terms and sentences
same edited "$C" --edited --format jsonl
for np in 1 2 3; do
    "$N" overlap "$C" --edited --series-field series --format jsonl --clusters "$T/ec1" -o "$T/x" -q || fail "edited clusters"
    mpi $np overlap "$C" --edited --series-field series --format jsonl --clusters "$T/ec$np.m" -o "$T/x" -q -j 1 ||
        fail "edited clusters -np $np"
    cmp -s "$T/ec1" "$T/ec$np.m" || fail "--edited clusters differ under mpirun -np $np"
done
for np in 1 2 3; do
    mpi $np overlap "$C" --date-field date --series-field series --format jsonl --clusters "$T/cl$np.m" -o "$T/x" -q ||
        fail "clusters -np $np"
    cmp -s "$T/cl1" "$T/cl$np.m" || fail "clusters differ under mpirun -np $np"
done
[ "$(wc -l < "$T/cl1")" -ge 50 ] || fail "too few clusters for the comparison to prove anything: $(wc -l < "$T/cl1")"
grep -q "kept as reprints (1[0-9]* carrier" "$T/series.e1" || fail "no star pairs: the viral stories are not exercised"
# rank 2 fetched documents from the others, and every rank sent anchors
mpi 3 overlap "$C" --series-field series -o "$T/x" --timings -q 2> "$T/tim" || fail "--timings"
[ "$(grep -c "^timings: MPI rank [0-2]/3: .* fetched for alignment" "$T/tim")" -eq 3 ] || fail "--timings: $(cat "$T/tim")"
same text "$C" --date-field date --series-field series
same plain "$C" --max-df 20
same within "$C" --series-field series --within-series --clusters "$T/wc"
"$N" overlap "$C" --date-field date --clusters - -q > "$T/cs1" || fail "--clusters - one process"
mpi 3 overlap "$C" --date-field date --clusters - -q > "$T/cs3" || fail "--clusters - under mpirun"
cmp -s "$T/cs1" "$T/cs3" || fail "--clusters - differs under mpirun"

# ---- whole files among the ranks: plain files, one directory per outlet; HTML ----
/usr/bin/python3 - "$C" "$T/d" <<'PY'
import json, os, sys
for i, l in enumerate(open(sys.argv[1])):
    if i % 3: continue
    r = json.loads(l)
    d = os.path.join(sys.argv[2], r["series"].replace(" ", "_"))
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, r["id"] + ".txt"), "w").write(r["text"])
PY
same dir "$T/d" --series-from-dir --format jsonl --clusters "$T/dc"
same html tests/data/html/ledger-nato.html tests/data/html/globewire-nato.html --format jsonl --clusters "$T/hc"
mpi 2 overlap tests/data/html/ledger-nato.html tests/data/html/globewire-nato.html --format jsonl -q \
    --clusters "$T/hc2" -o "$T/x" || fail "HTML under mpirun"
grep -q '"start": 2763, "end": 3056}, {"id": "tests/data/html/globewire-nato.html", "start": 1155, "end": 1455}' \
    "$T/hc2" || fail "HTML cluster offsets under mpirun: $(cat "$T/hc2")"

# ---- a bad record on rank 2's share (line 1801 of 1956): the one-process message, no output ----
head -1800 "$C" > "$T/bad.jsonl"
echo '{"id": "broken", "text": "unterminated' >> "$T/bad.jsonl"
tail -n +1801 "$C" >> "$T/bad.jsonl"
"$N" overlap "$T/bad.jsonl" --series-field series --clusters "$T/b1" -o "$T/bp1" 2> "$T/be1" && fail "bad record accepted"
mpi 3 overlap "$T/bad.jsonl" --series-field series --clusters "$T/b3" -o "$T/bp3" 2> "$T/be3" &&
    fail "bad record accepted under mpirun"
grep -q "bad.jsonl:1801: invalid JSON" "$T/be3" || fail "bad record: no file:line: $(head -2 "$T/be3")"
[ "$(grep -c "bad.jsonl:1801" "$T/be3")" -eq 1 ] || fail "the error printed more than once"
[ -e "$T/b3" ] || [ -e "$T/bp3" ] && fail "output left after an error"
same skip "$T/bad.jsonl" --series-field series --skip-bad --format jsonl
(cat "$C"; head -1 "$C") > "$T/dup.jsonl"
mpi 3 overlap "$T/dup.jsonl" -o "$T/x" 2> "$T/de" && fail "duplicate id accepted under mpirun"
grep -q 'dup.jsonl:1956: duplicate id' "$T/de" || fail "duplicate id: $(head -2 "$T/de")"

# ---- refused under mpirun, clearly ----
mpi 2 overlap "$C" --format html -o "$T/r.html" 2> "$T/re" && fail "--format html accepted under mpirun"
grep -q "under mpirun, overlap does not take --format html" "$T/re" || fail "html: $(head -2 "$T/re")"
mpi 2 overlap "$C" --against "$C" -o "$T/x" 2> "$T/re" && fail "--against accepted under mpirun"
grep -q "does not take --against" "$T/re" || fail "against: $(head -2 "$T/re")"
zstd -q -c "$C" > "$T/c.jsonl.zst" || fail "zstd"
mpi 2 overlap "$T/c.jsonl.zst" -o "$T/z" 2> "$T/re" && fail "one compressed file accepted under mpirun"
grep -q "cannot share one compressed file" "$T/re" || fail "one .zst: $(head -2 "$T/re")"
[ -e "$T/z" ] && fail "output left after a refusal"
mpi 2 overlap - -o "$T/z" < "$C" 2> "$T/re" && fail "standard input accepted under mpirun"
grep -q "inputs must be files" "$T/re" || fail "stdin: $(head -2 "$T/re")"

# ---- --memory: each rank's share spilled to its own files, the same output as one process in memory ----
# same_memory(NAME, SIZE, ARGS...): pairs, clusters (when ARGS give $T/NAME.c) and summary of
# `same NAME ARGS` above (one process, in memory), under mpirun -np 2 and 3 with --memory SIZE
same_memory() {
    name=$1; size=$2; shift 2
    for np in 2 3; do
        mpi $np overlap "$@" -o "$T/$name.mp$np" --memory "$size" --tmp "$T/spill" -j 2 2> "$T/$name.me$np" ||
            fail "$name: mpirun -np $np --memory $size: $(head -3 "$T/$name.me$np")"
        cmp -s "$T/$name.p1" "$T/$name.mp$np" || fail "$name: pairs differ under mpirun -np $np --memory $size"
        sed 's/ in [0-9.]* s$//; s/ written to .*//' "$T/$name.e1" > "$T/e1"
        sed 's/ in [0-9.]* s$//; s/ written to .*//' "$T/$name.me$np" > "$T/em"
        cmp -s "$T/e1" "$T/em" || fail "$name: summary differs under -np $np --memory: $(diff "$T/e1" "$T/em" | head -4)"
        [ -z "$(ls -A "$T/spill")" ] || fail "$name: spill files left in --tmp: $(ls "$T/spill")"
    done
}
mkdir "$T/spill"
# 8M: a budget of 2 MiB, so many anchor ranges, spilled runs and batches fetching from other ranks
same memc "$C" --date-field date --series-field series --format jsonl --clusters "$T/memc.c"
same_memory memc 8M "$C" --date-field date --series-field series --format jsonl --clusters "$T/memc.cm"
cmp -s "$T/memc.c" "$T/memc.cm" || fail "clusters differ under mpirun --memory 8M"
same_memory memc 64M "$C" --date-field date --series-field series --format jsonl --clusters "$T/memc.cm"
cmp -s "$T/memc.c" "$T/memc.cm" || fail "clusters differ under mpirun --memory 64M"
same memt "$C" --max-df 20
same_memory memt 8M "$C" --max-df 20
same meme "$C" --edited --series-field series --format jsonl --clusters "$T/meme.c"
same_memory meme 16M "$C" --edited --series-field series --format jsonl --clusters "$T/meme.cm"
cmp -s "$T/meme.c" "$T/meme.cm" || fail "--edited clusters differ under mpirun --memory"
mpi 3 overlap "$C" --date-field date --clusters - -q --memory 16M > "$T/csm" || fail "--clusters - --memory under mpirun"
cmp -s "$T/cs1" "$T/csm" || fail "--clusters - differs under mpirun --memory"
mpi 3 overlap "$C" --series-field series -o "$T/x" --memory 8M --timings -q 2> "$T/tim" || fail "--memory --timings"
[ "$(grep -c "^timings: MPI rank [0-2]/3: .* --memory: [0-9]* anchor ranges, [0-9]* batches aligned; .* peak RSS" "$T/tim")" -eq 3 ] ||
    fail "--memory --timings: $(grep MPI "$T/tim")"
# a bound too small for two documents that share a candidate: one message, every rank stops, nothing left
mpi 3 overlap "$C" --edited --format jsonl --clusters "$T/tc" -o "$T/tp" --memory 3M --tmp "$T/spill" 2> "$T/te" &&
    fail "--memory 3M accepted under mpirun"
[ "$(grep -c "is too small to align two documents .* give at least [0-9]* MiB" "$T/te")" -eq 1 ] ||
    fail "too small: $(head -3 "$T/te")"
grep -q "MPI_ABORT" "$T/te" && fail "too small: the ranks were aborted, not stopped"
[ -e "$T/tc" ] || [ -e "$T/tp" ] || ls "$T" | grep -q "\.tmp\." && fail "output left after a bound too small"
[ -z "$(ls -A "$T/spill")" ] || fail "spill files left after a failure"
echo "mpi_overlap.sh: ok"
