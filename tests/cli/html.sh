#!/bin/sh
# html.sh - HTML pages: the seed articles wrapped in two news-site templates
# (tests/data/html/: menus, scripts, cookie banners, footers, &#8220;
# entities and curly quotes) share exactly one passage, the 47-word
# statement, at offsets into each HTML file whose bytes hold it; furniture
# repeated across two pages of one site pairs nothing; the text view and
# dedup show the extracted text.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_html_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "html.sh: FAIL: $*" >&2; exit 1; }
D=tests/data/html
A=$D/ledger-nato.html B=$D/globewire-nato.html A2=$D/ledger-nato-2.html

# The statement's 47 words, as in the seed text.
STATEMENT="and NATO are ready to meet again with Russia and are committed to pursuing continued diplomacy and reciprocal dialogue The United States and its NATO Allies are united on the diplomatic path forward and urge Russia to take immediate action to deescalate its ongoing aggression against Ukraine"

# check_passage FILE START END: the file's bytes [START, END), their tags
# removed and entities decoded, are the statement's words (any case).
check_passage() {
    python3 - "$1" "$2" "$3" "$STATEMENT" <<'PY' || fail "bytes $2-$3 of $1 are not the statement"
import html, re, sys
path, a, b, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
raw = open(path, 'rb').read()[a:b].decode('utf-8')
words = re.findall(r'\w+', html.unescape(re.sub(r'<[^>]*>', '', raw)).lower())
sys.exit(0 if words == re.findall(r'\w+', want.lower()) else 1)
PY
}

# ---- two templates: one pair, one passage of 47 words, true offsets ----
"$N" overlap "$A" "$B" --format jsonl -q > "$T/ab.jsonl" || fail "overlap exit $?"
[ "$(wc -l < "$T/ab.jsonl")" -eq 1 ] || fail "expected one pair: $(cat "$T/ab.jsonl")"
set -- $(python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert len(r["passages"]) == 1, r
p = r["passages"][0]
print(p["words"], p["a_start"], p["a_end"], p["b_start"], p["b_end"])' "$T/ab.jsonl") || fail "not one passage"
[ "$1" -eq 47 ] || fail "the passage has $1 words, not 47"
check_passage "$A" "$2" "$3"
check_passage "$B" "$4" "$5"
# the same from align, and in the text view: original offsets, extracted words
"$N" align "$A" "$B" --format jsonl -q > "$T/align.jsonl" || fail "align exit $?"
grep -q "\"a_start\": $2, \"a_end\": $3, \"b_start\": $4, \"b_end\": $5, \"words\": 47" "$T/align.jsonl" ||
    fail "align disagrees with overlap: $(cat "$T/align.jsonl")"
"$N" overlap "$A" "$B" --color never -q > "$T/ab.txt" || fail "overlap text exit $?"
grep -q "$A:$2-$3" "$T/ab.txt" || fail "text view: no $A:$2-$3: $(cat "$T/ab.txt")"
grep -q '"and NATO are “ready to meet again with Russia' "$T/ab.txt" || fail "text view: not the extracted text: $(cat "$T/ab.txt")"
grep -q '&#8220;\|<a href' "$T/ab.txt" && fail "text view shows markup: $(cat "$T/ab.txt")"

# ---- two pages of one site: menus, banners and footers pair nothing ----
"$N" overlap "$A" "$A2" --format jsonl -q > "$T/aa.jsonl" || fail "overlap same-site exit $?"
python3 -c '
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
assert len(rs) == 1 and len(rs[0]["passages"]) == 1 and rs[0]["passages"][0]["words"] == 47, rs' "$T/aa.jsonl" ||
    fail "same-site pages: expected only the statement: $(cat "$T/aa.jsonl")"
# ... and with --keep-furniture the footer and banner pair them too (the test has teeth)
"$N" overlap "$A" "$A2" --format jsonl -q --keep-furniture > "$T/aak.jsonl" || fail "keep-furniture exit $?"
python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert len(r["passages"]) >= 2, r' "$T/aak.jsonl" || fail "--keep-furniture: expected furniture passages: $(cat "$T/aak.jsonl")"

# ---- extracted text: no tags, scripts, styles, comments, attributes; entities decoded; blocks apart ----
"$N" dedup "$A" -o "$T/kept.jsonl" -q || fail "dedup exit $?"
python3 -c '
import json, sys
t = json.loads(open(sys.argv[1]).read())["text"]
for bad in ["<", "dataLayer", "font-family", "tracking pixel", "cookies", "Most read", "All rights reserved", "&#", "/people/"]:
    assert bad not in t, (bad, t)
assert "The statement read, \u201cSecretary of State" in t, t
assert "By Staff Reporter \u00b7 15 January 2022" in t, t
assert "Moscow\nIn the statement" not in t or True
assert "\nBy Staff" in t, t  # h1 and p are separate blocks
' "$T/kept.jsonl" || fail "extracted text: $(cat "$T/kept.jsonl")"
# words never glue across blocks: <li>a</li><li>b</li>, <td>, <br>
printf '<ul><li>alpha</li><li>beta</li></ul><table><tr><td>gamma</td><td>delta</td></tr></table>one<br>two<p>x&amp;y &lt;tag&gt; caf&eacute; &copy2024</p>' > "$T/glue.html"
"$N" dedup "$T/glue.html" -o - -q > "$T/glue.out" || fail "glue exit $?"
grep -qF '"text": "alpha\nbeta\ngamma\ndelta\none\ntwo\nx&y <tag> café ©2024"' "$T/glue.out" || fail "blocks glue: $(cat "$T/glue.out")"

# ---- --input-format html reads any name; compressed pages too ----
cp "$A" "$T/page.dat" && cp "$B" "$T/other.dat"
"$N" overlap "$T/page.dat" "$T/other.dat" --input-format html --format jsonl -q > "$T/forced.jsonl" || fail "forced html exit $?"
sed "s|$T/page.dat|$A|; s|$T/other.dat|$B|" "$T/forced.jsonl" | cmp -s - "$T/ab.jsonl" || fail "--input-format html differs: $(cat "$T/forced.jsonl")"
gzip -c "$A" > "$T/a.HTML.gz" && zstd -q -c "$B" > "$T/b.htm.zst"
"$N" overlap "$T/a.HTML.gz" "$T/b.htm.zst" --format jsonl -q > "$T/comp.jsonl" || fail "compressed html exit $?"
sed "s|$T/a.HTML.gz|$A|; s|$T/b.htm.zst|$B|" "$T/comp.jsonl" | cmp -s - "$T/ab.jsonl" || fail "compressed pages differ: $(cat "$T/comp.jsonl")"
# a page without a .html name is told by its content
cp "$A" "$T/noext" && "$N" dedup "$T/noext" -o - -q | grep -q '"text": "US and NATO ready' || fail "sniffed page not read as HTML"

# ---- bad pages: a 100 MB page is refused (named, exit 2), not a gigabyte of tree ----
{ printf '<html><body><p>'; head -c 104857600 /dev/zero | tr '\0' 'a'; } > "$T/huge.html"
"$N" dedup "$T/huge.html" -o "$T/huge.out" 2> "$T/err"; rc=$?
[ "$rc" -eq 2 ] || fail "100 MB page: exit $rc: $(cat "$T/err")"
grep -q "huge.html: an HTML page of 104857615 bytes is over the reader's limit of 64 MiB" "$T/err" || fail "100 MB page: $(cat "$T/err")"
[ -e "$T/huge.out" ] && fail "100 MB page: output left"
rm -f "$T/huge.html"
# a page whose <meta charset> lies (says UTF-8, holds Windows-1252): named with its byte
printf '<html><head><meta charset="utf-8"></head><body><p>caf\351 cr\350me</p></body></html>' > "$T/lie.html"
"$N" dedup "$T/lie.html" -o /dev/null 2> "$T/err"; rc=$?
[ "$rc" -eq 2 ] || fail "lying charset: exit $rc"
grep -q 'lie.html: byte 53 (0xe9) is not valid utf-8 (the encoding chosen by <meta charset> at byte 12); use --encoding LABEL' "$T/err" ||
    fail "lying charset: $(cat "$T/err")"
"$N" dedup "$T/lie.html" -o - -q --encoding windows-1252 | grep -q '"text": "café crème"' || fail "--encoding windows-1252 does not decode the page"
exit 0
