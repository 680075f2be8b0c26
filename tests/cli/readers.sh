#!/bin/sh
# readers.sh - input formats and encodings (issue 22): a renamed sample.json
# reads as sample.jsonl; a Windows-1252 copy of a seed article aligns with
# the other seed with no flag, offsets into its own bytes; accented names
# survive; --encoding forces one or keeps strict UTF-8; walks skip _SUCCESS,
# .crc and hidden files and take --include / --exclude; nested fields,
# integer ids, --id-from line, --lossy on JSONL.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_readers_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "readers.sh: FAIL: $*" >&2; exit 1; }
STATEMENT="and NATO are ready to meet again with Russia and are committed to pursuing continued diplomacy and reciprocal dialogue The United States and its NATO Allies are united on the diplomatic path forward and urge Russia to take immediate action to deescalate its ongoing aggression against Ukraine"

# ---- sample.json = sample.jsonl ----
cp tests/data/sample.jsonl "$T/sample.json"
for cmd in "pairs -t 0.5 --format jsonl" "overlap --format jsonl"; do
    "$N" $cmd tests/data/sample.jsonl -q > "$T/l.out" || fail "$cmd jsonl"
    "$N" $cmd "$T/sample.json" -q > "$T/j.out" || fail "$cmd json"
    cmp -s "$T/l.out" "$T/j.out" || fail "$cmd: sample.json differs from sample.jsonl"
    [ -s "$T/l.out" ] || fail "$cmd: no output"
done
"$N" dedup "$T/sample.json" -t 0.5 -o "$T/kj" -q && "$N" dedup tests/data/sample.jsonl -t 0.5 -o "$T/kl" -q && cmp -s "$T/kj" "$T/kl" ||
    fail "dedup: sample.json differs"
printf '[{"id": "a", "text": "x"}]\n' > "$T/array.json"
"$N" pairs "$T/array.json" 2> "$T/err"; [ $? -eq 2 ] || fail "a JSON array: exit"
grep -q "array.json: a .json file whose first line is not a JSON object" "$T/err" || fail "array: $(cat "$T/err")"

# ---- Windows-1252: detected, aligned with no flag, offsets into its own bytes ----
E=tests/data/enc/seed-000-cp1252.txt
"$N" align "$E" tests/data/seeds/003_9a10c820da11214b.txt --format jsonl -q > "$T/al.jsonl" || fail "align cp1252 exit $?"
python3 - "$T/al.jsonl" "$E" "$STATEMENT" <<'PY' || fail "cp1252 passage: $(cat "$T/al.jsonl")"
import json, re, sys
ps = [json.loads(l) for l in open(sys.argv[1])]
assert len(ps) == 1 and ps[0]["words"] == 47 and ps[0]["identity"] == 1, ps
raw = open(sys.argv[2], 'rb').read()[ps[0]["a_start"]:ps[0]["a_end"]].decode('cp1252')
assert re.findall(r"\w+", raw.lower()) == re.findall(r"\w+", sys.argv[3].lower()), raw
PY
"$N" align "$E" tests/data/seeds/003_9a10c820da11214b.txt --encoding utf-8 2> "$T/err"; [ $? -eq 2 ] ||
    fail "--encoding utf-8 must stay strict"
grep -q "invalid UTF-8 at byte" "$T/err" || fail "strict: $(cat "$T/err")"
# accented names intact, however the text came
"$N" dedup tests/data/enc/names-cp1252.txt -o "$T/names.jsonl" 2> "$T/err" || fail "names exit $?"
grep -q "1 document decoded from other encodings than UTF-8: 1 windows-1252 (detected)" "$T/err" || fail "summary: $(cat "$T/err")"
python3 -c '
import json, sys
t = json.loads(open(sys.argv[1]).read())["text"]
assert t == open(sys.argv[2], encoding="utf-8").read(), t' "$T/names.jsonl" tests/data/enc/names-utf8.txt || fail "names: $(cat "$T/names.jsonl")"
for n in "François Hollande" "José Manuel Barroso" "Søren Kierkegaard-Müller" "Jürgen Großmann" "Ærø Ågård"; do
    grep -q "$n" "$T/names.jsonl" || fail "name $n lost"
done
# forced: the same bytes read as ISO-8859-1 (= windows-1252 in browsers) and as KOI8-R differ
"$N" dedup tests/data/enc/names-cp1252.txt --encoding latin1 -o - -q | cmp -s - "$T/names.jsonl" || fail "--encoding latin1"
"$N" dedup tests/data/enc/names-cp1252.txt --encoding koi8-r -o - -q | cmp -s - "$T/names.jsonl" && fail "--encoding koi8-r ignored"
"$N" pairs "$E" --encoding klingon 2> "$T/err"; [ $? -eq 2 ] || fail "unknown --encoding: exit"
grep -q -- '--encoding: "klingon" is not an encoding iconv knows' "$T/err" || fail "unknown label: $(cat "$T/err")"
# UTF-16 with a BOM, and UTF-8 with a BOM: offsets into the file's bytes
python3 -c '
import sys
t = open(sys.argv[1]).read()
open(sys.argv[2], "wb").write(b"\xff\xfe" + t.encode("utf-16-le"))
open(sys.argv[3], "wb").write(b"\xef\xbb\xbf" + t.encode())' tests/data/seeds/000_e994c8c5101e7cdf.txt "$T/u16.txt" "$T/bom.txt"
"$N" align "$T/u16.txt" tests/data/seeds/003_9a10c820da11214b.txt --format jsonl -q | grep -q '"a_start": 2502, "a_end": 3088, .*"words": 47' ||
    fail "UTF-16: $("$N" align "$T/u16.txt" tests/data/seeds/003_9a10c820da11214b.txt --format jsonl)"
"$N" align "$T/bom.txt" tests/data/seeds/003_9a10c820da11214b.txt --format jsonl -q | grep -q '"a_start": 1253, "a_end": 1546, ' ||
    fail "UTF-8 BOM: offsets"

# ---- directory walks ----
mkdir -p "$T/d/sub" "$T/d/.git"
cp tests/data/seeds/000_e994c8c5101e7cdf.txt "$T/d/a.txt"
cp tests/data/seeds/003_9a10c820da11214b.txt "$T/d/sub/b.txt"
echo "x" > "$T/d/_SUCCESS"; echo "y" > "$T/d/.a.txt.crc"; echo "z" > "$T/d/part-1.crc"; echo "h" > "$T/d/.hidden"; echo "g" > "$T/d/.git/HEAD"
"$N" pairs "$T/d" 2>&1 | grep -q "2 records read" || fail "walk: $("$N" pairs "$T/d" 2>&1)"
"$N" pairs "$T/d" --include-hidden 2>&1 | grep -q "7 records read" || fail "--include-hidden: $("$N" pairs "$T/d" --include-hidden 2>&1)"
"$N" pairs "$T/d" --exclude 'sub/*' 2>&1 | grep -q "1 records read" || fail "--exclude"
"$N" pairs "$T/d" --include 'b.*' 2>&1 | grep -q "1 records read" || fail "--include"
"$N" overlap "$T/d" --include '*.txt' --format jsonl -q | grep -q '"a": "'"$T"'/d/a.txt", "b": "'"$T"'/d/sub/b.txt"' || fail "overlap walk"

# ---- JSONL: nested fields, integer ids, --id-from line, --lossy ----
S=$(cat tests/data/seeds/000_e994c8c5101e7cdf.txt | tr -d '\n"' )
printf '{"meta": {"n": 17}, "content": {"body": "%s"}}\n{"meta": {"n": 18}, "content": {"body": "%s"}}\n' "$S" "$S" > "$T/nested.jsonl"
"$N" pairs "$T/nested.jsonl" --id-field meta.n --text-field content.body --format jsonl -q | grep -qF '{"a": "17", "b": "18", "jaccard": 1}' ||
    fail "nested / integer ids"
"$N" pairs "$T/nested.jsonl" --text-field content.body 2> "$T/err"; [ $? -eq 2 ] || fail "missing id: exit"
grep -q 'nested.jsonl:1: field "id" is missing (--id-field names the field; --id-from line numbers records that have no id)' "$T/err" ||
    fail "missing id: $(cat "$T/err")"
"$N" pairs "$T/nested.jsonl" --text-field content.body --id-from line --format jsonl -q |
    grep -qF "{\"a\": \"$T/nested.jsonl:1\", \"b\": \"$T/nested.jsonl:2\"" || fail "--id-from line"
printf '{"id": "a", "text": "caf\351 au lait"}\n' > "$T/bad.jsonl"
"$N" dedup "$T/bad.jsonl" -o /dev/null 2> "$T/err"; [ $? -eq 2 ] || fail "invalid UTF-8 in JSONL without --lossy: exit"
"$N" dedup "$T/bad.jsonl" --lossy -o "$T/lossy.out" 2> "$T/err" || fail "--lossy JSONL: $(cat "$T/err")"
cmp -s "$T/lossy.out" "$T/bad.jsonl" || fail "--lossy: kept JSONL records are not copied byte for byte"
grep -q -- "--lossy: 1 invalid UTF-8 byte" "$T/err" || fail "--lossy JSONL count: $(cat "$T/err")"
exit 0
