#!/bin/sh
# warc.sh - a WARC file of a few pages (written by tests/cli/warc_gen.py:
# warcinfo, request, chunked and gzip-coded HTML responses, a 404, an image,
# a WET conversion record) round-trips: ids are the URIs (or record ids with
# --id-field WARC-Record-ID), dates are read, .warc.gz with one gzip member
# per record reads the same, offsets point into the page as the server sent
# it, and every broken record is an error naming the file, record and byte.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_warc_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "warc.sh: FAIL: $*" >&2; exit 1; }
G=tests/cli/warc_gen.py

python3 $G "$T/crawl.warc" && python3 $G "$T/crawl.warc.gz" --gz || fail "warc_gen.py"
"$N" dedup "$T/crawl.warc" -o "$T/kept.jsonl" 2> "$T/err" || fail "dedup exit $?: $(cat "$T/err")"
cat > "$T/want.jsonl" <<'JL'
{"id": "https://news.example/council", "date": "2024-03-01T10:00:02Z", "text": "Council meets on the budget\nThe city council met on Tuesday to debate the budget for next year, with the mayor proposing cuts to road repairs and more money for libraries and parks."}
{"id": "https://news.example/cafe", "date": "2024-03-02T08:30:00Z", "text": "Café owners protest\nCafé owners in the old town protested on Monday against the new rules on terraces, which they say will cost them half of their summer trade."}
{"id": "https://news.example/weather", "date": "2024-03-03T06:00:00Z", "text": "Rain is expected all week along the coast, with storms on Thursday and sunshine again by Sunday."}
JL
cmp -s "$T/kept.jsonl" "$T/want.jsonl" || fail "kept records differ: $(diff "$T/want.jsonl" "$T/kept.jsonl")"
grep -q "3 records read = 3 kept" "$T/err" || fail "summary: $(cat "$T/err")"
grep -q "4 WARC records are not documents (1 warcinfo, 1 request, 1 response with a non-2xx HTTP status, 1 response of another content type)" "$T/err" ||
    fail "records that are not documents are not accounted for: $(cat "$T/err")"
grep -q "1 windows-1252 (HTTP Content-Type)" "$T/err" || fail "encoding summary: $(cat "$T/err")"
# one gzip member per record (Common Crawl): the same records
"$N" dedup "$T/crawl.warc.gz" -o - -q | cmp -s - "$T/want.jsonl" || fail ".warc.gz differs"
# record ids instead of URIs
"$N" dedup "$T/crawl.warc" --id-field WARC-Record-ID -o "$T/ids.jsonl" -q || fail "dedup --id-field exit $?"
[ "$(grep -c '^{"id": "<urn:uuid:[0-9a-f-]*>", "date": ' "$T/ids.jsonl")" -eq 3 ] || fail "--id-field WARC-Record-ID: $(cat "$T/ids.jsonl")"
# a .wet name, and --input-format warc on any name
cp "$T/crawl.warc" "$T/crawl.warc.wet" && cp "$T/crawl.warc" "$T/crawl.bin"
"$N" dedup "$T/crawl.warc.wet" -o - -q | cmp -s - "$T/want.jsonl" || fail ".wet differs"
"$N" dedup "$T/crawl.bin" -o - -q | cmp -s - "$T/want.jsonl" || fail "WARC by content differs"
"$N" dedup "$T/crawl.bin" --input-format warc -o - -q | cmp -s - "$T/want.jsonl" || fail "--input-format warc differs"

# offsets point into the page as served (after undoing the chunked coding)
S="The city council met on Tuesday to debate the budget for next year, with the mayor proposing cuts to road repairs and more money for libraries and parks."
printf 'Yesterday: %s More later.\n' "$S" > "$T/copy.txt"
"$N" align "$T/crawl.warc" "$T/copy.txt" --a-id https://news.example/council --min-words 15 --format jsonl -q > "$T/al.jsonl" ||
    fail "align exit $?"
python3 - "$T/al.jsonl" "$S" <<'PY' || fail "offsets are not into the page: $(cat "$T/al.jsonl")"
import json, re, sys
p = json.loads(open(sys.argv[1]).read())
page = ('<!doctype html><html><head><title>Council meets on the budget</title><script>var t="Council meets on the budget";'
        '</script></head><body><nav>Home | World | Sport</nav><h1>Council meets on the budget</h1><p>%s</p>'
        '<footer>Copyright Example News</footer></body></html>' % sys.argv[2])
got = page[p["a_start"]:p["a_end"]]
assert re.findall(r"\w+", got) == re.findall(r"\w+", sys.argv[2])[:-1] + ["parks"], got
PY

# ---- broken records: file, record number, byte offset, exit 2 ----
check() { # KIND PATTERN
    python3 $G "$T/bad.warc" --bad "$1" || fail "warc_gen.py --bad $1"
    "$N" dedup "$T/bad.warc" -o "$T/bad.out" 2> "$T/err"; rc=$?
    [ "$rc" -eq 2 ] || fail "--bad $1: exit $rc: $(cat "$T/err")"
    grep -Eq -- "$2" "$T/err" || fail "--bad $1: $(cat "$T/err")"
    [ -e "$T/bad.out" ] && fail "--bad $1: output left"
    return 0
}
check truncated 'bad.warc: WARC record 7 at byte 2583: truncated: Content-Length says 96 bytes of block, the file ends after 90'
check length 'bad.warc: WARC record 3 at byte 542: wrong Content-Length 577: the block is not followed by CR LF CR LF at byte 1368'
check chunk 'bad.warc: WARC record 3 at byte 542: bad chunk size line at byte 335 of the block'
check gzip 'bad.warc: WARC record 4 at byte [0-9]+: the gzip HTTP body is cut off'
printf 'WARC/1.0\r\nWARC-Type: response\r\n\r\n' > "$T/nolen.warc"
"$N" dedup "$T/nolen.warc" -o /dev/null 2> "$T/err"; [ $? -eq 2 ] || fail "no Content-Length: exit"
grep -q "nolen.warc: WARC record 1 at byte 0: the record header has no valid Content-Length" "$T/err" || fail "no Content-Length: $(cat "$T/err")"
printf 'WARC/1.0\r\nContent-Length: 3\r\n\r\nabc\r\n\r\nHTTP/1.1 200 OK\r\n' > "$T/junk.warc"
"$N" dedup "$T/junk.warc" -o /dev/null 2> "$T/err"; [ $? -eq 2 ] || fail "junk after a record: exit"
grep -q "junk.warc: WARC record 2 at byte 38: not a WARC/1.0 or WARC/1.1 record header" "$T/err" || fail "junk: $(cat "$T/err")"
exit 0
