#!/bin/sh
# dedup_against.sh - issue 24: `dedup --against REF` removes the inputs that
# are near-duplicates of a reference (exact copies too, and inputs whose
# cluster holds a reference), never writes or changes a reference, and keeps
# handling duplicates among the inputs as before; `--removed` writes one
# record a removed document, `--annotate` the cluster of each kept one;
# `--keep` chooses the kept document (first, longest, shortest, max:FIELD,
# min:FIELD, none); everything the same at -j 1, -j 3 and with --memory;
# a neardup index as the reference gives the result of its corpus; bad
# uses are refused (exit 2) with nothing written.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
S=tests/data/sample.jsonl
T=$(mktemp -d /tmp/nd_against_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "dedup_against.sh: FAIL: $*" >&2; exit 1; }

# the sample's pairs at -t 0.5: reuters-32 (line 9) ~ reuters-55 (line 12);
# the reference holds lines 1-10, the inputs lines 11-30 and an exact copy of
# reference line 2 under a new id
head -10 "$S" > "$T/ref.jsonl"
tail -20 "$S" > "$T/in.jsonl"
sed -n 2p "$S" | sed 's/"id": "reuters-97"/"id": "copy-of-97"/' >> "$T/in.jsonl"
cp "$T/ref.jsonl" "$T/ref.orig"
for run in "-j 1" "-j 3" "-j 2 --memory 1M"; do
    tag=$(echo "$run" | tr -d ' -')
    "$N" dedup "$T/in.jsonl" --against "$T/ref.jsonl" -t 0.5 $run -q -o "$T/k.$tag" --clusters "$T/c.$tag" \
        --removed "$T/r.$tag" --annotate || fail "dedup --against $run"
done
cmp -s "$T/ref.jsonl" "$T/ref.orig" || fail "the reference was changed"
for tag in j3 j2memory1M; do
    for f in k c r; do cmp -s "$T/$f.j1" "$T/$f.$tag" || fail "$f differs between -j 1 and $tag"; done
done
grep -o '"id": "[^"]*"' "$T/ref.jsonl" | while read -r _ id; do
    ! grep -q "\"id\": $id" "$T/k.j1" || fail "reference $id was written"
done
[ "$(grep -c . "$T/k.j1")" -eq 15 ] || fail "expected 15 kept of 21 inputs, got $(grep -c . "$T/k.j1")"
grep -q '^{"id": "reuters-55", "duplicate_of": "reuters-32", "score": [0-9.]*, "cluster": [0-9]*}$' "$T/r.j1" ||
    fail "reuters-55 not removed as a duplicate of reference reuters-32: $(cat "$T/r.j1")"
grep -q '^{"id": "copy-of-97", "duplicate_of": "reuters-97", "score": 1, "cluster": [0-9]*}$' "$T/r.j1" ||
    fail "the exact copy of reference reuters-97 was not removed"
grep -q '^{"kept": null, "reference": "reuters-32", "members": \["reuters-55"\]}$' "$T/c.j1" ||
    fail "the reference's cluster: $(cat "$T/c.j1")"
# the inputs' own pairs are handled as without references
"$N" dedup "$T/in.jsonl" -t 0.5 -q -o "$T/alone" --removed "$T/alone.r" || fail "dedup without references"
grep -v 'reuters-55\|copy-of-97' "$T/alone.r" | sed 's/, "cluster": [0-9]*}$//' > "$T/alone.x"
grep -v 'reuters-55\|copy-of-97' "$T/r.j1" | sed 's/, "cluster": [0-9]*}$//' > "$T/with.x"
cmp -s "$T/alone.x" "$T/with.x" || fail "the inputs' own duplicates changed with --against"
[ "$(grep -c . "$T/alone.x")" -eq 4 ] || fail "expected 4 removals among the inputs"
# every kept record carries its cluster, as the removed records of its cluster do
grep -c '"cluster": [0-9]*}$' "$T/k.j1" | grep -qx 15 || fail "--annotate: not every kept record has a cluster"
while read -r line; do
    dup=$(echo "$line" | sed 's/.*"duplicate_of": \("[^"]*"\).*/\1/')
    cl=$(echo "$line" | sed 's/.*"cluster": \([0-9]*\)}$/\1/')
    grep -q "\"reference\": $dup" "$T/c.j1" && continue
    grep "\"id\": $dup" "$T/k.j1" | grep -q "\"cluster\": $cl}\$" || fail "cluster $cl of $dup differs: $line"
done < "$T/r.j1"
# annotated records are the input records with the field added, nothing else
grep '"id": "reuters-46"' "$T/k.j1" | sed 's/, "cluster": [0-9]*}$/}/' > "$T/ann"
grep '"id": "reuters-46"' "$T/in.jsonl" | cmp -s - "$T/ann" || fail "--annotate changed more than the field"

# --keep on three copies of one text: a (short, q 5), b (longest, q 9), c (shortest, q 1)
txt=$(sed -n 1p "$S" | sed 's/.*"text": "\(.*\)"}$/\1/')
{
    printf '{"id": "a", "q": 5, "text": "%s"}\n' "$txt"
    printf '{"id": "b", "q": 9, "text": "%s extra words at the end"}\n' "$txt"
    printf '{"id": "c", "q": 1, "text": "%s"}\n' "$(printf '%s' "$txt" | sed 's/^TALKING POINT\///')"
    printf '{"id": "d", "q": 3, "text": "an unrelated short record about something else entirely"}\n'
} > "$T/keep.jsonl"
kept_of() { "$N" dedup "$T/keep.jsonl" -t 0.5 -q -o - --keep "$1" -j "$2" | sed 's/^{"id": "\([a-z]\)".*/\1/' | tr -d '\n'; }
for j in 1 3; do
    [ "$(kept_of first $j)" = ad ] || fail "--keep first: $(kept_of first $j)"
    [ "$(kept_of longest $j)" = bd ] || fail "--keep longest: $(kept_of longest $j)"
    [ "$(kept_of shortest $j)" = cd ] || fail "--keep shortest: $(kept_of shortest $j)"
    [ "$(kept_of max:q $j)" = bd ] || fail "--keep max:q: $(kept_of max:q $j)"
    [ "$(kept_of min:q $j)" = cd ] || fail "--keep min:q: $(kept_of min:q $j)"
    [ "$(kept_of none $j)" = d ] || fail "--keep none: $(kept_of none $j)"
done
"$N" dedup "$T/keep.jsonl" -t 0.5 -q -o "$T/kl" --keep longest --removed "$T/rl" --clusters "$T/cl" || fail "--keep longest"
grep -q '^{"id": "a", "duplicate_of": "b", "score": [0-9.]*, "cluster": 0}$' "$T/rl" || fail "--removed with --keep longest: $(cat "$T/rl")"
grep -q '^{"kept": "b", "members": \["a", "b", "c"\]}$' "$T/cl" || fail "--clusters with --keep longest: $(cat "$T/cl")"
"$N" dedup "$T/keep.jsonl" -t 0.5 -q -o "$T/kn" --keep none --clusters "$T/cn" || fail "--keep none"
grep -q '^{"kept": null, "members": \["a", "b", "c"\]}$' "$T/cn" || fail "--clusters with --keep none: $(cat "$T/cn")"

# refused, exit 2, nothing written
refused() { # what, then the arguments
    what=$1; shift
    rm -f "$T/out"
    "$N" dedup "$@" -o "$T/out" 2> "$T/err"; rc=$?
    [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2"
    [ ! -e "$T/out" ] || fail "$what: an output was written"
    [ -s "$T/err" ] || fail "$what: no message"
}
sed 's/"q": 9, //' "$T/keep.jsonl" > "$T/noq.jsonl"
refused "a missing --keep field" "$T/noq.jsonl" -t 0.5 --keep max:q
grep -q 'noq.jsonl:2: record "b" has no field "q"' "$T/err" || fail "missing field message: $(cat "$T/err")"
sed 's/"q": 9/"q": "nine"/' "$T/keep.jsonl" > "$T/strq.jsonl"
refused "a --keep field that is not a number" "$T/strq.jsonl" -t 0.5 --keep min:q
grep -q 'field "q" is not a number' "$T/err" || fail "not a number message: $(cat "$T/err")"
refused "an unknown --keep" "$T/keep.jsonl" --keep biggest
grep -q 'expected first, longest, shortest, max:FIELD, min:FIELD or none' "$T/err" || fail "--keep message"
refused "a missing reference" "$T/in.jsonl" --against "$T/nosuch.jsonl"
refused "--removed on the reference" "$T/in.jsonl" --against "$T/ref.jsonl" --removed "$T/ref.jsonl"
cmp -s "$T/ref.jsonl" "$T/ref.orig" || fail "the reference was overwritten"
refused "--against without inputs" --against "$T/ref.jsonl"

# --against INDEX gives what --against CORPUS gives for the corpus it was
# built from: kept records, --removed, --clusters, --annotate, --keep, at
# -j 1, -j 3 and with --memory; a corpus and an index mixed; the index never
# changes.  Generated: edited copies (references near one another, so inputs
# join clusters through references), far edits (few pairs), exact copies.
/usr/bin/python3 bench/gen_edited.py "$S" 10 --seed 3 --rate 0.05 > "$T/gen.jsonl" || fail "generator"
/usr/bin/python3 bench/gen_edited.py "$S" 4 --seed 9 --rate 0.5 | sed 's/"id": "/"id": "far-/' > "$T/far.jsonl" ||
    fail "generator"
awk 'NR % 3 == 1' "$T/gen.jsonl" > "$T/gref.jsonl"
{ awk 'NR % 3 != 1' "$T/gen.jsonl"; cat "$T/far.jsonl"; sed -n '3p;7p' "$S" | sed 's/"id": "/"id": "cp-/'; } > "$T/gin.jsonl"
head -50 "$T/gref.jsonl" > "$T/ga.jsonl"
tail -n +51 "$T/gref.jsonl" > "$T/gb.jsonl"
for r in gref ga gb; do "$N" index build "$T/$r.jsonl" -t 0.5 -o "$T/$r.ndx" -q || fail "index build $r"; done
cp "$T/gref.ndx" "$T/gref.ndx.orig"
for run in "-j 1" "-j 3 --keep longest" "-j 2 --memory 1M"; do
    tag=$(echo "$run" | tr -d ' -')
    for how in "gref.jsonl" "gref.ndx" "ga.jsonl gb.jsonl" "ga.ndx gb.jsonl" "ga.ndx gb.ndx"; do
        refs=""
        for r in $how; do refs="$refs --against $T/$r"; done
        h=$(echo "$how" | tr -d ' .')
        # shellcheck disable=SC2086
        "$N" dedup "$T/gin.jsonl" $refs -t 0.5 $run -q -o "$T/k.$h" --removed "$T/r.$h" --clusters "$T/c.$h" \
            --annotate || fail "dedup $refs $run"
    done
    [ "$(grep -c . "$T/r.grefjsonl")" -gt 100 ] || fail "$tag: too few removals to prove anything"
    grep -q '"reference"' "$T/c.grefjsonl" || fail "$tag: no cluster holds a reference"
    for h in grefndx gajsonlgbjsonl gandxgbjsonl gandxgbndx; do
        for f in k r c; do cmp -s "$T/$f.grefjsonl" "$T/$f.$h" || fail "$tag: $f of --against $h differs from the corpus's"; done
    done
done
cmp -s "$T/gref.ndx" "$T/gref.ndx.orig" || fail "the index was changed"
# the index's parameters are adopted, with a note; others given are refused
"$N" dedup "$T/gin.jsonl" --against "$T/gref.ndx" --annotate -o "$T/adopt" 2> "$T/err" || fail "dedup adopting the index's -t"
grep -q "using the index's parameters -n 5 -k 128 -t 0.5" "$T/err" || fail "no note of the adopted parameters: $(cat "$T/err")"
cmp -s "$T/adopt" "$T/k.grefjsonl" || fail "the adopted parameters give another result"
refused "an index built for another -t" "$T/gin.jsonl" --against "$T/gref.ndx" -t 0.8
grep -q 'gref.ndx was built for -t 0.5 (32 bands x 4 rows); -t 0.8 needs 14 x 9' "$T/err" || fail "-t message: $(cat "$T/err")"
refused "an index built with another -n" "$T/gin.jsonl" --against "$T/gref.ndx" -n 4
grep -q 'gref.ndx was built with --ngram 5, this run asks for 4' "$T/err" || fail "-n message: $(cat "$T/err")"
refused "an index built with another --seed" "$T/gin.jsonl" --against "$T/gref.ndx" --seed 3
grep -q 'gref.ndx was built with --seed' "$T/err" || fail "--seed message: $(cat "$T/err")"
refused "an index with --metric simhash" "$T/gin.jsonl" --against "$T/gref.ndx" --metric simhash
grep -q 'gref.ndx: an index holds MinHash signatures' "$T/err" || fail "metric message: $(cat "$T/err")"
refused "two indexes built differently" "$T/gin.jsonl" --against "$T/gref.ndx" --against "$T/ref.ndx"
"$N" index build "$T/ref.jsonl" -o "$T/ref.ndx" -q || fail "index build"
refused "two indexes built differently" "$T/gin.jsonl" --against "$T/gref.ndx" --against "$T/ref.ndx"
grep -q 'ref.ndx was built for -t 0.8' "$T/err" || fail "second index message: $(cat "$T/err")"
# a damaged index is refused, naming it: a flipped byte in its signatures
# (the fourth section of the header's table, src/lib/index_format.h), a truncated file
cp "$T/gref.ndx" "$T/bad.ndx"
at=$(/usr/bin/python3 -c 'import struct, sys; print(struct.unpack_from("<Q", open(sys.argv[1], "rb").read(), 248 + 32 * 3)[0] + 100)' "$T/bad.ndx")
printf 'X' | dd of="$T/bad.ndx" bs=1 seek="$at" conv=notrunc 2> /dev/null
refused "a damaged index" "$T/gin.jsonl" --against "$T/bad.ndx"
grep -q 'bad.ndx: damaged index: checksum mismatch in the signatures section' "$T/err" || fail "damage message: $(cat "$T/err")"
# an input with a reference's id: refused as with a corpus reference, naming both
{ cat "$T/gin.jsonl"; sed -n 5p "$T/gref.jsonl"; } > "$T/clash.jsonl"
refused "an input with an index document's id" "$T/clash.jsonl" --against "$T/gref.ndx"
grep -q 'clash.jsonl:323: duplicate id "reuters-46" (also the id of document 5 of the reference index .*gref.ndx); ids must be unique' \
    "$T/err" || fail "id clash message: $(cat "$T/err")"
head -c 1000 "$T/gref.ndx" > "$T/short.ndx"
refused "a truncated index" "$T/gin.jsonl" --against "$T/short.ndx"
grep -q 'short.ndx: truncated or damaged index' "$T/err" || fail "truncation message: $(cat "$T/err")"
# under mpirun: --against CORPUS and --against INDEX give the one-process
# output (tests/cli/mpi.sh tests more)
if command -v mpirun > /dev/null 2>&1 && [ -x "$(dirname "$N")/neardup-mpi" ]; then
    ROOT=
    [ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
    export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
    mpirun --oversubscribe $ROOT -np 2 "$N" dedup "$T/gin.jsonl" --against "$T/gref.jsonl" -t 0.5 -q -o "$T/mk" \
        --removed "$T/mr" --clusters "$T/mc" --annotate > /dev/null 2> "$T/err" || fail "--against under mpirun: $(cat "$T/err")"
    for f in k r c; do cmp -s "$T/m$f" "$T/$f.grefjsonl" || fail "--against under mpirun: $f differs"; done
    mpirun --oversubscribe $ROOT -np 3 "$N" dedup "$T/gin.jsonl" --against "$T/ga.ndx" --against "$T/gb.jsonl" -q \
        -o "$T/mk" --removed "$T/mr" --clusters "$T/mc" --annotate -j 1 > /dev/null 2> "$T/err" ||
        fail "--against INDEX under mpirun: $(cat "$T/err")"
    for f in k r c; do cmp -s "$T/m$f" "$T/$f.grefjsonl" || fail "--against INDEX under mpirun: $f differs"; done
    rm -f "$T/out"
    mpirun --oversubscribe $ROOT -np 3 "$N" dedup "$T/clash.jsonl" --against "$T/gref.ndx" -q -o "$T/out" -j 1 \
        > /dev/null 2> "$T/err" && fail "an id clash with the index ran under mpirun"
    [ "$(grep -c 'clash.jsonl:323: duplicate id' "$T/err")" -eq 1 ] || fail "mpirun id clash message: $(cat "$T/err")"
    [ ! -e "$T/out" ] || fail "mpirun id clash: an output was written"
fi
exit 0
