#!/bin/sh
# short_docs.sh - issue 19, defect 1: documents of one shingle (fewer than
# n + 1 words) are never scored as near-duplicates of unrelated ones.  Their
# signatures used to be k copies of one 32-bit value, so two unrelated ones
# agreed on every lane with probability 2^-32 (1M two-word documents: 107
# pairs "at Jaccard 1").  Each pair below collided that way (found among
# generated two-word documents, with the default seed and with the test key
# tkey); every path that computes signatures must now keep them apart:
# pairs, dedup, dedup --memory, query --mode dup, --key, mpirun.  Real short
# copies must still pair.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
BUILD=${BUILD:-build}
T=$(mktemp -d /tmp/nd_short_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "short_docs.sh: FAIL: $*" >&2; exit 1; }

printf '{"id":"22203","text":"t22203 u155421"}\n{"id":"439804","text":"t439804 u3078628"}\n' > "$T/seed.jsonl"
printf '{"id":"2827","text":"t2827 u2386988"}\n{"id":"106318","text":"t106318 u1930659"}\n' > "$T/keyed.jsonl"
printf 'neardup-key-v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' > "$T/tkey"
chmod 600 "$T/tkey"
# a real short copy (case and punctuation differ) beside them
printf '{"id":"c1","text":"Blue Widget, large"}\n{"id":"c2","text":"blue widget large!"}\n' > "$T/copy.jsonl"

none() { # what: the command's output must be empty
    [ ! -s "$2" ] || fail "$1: unrelated short documents reported: $(head -3 "$2")"
}
"$N" pairs "$T/seed.jsonl" -t 0.5 -q > "$T/o" || fail "pairs failed"
none "pairs -t 0.5" "$T/o"
"$N" pairs - -t 0.99 -q < "$T/seed.jsonl" > "$T/o" || fail "pairs - failed"
none "pairs - -t 0.99 (the issue's reproduction)" "$T/o"
"$N" pairs "$T/keyed.jsonl" --key "$T/tkey" -t 0.5 -q > "$T/o" || fail "pairs --key failed"
none "pairs --key" "$T/o"
"$N" pairs "$T/seed.jsonl" "$T/keyed.jsonl" --format jsonl -t 0.1 -q > "$T/o" || fail "pairs jsonl failed"
none "pairs -t 0.1" "$T/o"

cat "$T/seed.jsonl" "$T/copy.jsonl" > "$T/all.jsonl"
"$N" pairs "$T/all.jsonl" -t 0.5 -q > "$T/o" || fail "pairs with a copy failed"
[ "$(awk '{print $2, $3}' "$T/o")" = "c1 c2" ] || fail "the real short copy is not the one pair: $(cat "$T/o")"
for mem in "" "--memory 8M"; do
    # shellcheck disable=SC2086
    "$N" dedup "$T/all.jsonl" -t 0.5 -o "$T/k" $mem -q || fail "dedup $mem failed"
    [ "$(grep -c . "$T/k")" -eq 3 ] || fail "dedup $mem: want 3 kept (c2 removed), got: $(cat "$T/k")"
    grep -q '"c2"' "$T/k" && fail "dedup $mem kept the copy c2"
    grep -q '"439804"' "$T/k" || fail "dedup $mem removed an unrelated short document"
done
"$N" dedup "$T/keyed.jsonl" --key "$T/tkey" -t 0.5 -o "$T/k" -q || fail "dedup --key failed"
[ "$(grep -c . "$T/k")" -eq 2 ] || fail "dedup --key removed an unrelated short document"

# query --mode dup: the index holds one of each pair, the query the other
head -1 "$T/seed.jsonl" > "$T/ref.jsonl"; tail -1 "$T/seed.jsonl" > "$T/q.jsonl"
"$N" index build "$T/ref.jsonl" -o "$T/ref.ndx" -t 0.5 -q || fail "index build failed"
"$N" query "$T/ref.ndx" "$T/q.jsonl" --mode dup -q > "$T/o" || fail "query failed"
none "query --mode dup" "$T/o"
head -1 "$T/keyed.jsonl" > "$T/refk.jsonl"; tail -1 "$T/keyed.jsonl" > "$T/qk.jsonl"
"$N" index build "$T/refk.jsonl" -o "$T/refk.ndx" -t 0.5 --key "$T/tkey" -q || fail "index build --key failed"
"$N" query "$T/refk.ndx" "$T/qk.jsonl" --mode dup --key "$T/tkey" -q > "$T/o" || fail "query --key failed"
none "query --mode dup --key" "$T/o"
sed -n 2p "$T/copy.jsonl" > "$T/qc.jsonl"
"$N" index add "$T/ref.ndx" "$T/copy.jsonl" -q || fail "index add failed"
"$N" query "$T/ref.ndx" "$T/qc.jsonl" "$T/q.jsonl" --mode dup -q > "$T/o" || fail "query of a copy failed"
grep -q "c1" "$T/o" || fail "query --mode dup misses the real short copy: $(cat "$T/o")"
grep -q "439804\|22203" "$T/o" && fail "query --mode dup pairs unrelated short documents: $(cat "$T/o")"

# mpirun: signatures computed by the ranks, pairs scored across ranks
if command -v mpirun > /dev/null 2>&1 && [ -x "$(dirname "$N")/neardup-mpi" ]; then
    ROOT=
    [ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
    export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
    for np in 1 2; do
        mpirun --oversubscribe $ROOT -np $np "$N" dedup "$T/all.jsonl" -t 0.5 -o "$T/km" -j 1 -q \
            || fail "mpirun -np $np dedup failed"
        [ "$(grep -c . "$T/km")" -eq 3 ] || fail "mpirun -np $np: want 3 kept, got: $(cat "$T/km")"
    done
else
    echo "short_docs.sh: mpirun part skipped (no mpirun or neardup-mpi)" >&2
fi
exit 0
