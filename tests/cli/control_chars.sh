#!/bin/sh
# control_chars.sh - issue 19, defects 2 and 12: raw control characters in
# JSONL strings and ids that keep every byte.
#   - a raw NUL (or any U+0000-U+001F) inside a JSON string is invalid JSON:
#     exit 2 naming file:line:column (it used to cut the text at the NUL, so
#     "X<NUL><a copy>" hid the copy, keyed mode too); --lossy reads it as a
#     word separator, counts it, and the copy is found;
#   - ids keep every byte: "a\u0000b" and "a\u0000c" are two ids (they were
#     a false "duplicate id"), written exactly in JSON and escaped in text
#     and TSV, which stays one line of three fields per pair; messages
#     escape them too.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_ctrl_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "control_chars.sh: FAIL: $*" >&2; exit 1; }
S=tests/data/sample.jsonl

# line 1 a real record; line 2 its copy behind "X" and a raw NUL
head -1 "$S" > "$T/hide.jsonl"
head -1 "$S" | sed 's/"id": *"[^"]*"/"id": "copy"/; s/"text": *"/&X\x00/' >> "$T/hide.jsonl"
[ "$(tr -cd '\000' < "$T/hide.jsonl" | wc -c)" -eq 1 ] || fail "the test input has no raw NUL"
"$N" pairs "$T/hide.jsonl" -q > "$T/o" 2> "$T/e"
rc=$?
[ $rc -eq 2 ] || fail "raw NUL in a text: want exit 2, got $rc ($(cat "$T/o"))"
grep -q "hide.jsonl:2:[0-9]*: invalid JSON: raw control character U+0000 inside a string" "$T/e" \
    || fail "raw NUL: message: $(cat "$T/e")"
printf 'neardup-key-v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' > "$T/tkey"
chmod 600 "$T/tkey"
for key in "" "--key $T/tkey"; do
    # shellcheck disable=SC2086
    "$N" pairs "$T/hide.jsonl" --lossy $key > "$T/o" 2> "$T/e" || fail "--lossy $key: $(cat "$T/e")"
    grep -q "copy" "$T/o" || fail "--lossy $key: the copy behind X<NUL> is hidden: $(cat "$T/o")"
    grep -q -- "--lossy: 1 raw control character" "$T/e" || fail "--lossy $key: not counted: $(cat "$T/e")"
done
"$N" dedup "$T/hide.jsonl" -o "$T/k" --lossy -q 2> /dev/null || fail "dedup --lossy"
[ "$(grep -c . "$T/k")" -eq 1 ] || fail "dedup --lossy kept the hidden copy"
# a raw tab inside a string too, with its column; tabs between tokens are fine
printf '{"id": "t1", "text": "a\tb"}\n' > "$T/tab.jsonl"
"$N" pairs "$T/tab.jsonl" -q 2> "$T/e"
[ $? -eq 2 ] && grep -q "tab.jsonl:1:24: invalid JSON: raw control character U+0009" "$T/e" \
    || fail "raw tab: $(cat "$T/e")"
printf '{"id":\t"t1", "text": "a b"}\n' > "$T/ws.jsonl"
"$N" pairs "$T/ws.jsonl" -q || fail "a tab between tokens is JSON whitespace"

# ids with \u0000 and control characters
printf '%s\n' '{"id": "a\u0000b", "text": "the same words in both of these records"}' \
    '{"id": "a\u0000c", "text": "the same words in both of these records"}' \
    '{"id": "t\tab\nnl", "text": "the same words in both of these records"}' > "$T/ids.jsonl"
"$N" pairs "$T/ids.jsonl" --format jsonl -q > "$T/o" 2> "$T/e" || fail "ids with NUL: $(cat "$T/e")"
[ "$(grep -c . "$T/o")" -eq 3 ] || fail "ids with NUL: want 3 pairs: $(cat "$T/o")"
grep -q '"a": "a\\u0000b", "b": "a\\u0000c"' "$T/o" || fail "JSON ids not exact: $(cat "$T/o")"
"$N" pairs "$T/ids.jsonl" --format tsv -q > "$T/o" || fail "tsv"
[ "$(wc -l < "$T/o")" -eq 4 ] || fail "TSV: want a header and 3 lines: $(cat "$T/o")"
awk -F'\t' 'NF != 3 { exit 1 }' "$T/o" || fail "TSV: a line without 3 fields: $(cat "$T/o")"
grep -q 'a\\x00b	a\\x00c' "$T/o" || fail "TSV ids not escaped: $(cat "$T/o")"
grep -q 't\\tab\\nnl' "$T/o" || fail "TSV: tab and newline not escaped: $(cat "$T/o")"
"$N" pairs "$T/ids.jsonl" -q | grep -q '^1.0000  a\\x00b  a\\x00c$' || fail "text ids not escaped"
"$N" dedup "$T/ids.jsonl" -o "$T/k" --clusters "$T/c" -q || fail "dedup with NUL ids"
grep -q '"kept": "a\\u0000b", "members": \["a\\u0000b", "a\\u0000c", "t\\tab\\nnl"\]' "$T/c" \
    || fail "clusters: $(cat "$T/c")"
# a real duplicate is still one, named escaped on one line
printf '%s\n' '{"id": "d\u0001\nx", "text": "a"}' '{"id": "d\u0001\nx", "text": "b"}' > "$T/dup.jsonl"
"$N" pairs "$T/dup.jsonl" -q 2> "$T/e"
[ $? -eq 2 ] || fail "duplicate id: want exit 2"
grep -q 'dup.jsonl:2: duplicate id "d\\x01\\nx" (first seen at .*dup.jsonl:1)' "$T/e" || fail "dup message: $(cat "$T/e")"
[ "$(wc -l < "$T/e")" -eq 1 ] || fail "the message is not one line: $(cat "$T/e")"
# two plain files with one path: no ":0" line
printf 'some words here\n' > "$T/p.txt"
"$N" pairs "$T/p.txt" "$T/p.txt" -q 2> "$T/e"
[ $? -eq 2 ] || fail "a path given twice: want exit 2"
grep -q ':0' "$T/e" && fail "plain-file message prints line :0: $(cat "$T/e")"
grep -q 'p.txt: duplicate id' "$T/e" || fail "plain duplicate: $(cat "$T/e")"
# index and query keep them too
"$N" index build "$T/ids.jsonl" -o "$T/i.ndx" -q || fail "index build with NUL ids"
sed -n 1p "$T/ids.jsonl" | sed 's/a\\u0000b/q/' > "$T/q.jsonl"
"$N" query "$T/i.ndx" "$T/q.jsonl" --format jsonl -q > "$T/o" || fail "query"
grep -q '"b": "a\\u0000c"' "$T/o" || fail "query: NUL id lost: $(cat "$T/o")"
# align and its report: the id kept whole in JSONL, escaped in the text views and the HTML report
T1='the committee will publish its final report on the causes of the flood before the end of the year said the chairman'
printf '{"id": "x\\u0000y\\tz", "text": "%s"}\n' "$T1" > "$T/al1.jsonl"
printf '{"id": "w\\u0000v", "text": "%s"}\n' "$T1" > "$T/al2.jsonl"
"$N" align "$T/al1.jsonl" "$T/al2.jsonl" --format jsonl -q > "$T/o" || fail "align NUL ids"
grep -q '^{"a": "x\\u0000y\\tz", "b": "w\\u0000v",' "$T/o" || fail "align JSONL ids: $(cat "$T/o")"
"$N" align "$T/al1.jsonl" "$T/al2.jsonl" 2> "$T/err" > "$T/o" || fail "align text NUL ids"
grep -q 'x\\x00y\\tz:' "$T/o" || fail "align text ids: $(cat "$T/o")"
grep -q 'x\\x00y\\tz (' "$T/err" || fail "align summary ids: $(cat "$T/err")"
"$N" align "$T/al1.jsonl" "$T/al2.jsonl" --format html -o "$T/al.html" -q || fail "align html NUL ids"
grep -qF 'x\\x00y\\tz' "$T/al.html" || fail "the report cut the id at its NUL (escaped, in the report's JSON)"
exit 0
