#!/bin/sh
# index.sh - `neardup index build|add|info` and `neardup query`:
#   query --mode dup equals `pairs` over references + queries (query x reference pairs only);
#   build + add equals one build; a killed add leaves the old index opening and answering;
#   damaged, truncated and mismatched indexes fail with exit 2 and a clear message.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_index_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "index.sh: FAIL: $*" >&2; exit 1; }

# gen SEED NDOCS PREFIX: JSONL documents of 80-300 random words from 3000
gen() {
    awk -v seed="$1" -v n="$2" -v p="$3" 'BEGIN { srand(seed);
        for (i = 1; i <= n; i++) { m = 80 + int(rand() * 220); t = "";
            for (j = 0; j < m; j++) t = t (j ? " " : "") "w" int(rand() * 3000);
            printf "{\"id\": \"%s%d\", \"text\": \"%s\"}\n", p, i, t } }'
}
# near SEED FILE PREFIX: each document with 0-4 words replaced, new ids
near() {
    awk -v seed="$1" -v p="$3" 'BEGIN { srand(seed) } {
        match($0, /"text": "[^"]*"/); t = substr($0, RSTART + 9, RLENGTH - 10);
        m = split(t, w, " "); e = int(rand() * 5);
        for (k = 0; k < e; k++) w[1 + int(rand() * m)] = "edit" k;
        t = w[1]; for (k = 2; k <= m; k++) t = t " " w[k];
        printf "{\"id\": \"%s%d\", \"text\": \"%s\"}\n", p, NR, t }' "$2"
}

gen 1 600 r > "$T/ref.jsonl"
head -300 "$T/ref.jsonl" > "$T/ref1.jsonl"
tail -300 "$T/ref.jsonl" > "$T/ref2.jsonl"
{ near 2 "$T/ref.jsonl" q | awk 'NR % 3 == 0'; gen 3 100 u; } > "$T/q.jsonl"

# ---- build, info ----
"$N" index build "$T/ref.jsonl" -o "$T/ref.ndx" -q || fail "index build"
"$N" index info "$T/ref.ndx" > "$T/info.txt" || fail "index info"
grep -q "^documents:  600 " "$T/info.txt" || fail "info does not show 600 documents: $(cat "$T/info.txt")"
grep -q "text blocks OK" "$T/info.txt" || fail "info does not report checksums OK"
grep -q "14 bands x 9 rows" "$T/info.txt" || fail "info does not show the bands"

# ---- query --mode dup == pairs, restricted to query x reference ----
"$N" query "$T/ref.ndx" "$T/q.jsonl" --format jsonl -q > "$T/query.jsonl" || fail "query"
"$N" pairs "$T/ref.jsonl" "$T/q.jsonl" --format jsonl -q > "$T/pairs.jsonl" || fail "pairs"
grep '^{"a": "r[0-9]*", "b": "[qu]' "$T/pairs.jsonl" |
    sed 's/^{"a": \("[^"]*"\), "b": \("[^"]*"\)/{"a": \2, "b": \1/' | sort > "$T/want.jsonl"
sort "$T/query.jsonl" > "$T/got.jsonl"
[ -s "$T/want.jsonl" ] || fail "the fixture has no query x reference pairs"
[ "$(wc -l < "$T/want.jsonl")" -ge 150 ] || fail "too few pairs to compare: $(wc -l < "$T/want.jsonl")"
cmp -s "$T/want.jsonl" "$T/got.jsonl" || {
    diff "$T/want.jsonl" "$T/got.jsonl" | head >&2; fail "query answers differ from pairs"; }
"$N" query "$T/ref.ndx" "$T/q.jsonl" -q | head -1 | grep -Eq '^[01]\.[0-9]{4}  q[0-9]+  r[0-9]+$' ||
    fail "text output is not the pairs text record"

# ---- build + add == one build ----
"$N" index build "$T/ref1.jsonl" -o "$T/inc.ndx" -q || fail "build half"
"$N" index add "$T/inc.ndx" "$T/ref2.jsonl" -q || fail "add"
"$N" query "$T/inc.ndx" "$T/q.jsonl" --format jsonl -q | sort > "$T/got2.jsonl"
cmp -s "$T/got.jsonl" "$T/got2.jsonl" || fail "build + add answers differ from one build"
cp "$T/inc.ndx" "$T/inc.bak"
"$N" index add "$T/inc.ndx" "$T/ref2.jsonl" -q 2> "$T/err" && fail "adding existing ids succeeded"
grep -q 'is already in the index' "$T/err" || fail "duplicate id message: $(cat "$T/err")"
cmp -s "$T/inc.ndx" "$T/inc.bak" || fail "a failed add changed the index"
[ "$(ls "$T" | grep -c 'tmp')" -eq 0 ] || fail "a failed add left a temporary file"

# ---- mismatched parameters ----
expect2() { # expect2 WORDS CMD...: exit status 2 and WORDS in the message
    w=$1; shift
    "$@" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -eq 2 ] || fail "exit $rc, not 2, for: $* ($(cat "$T/err"))"
    grep -q "$w" "$T/err" || fail "message for $* lacks \"$w\": $(cat "$T/err")"
}
expect2 "built with --ngram 5" "$N" query "$T/ref.ndx" "$T/q.jsonl" -n 3
expect2 "built with --num-perm 128" "$N" query "$T/ref.ndx" "$T/q.jsonl" -k 64
expect2 "built with --seed" "$N" query "$T/ref.ndx" "$T/q.jsonl" --seed 5
expect2 "built for -t 0.8" "$N" query "$T/ref.ndx" "$T/q.jsonl" -t 0.5
"$N" keygen -o "$T/a.key" 2> /dev/null && "$N" keygen -o "$T/b.key" 2> /dev/null || fail "keygen"
expect2 "built without a key" "$N" query "$T/ref.ndx" "$T/q.jsonl" --key "$T/a.key"
"$N" index build "$T/ref1.jsonl" -o "$T/keyed.ndx" --key "$T/a.key" -q || fail "keyed build"
expect2 "keyed mode" "$N" query "$T/keyed.ndx" "$T/q.jsonl"
expect2 "another key" "$N" query "$T/keyed.ndx" "$T/q.jsonl" --key "$T/b.key"
expect2 "keyed mode" "$N" index add "$T/keyed.ndx" "$T/ref2.jsonl"
"$N" query "$T/keyed.ndx" "$T/q.jsonl" --key "$T/a.key" -q > "$T/kq.txt" || fail "keyed query"
[ -s "$T/kq.txt" ] || fail "keyed query found nothing"

# ---- damaged files ----
size=$(wc -c < "$T/ref.ndx")
head -c $((size - 1)) "$T/ref.ndx" > "$T/trunc.ndx"
expect2 "truncated" "$N" query "$T/trunc.ndx" "$T/q.jsonl"
expect2 "truncated" "$N" index info "$T/trunc.ndx"
head -c 100 "$T/ref.ndx" > "$T/short.ndx"
expect2 "truncated" "$N" query "$T/short.ndx" "$T/q.jsonl"
expect2 "not a neardup index" "$N" query "$T/ref.jsonl" "$T/q.jsonl"
flip() { # flip FILE OFFSET: overwrite one byte
    cp "$T/ref.ndx" "$1"
    printf '\377' | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}
flip "$T/hdr.ndx" 200
expect2 "header checksum" "$N" query "$T/hdr.ndx" "$T/q.jsonl"
flip "$T/sig.ndx" $((size - 4000))
expect2 "checksum mismatch" "$N" index info "$T/sig.ndx"
flip "$T/text.ndx" 520
expect2 "text block 0" "$N" index info "$T/text.ndx"

# ---- a killed add leaves the old index whole ----
gen 4 20000 big > "$T/big.jsonl"
cp "$T/ref.ndx" "$T/kill.ndx"
midway=0
for d in 0.05 0.1 0.15 0.2 0.3 0.4 0.5 0.7 1.0; do
    timeout -s KILL "$d" "$N" index add "$T/kill.ndx" "$T/big.jsonl" -q -j 2 2> /dev/null
    if ls "$T" | grep -q '^kill\.ndx\.tmp\.'; then midway=$((midway + 1)); fi
    "$N" index info "$T/kill.ndx" > "$T/kinfo" || fail "index does not open after add killed at $d s"
    if grep -q "^documents:  600 " "$T/kinfo"; then
        "$N" query "$T/kill.ndx" "$T/q.jsonl" --format jsonl -q | sort | cmp -s - "$T/got.jsonl" ||
            fail "old index answers differently after add killed at $d s"
    else
        grep -q "^documents:  20600 " "$T/kinfo" || fail "index after a killed add is neither old nor new"
        cp "$T/ref.ndx" "$T/kill.ndx" # the add finished: start again from the old index
    fi
    rm -f "$T"/kill.ndx.tmp.*
done
[ "$midway" -ge 1 ] || fail "no kill landed while the add was writing; make big.jsonl larger"
exit 0
