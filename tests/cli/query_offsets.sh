#!/bin/sh
# query_offsets.sh - `neardup query --mode overlap` prints offsets into the
# original files (issue 22): HTML pages and a Windows-1252 file, as query
# documents (their reader's map) and as references (the map stored in the
# index's maps section, carried by `index add`), byte for byte the records of
# `neardup overlap QUERY --against REFS`; plain text costs no map.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_query_offsets_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "query_offsets.sh: FAIL: $*" >&2; exit 1; }
D=tests/data/html
A=$D/ledger-nato.html B=$D/globewire-nato.html
S0=tests/data/seeds/000_e994c8c5101e7cdf.txt S3=tests/data/seeds/003_9a10c820da11214b.txt
W=tests/data/enc/seed-000-cp1252.txt

STATEMENT="and NATO are ready to meet again with Russia and are committed to pursuing continued diplomacy and reciprocal dialogue The United States and its NATO Allies are united on the diplomatic path forward and urge Russia to take immediate action to deescalate its ongoing aggression against Ukraine"

# check_passage FILE ENCODING START END: the file's bytes [START, END),
# decoded, tags removed and entities decoded, are the statement's words.
check_passage() {
    python3 - "$1" "$2" "$3" "$4" "$STATEMENT" <<'PY' || fail "bytes $3-$4 of $1 are not the statement"
import html, re, sys
path, enc, a, b, want = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
raw = open(path, 'rb').read()[a:b].decode(enc)
words = re.findall(r'\w+', html.unescape(re.sub(r'<[^>]*>', '', raw)).lower())
sys.exit(0 if words == re.findall(r'\w+', want.lower()) else 1)
PY
}

# check_same WORDS FILE1 ENC1 START1 END1 FILE2 ENC2 START2 END2: both byte
# ranges, decoded, tags removed and entities decoded, hold the same WORDS words.
check_same() {
    python3 - "$@" <<'PY' || fail "bytes $4-$5 of $2 and $8-$9 of $6 do not hold the same $1 words"
import html, re, sys
n, a = int(sys.argv[1]), sys.argv[2:]
def words(path, enc, s, e):
    raw = open(path, 'rb').read()[int(s):int(e)].decode(enc)
    return re.findall(r'\w+', html.unescape(re.sub(r'<[^>]*>', '', raw)).lower())
x, y = words(*a[0:4]), words(*a[4:8])
sys.exit(0 if x == y and len(x) == n else 1)
PY
}

# one_passage FILE: prints words a_start a_end b_start b_end of its only passage
one_passage() {
    python3 -c '
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
assert len(rs) == 1 and len(rs[0]["passages"]) == 1, rs
p = rs[0]["passages"][0]
print(p["words"], p["a_start"], p["a_end"], p["b_start"], p["b_end"])' "$1" || fail "not one passage: $(cat "$1")"
}

# ---- an HTML reference, an HTML query: offsets into both pages ----
"$N" index build "$B" -o "$T/b.ndx" -q || fail "index build"
"$N" query "$T/b.ndx" "$A" --mode overlap --format jsonl -q > "$T/q.jsonl" || fail "query exit $?"
set -- $(one_passage "$T/q.jsonl")
[ "$1" -eq 47 ] || fail "the passage has $1 words, not 47"
check_passage "$A" utf-8 "$2" "$3"
check_passage "$B" utf-8 "$4" "$5"
"$N" overlap "$A" --against "$B" --format jsonl -q > "$T/o.jsonl" || fail "overlap exit $?"
cmp -s "$T/q.jsonl" "$T/o.jsonl" || { diff "$T/o.jsonl" "$T/q.jsonl" >&2; fail "query differs from overlap --against"; }
# the text view: original offsets, extracted words
"$N" query "$T/b.ndx" "$A" --mode overlap --color never -q > "$T/q.txt" || fail "query text exit $?"
grep -q "$A:$2-$3" "$T/q.txt" || fail "text view: no $A:$2-$3: $(cat "$T/q.txt")"
grep -q "$B:$4-$5" "$T/q.txt" || fail "text view: no $B:$4-$5: $(cat "$T/q.txt")"
grep -q '&#8220;\|<a href' "$T/q.txt" && fail "text view shows markup: $(cat "$T/q.txt")"
"$N" index info "$T/b.ndx" > "$T/info" || fail "index info"
grep -q "^maps:       1 documents with an offset map" "$T/info" || fail "index info: $(cat "$T/info")"
# a plain query against the HTML reference: identity on its side
"$N" query "$T/b.ndx" "$S0" --mode overlap --format jsonl -q > "$T/qs.jsonl" || fail "plain query exit $?"
"$N" overlap "$S0" --against "$B" --format jsonl -q | cmp -s - "$T/qs.jsonl" || fail "plain query: $(cat "$T/qs.jsonl")"
set -- $(one_passage "$T/qs.jsonl")
check_passage "$S0" utf-8 "$2" "$3"
check_passage "$B" utf-8 "$4" "$5"

# ---- index add carries the maps: copied ones and added ones ----
"$N" index build "$S3" -o "$T/add.ndx" -q || fail "index build plain"
"$N" index info "$T/add.ndx" | grep -q "^maps:       0 documents" || fail "a plain index has maps"
"$N" index info "$T/add.ndx" | grep -q " maps 0$" || fail "a plain index's maps section is not empty: $("$N" index info "$T/add.ndx")"
"$N" index add "$T/add.ndx" "$B" -q || fail "index add html"
"$N" index add "$T/add.ndx" "$W" -q 2> /dev/null || fail "index add cp1252 (copies the HTML map)"
"$N" index info "$T/add.ndx" | grep -q "^maps:       2 documents" || fail "index add: $("$N" index info "$T/add.ndx")"
"$N" query "$T/add.ndx" "$A" --mode overlap --format jsonl -q 2> /dev/null > "$T/qa.jsonl" || fail "query after add exit $?"
"$N" overlap "$A" --against "$S3" --against "$B" --against "$W" --format jsonl -q 2> /dev/null > "$T/oa.jsonl" || fail "overlap --against 3 exit $?"
cmp -s "$T/qa.jsonl" "$T/oa.jsonl" || { diff "$T/oa.jsonl" "$T/qa.jsonl" >&2; fail "query after add differs from overlap --against"; }
python3 - "$T/qa.jsonl" "$A" "$B" "$W" > "$T/sides" <<'PY' || fail "after add: $(cat "$T/qa.jsonl")"
import json, sys
rs = {json.loads(l)["b"]: json.loads(l) for l in open(sys.argv[1])}
for ref in sys.argv[3:]:
    p = rs[ref]["passages"]
    assert len(p) == 1 and p[0]["words"] == p[0]["matches"], (ref, p)
    print(ref, p[0]["words"], p[0]["a_start"], p[0]["a_end"], p[0]["b_start"], p[0]["b_end"])
PY
# the statement with the plain and the HTML reference; the whole article
# (388 words) with the Windows-1252 one, which is the page's seed text
while read -r ref n a0 a1 b0 b1; do
    case $ref in
    *cp1252*) [ "$n" -eq 388 ] || fail "$ref: $n words, not the article's 388"
              check_same "$n" "$A" utf-8 "$a0" "$a1" "$ref" cp1252 "$b0" "$b1" ;;
    *) [ "$n" -eq 47 ] || fail "$ref: $n words, not 47"
       check_passage "$A" utf-8 "$a0" "$a1"
       check_passage "$ref" utf-8 "$b0" "$b1" ;;
    esac
done < "$T/sides"

# ---- a Windows-1252 query against a plain reference ----
"$N" query "$T/add.ndx" "$W" --mode overlap --format jsonl -q 2> /dev/null > "$T/qw.jsonl" || fail "cp1252 query exit $?"
"$N" overlap "$W" --against "$S3" --against "$B" --against "$W" --format jsonl -q 2> /dev/null | cmp -s - "$T/qw.jsonl" ||
    fail "cp1252 query differs from overlap --against: $(cat "$T/qw.jsonl")"
python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["b"] == sys.argv[2]][0]
p = r["passages"][0]
print(p["a_start"], p["a_end"], p["b_start"], p["b_end"])' "$T/qw.jsonl" "$S3" > "$T/w" || fail "cp1252 query: $(cat "$T/qw.jsonl")"
read -r a0 a1 b0 b1 < "$T/w"
check_passage "$W" cp1252 "$a0" "$a1"
check_passage "$S3" utf-8 "$b0" "$b1"

# ---- WARC records (offsets into the payload), one of them Windows-1252 ----
python3 tests/cli/warc_gen.py "$T/crawl.warc" || fail "warc_gen.py"
"$N" index build "$T/crawl.warc" -o "$T/w.ndx" -q 2> /dev/null || fail "index build warc"
"$N" index info "$T/w.ndx" | grep -q "^maps:       2 documents" || fail "warc maps: $("$N" index info "$T/w.ndx")"
"$N" query "$T/w.ndx" "$T/crawl.warc" --mode overlap --format jsonl -q > "$T/wq.jsonl" 2> /dev/null || fail "warc query"
"$N" overlap "$T/crawl.warc" --against "$T/crawl.warc" --format jsonl -q 2> /dev/null > "$T/wo.jsonl" || fail "warc overlap"
[ -s "$T/wq.jsonl" ] && cmp -s "$T/wq.jsonl" "$T/wo.jsonl" || { diff "$T/wo.jsonl" "$T/wq.jsonl" >&2; fail "warc query differs from overlap --against"; }
exit 0
