#!/bin/sh
# report_browser.sh - the HTML report in a real browser (headless Chromium):
# the seed articles' 47-word statement highlighted in both texts and linked
# across; a document holding "<script>" shown as text, never run; a report of
# 10,000 pairs renders one page; a screenshot is saved under the build dir.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
B=${BUILD:-build}
T=$(mktemp -d /tmp/nd_report_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "report_browser.sh: FAIL: $*" >&2; exit 1; }
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
    echo "report_browser.sh: SKIP: chromium is not installed (Debian package chromium; make test installs it)" >&2
    exit 0
fi
dom() { timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 \
        --user-data-dir="$T/profile" --dump-dom "file://$1" 2>/dev/null; }

"$N" overlap tests/data/seeds --format html -o "$T/seeds.html" -q || fail "overlap --format html"
dom "$T/seeds.html" > "$T/seeds.dom" || fail "chromium --dump-dom"
STATEMENT='ready to meet again with Russia and are committed to pursuing continued diplomacy'
grep -q "<mark id=\"pa1\" class=\"passage\"><a href=\"#pb1\"[^>]*>and NATO are ready to meet again" "$T/seeds.dom" ||
    fail "A side: the statement is not highlighted"
grep -q "<mark id=\"pb1\" class=\"passage\"><a href=\"#pa1\"[^>]*>and NATO are \"ready to meet again" "$T/seeds.dom" ||
    grep -q "<mark id=\"pb1\" class=\"passage\"><a href=\"#pa1\"[^>]*>and NATO are &quot;ready to meet again" "$T/seeds.dom" ||
    fail "B side: the statement is not highlighted"
[ "$(grep -o "$STATEMENT" "$T/seeds.dom" | wc -l)" -ge 2 ] || fail "the statement should appear in both panes"
grep -q "ongoing aggression against Ukraine</a></mark>" "$T/seeds.dom" || fail "the passage should end at Ukraine"
mkdir -p "$B"
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 --user-data-dir="$T/profile" \
    --window-size=1280,900 --screenshot="$B/report.png" "file://$T/seeds.html" > /dev/null 2>&1
[ -s "$B/report.png" ] || fail "no screenshot at $B/report.png"

# a hostile document: its markup is text in the page
printf '<script>document.title="pwned"</script> %s\n' "$(head -c 1543 tests/data/seeds/000_e994c8c5101e7cdf.txt | tail -c 293)" > "$T/evil.txt"
"$N" overlap "$T/evil.txt" tests/data/seeds/003_9a10c820da11214b.txt --format html -o "$T/evil.html" -q || fail "overlap evil"
dom "$T/evil.html" > "$T/evil.dom" || fail "dump-dom evil"
grep -q "&lt;script&gt;document.title=\"pwned\"&lt;/script&gt;" "$T/evil.dom" || fail "the <script> text is not shown as text"
grep -q "<title>neardup overlap</title>" "$T/evil.dom" || fail "the document's script ran (title changed)"

# 10,000 pairs: one page of 100 rows is rendered
/usr/bin/python3 - "$T/many.jsonl" <<'PY'
import json, sys, random
rnd = random.Random(1)
quote = " ".join("q%d" % i for i in range(25))
with open(sys.argv[1], "w") as f:
    for i in range(142):  # 142 documents sharing one passage: 10,011 pairs
        f.write(json.dumps({"id": "d%d" % i, "text": " ".join("w%d" % rnd.randrange(10**6) for _ in range(40)) + " " + quote}) + "\n")
PY
"$N" overlap "$T/many.jsonl" --max-df 1000 --format html -o "$T/many.html" -q || fail "overlap many"
dom "$T/many.html" > "$T/many.dom" || fail "dump-dom many"
grep -q "10,011 pairs, page 1 of 101" "$T/many.dom" || fail "pagination: $(grep -o '[0-9]* pairs[^<]*' "$T/many.dom" | head -1)"
[ "$(grep -o '<tr data-i=' "$T/many.dom" | wc -l)" -eq 100 ] || fail "one page of 100 rows expected"

# invalid UTF-8 before the passage (read with --lossy: overlong NUL, a surrogate, a byte
# past U+10FFFF): the highlight still starts exactly at the statement
S=$(head -c 1543 tests/data/seeds/000_e994c8c5101e7cdf.txt | tail -c 293)
printf 'Bad bytes \300\200 and \355\240\200 and \365 here. %s. The end.\n' "$S" > "$T/lossy.txt"
"$N" align "$T/lossy.txt" tests/data/seeds/003_9a10c820da11214b.txt --lossy --format html -o "$T/lossy.html" -q ||
    fail "align --lossy --format html"
dom "$T/lossy.html" > "$T/lossy.dom" || fail "dump-dom lossy"
grep -q '<mark id="pa1" class="passage"><a href="#pb1"[^>]*>and NATO are ready to meet again' "$T/lossy.dom" ||
    fail "invalid UTF-8 before the passage shifts the highlight: $(grep -o '<mark id="pa1"[^>]*><a[^>]*>.\{0,20\}' "$T/lossy.dom")"

# the statement twice in B: a stretch of A aligns with one stretch of B (the
# first copy, as strong as the second); every partner link has a target
printf 'First: %s. Then again: %s. Done.\n' "$S" "$S" > "$T/twice.txt"
"$N" align tests/data/seeds/000_e994c8c5101e7cdf.txt "$T/twice.txt" --format html -o "$T/twice.html" -q ||
    fail "align twice"
dom "$T/twice.html" > "$T/twice.dom" || fail "dump-dom twice"
[ "$(grep -o '<mark id="pb[12]"' "$T/twice.dom" | wc -l)" -eq 1 ] || fail "twice: one B passage should be marked"
for h in $(grep -o 'href="#p[ab][0-9]*"' "$T/twice.dom" | sed 's/href="#//; s/"//' | sort -u); do
    grep -q "id=\"$h\"" "$T/twice.dom" || fail "twice: the link #$h has no target"
done

# edited words are marked apart from the matching ones: substituted, inserted (B), deleted (A)
printf 'Before: %s. After.\n' "$S" > "$T/ea.txt"
printf 'Intro: %s. Outro.\n' "$(echo "$S" | sed 's/continued diplomacy/continued negotiation/; s/reciprocal dialogue/reciprocal and open dialogue/; s/its NATO Allies/its Allies/')" > "$T/eb.txt"
"$N" align "$T/ea.txt" "$T/eb.txt" --format html -o "$T/edit.html" -q || fail "align edited"
dom "$T/edit.html" > "$T/edit.dom" || fail "dump-dom edited"
grep -q '<mark class="passage sub"[^>]*><a[^>]*>diplomacy</a></mark>' "$T/edit.dom" || fail "A: the substituted word is not marked"
grep -q '<mark class="passage sub"[^>]*><a[^>]*>negotiation</a></mark>' "$T/edit.dom" || fail "B: the substituted word is not marked"
grep -q '<mark class="passage indel"[^>]*><a[^>]*>and open</a></mark>' "$T/edit.dom" || fail "B: the inserted words are not marked"
grep -q '<mark class="passage indel"[^>]*><a[^>]*>NATO</a></mark>' "$T/edit.dom" || fail "A: the deleted word is not marked"
grep -q '(1 substituted, 2 inserted, 1 deleted)' "$T/edit.dom" || fail "the counts are not shown"

# query --mode overlap --format html: the same highlighted statement
"$N" index build tests/data/seeds/003_9a10c820da11214b.txt -o "$T/b.ndx" -q || fail "index build"
"$N" query "$T/b.ndx" tests/data/seeds/000_e994c8c5101e7cdf.txt --mode overlap --format html -o "$T/q.html" -q ||
    fail "query --format html"
dom "$T/q.html" > "$T/q.dom" || fail "dump-dom query"
grep -q '<mark id="pa1" class="passage"><a href="#pb1"[^>]*>and NATO are ready to meet again' "$T/q.dom" ||
    fail "query report: A side not highlighted"
grep -q '<mark id="pb1" class="passage"><a href="#pa1"[^>]*>and NATO are "ready to meet again' "$T/q.dom" ||
    fail "query report: B side not highlighted"
exit 0
