#!/bin/sh
# report_browser.sh - the HTML report in a real browser (headless Chromium):
# the seed articles' 47-word statement highlighted in both texts and linked
# across; a document holding "<script>" shown as text, never run; a report of
# 10,000 pairs renders one page, a click on a row brings the side-by-side view
# into the window and j steps to the next pair; the histogram keeps its bars
# apart when one pair is an outlier, and its labels inside it; "1 pair"; the
# cluster view (hand-made clusters from test_report) sorted by size, filtered
# by series, edits marked; screenshots are saved under the build dir.
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
# probe PAGE SCRIPT [#FRAGMENT]: the page's DOM in a 1280x900 window after SCRIPT ran
# (appended after the page's own script); SCRIPT leaves its verdict in <pre id="verdict">
probe() {
    /usr/bin/python3 - "$1" "$2" "$1.probe.html" <<'PY' || fail "probe: cannot write $1.probe.html"
import sys
page, js = open(sys.argv[1]).read(), open(sys.argv[2]).read()
i = page.rindex("</body>")
open(sys.argv[3], "w").write(page[:i] + "<script>" + js + "</script>" + page[i:])
PY
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 --window-size=1280,900 \
        --user-data-dir="$T/profile" --dump-dom "file://$1.probe.html${3:-}" 2>/dev/null
}
verdict() { sed -n 's/.*<pre id="verdict">\([^<]*\).*/\1/p' "$1"; }

"$N" overlap tests/data/seeds --format html -o "$T/seeds.html" -q || fail "overlap --format html"
dom "$T/seeds.html" > "$T/seeds.dom" || fail "chromium --dump-dom"
STATEMENT='ready to meet again with Russia and are committed to pursuing continued diplomacy'
grep -q "<mark id=\"pa1\" class=\"passage\"><a href=\"#pb1\"[^>]*>and NATO are ready to meet again" "$T/seeds.dom" ||
    fail "A side: the statement is not highlighted"
grep -q "<mark id=\"pb1\" class=\"passage\"><a href=\"#pa1\"[^>]*>and NATO are \"ready to meet again" "$T/seeds.dom" ||
    grep -q "<mark id=\"pb1\" class=\"passage\"><a href=\"#pa1\"[^>]*>and NATO are &quot;ready to meet again" "$T/seeds.dom" ||
    fail "B side: the statement is not highlighted"
[ "$(grep -o "$STATEMENT" "$T/seeds.dom" | wc -l)" -ge 2 ] || fail "the statement should appear in both panes"
grep -q '1 pair sharing passages among 2 documents' "$T/seeds.dom" || fail "the header should say 1 pair"
grep -q '<span>1 pair </span>' "$T/seeds.dom" || fail "the pager should say 1 pair"
grep -q '<title>47 words: 1 pair</title>' "$T/seeds.dom" || fail "the histogram bar should say 1 pair"
! grep -Eq '(^|[^0-9,.])1 (pairs|words|documents|clusters)' "$T/seeds.dom" || fail "a count of 1 in the plural: $(grep -Eo '.{20}[^0-9,.]1 (pairs|words|documents|clusters)' "$T/seeds.dom" | head -1)"
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

# 10,000 pairs: one page of 100 rows is rendered; document i ends with the first 22 + i % 20
# words of one quote (pairs share 22-41 words), and one more pair shares 3,000 words
/usr/bin/python3 - "$T/many.jsonl" <<'PY'
import json, sys, random
rnd = random.Random(1)
quote = ["q%d" % i for i in range(45)]
with open(sys.argv[1], "w") as f:
    for i in range(142):  # 142 documents sharing one passage: 10,011 pairs
        f.write(json.dumps({"id": "d%d" % i, "text": " ".join("w%d" % rnd.randrange(10**6) for _ in range(40)) + " " + " ".join(quote[:22 + i % 20])}) + "\n")
    long = " ".join("z%d" % rnd.randrange(10**6) for _ in range(3000))
    f.write(json.dumps({"id": "long-a", "text": long}) + "\n")
    f.write(json.dumps({"id": "long-b", "text": "A preface. " + long}) + "\n")
PY
"$N" overlap "$T/many.jsonl" --max-df 1000 --format html -o "$T/many.html" -q || fail "overlap many"
dom "$T/many.html" > "$T/many.dom" || fail "dump-dom many"
grep -q "10,012 pairs, page 1 of 101" "$T/many.dom" || fail "pagination: $(grep -o '[0-9,]* pairs[^<]*' "$T/many.dom" | head -1)"
[ "$(grep -o '<tr data-i=' "$T/many.dom" | wc -l)" -eq 100 ] || fail "one page of 100 rows expected"
# the histogram: the 3,000-word pair in a last bar of its own, the others spread over several bars
bars=$(grep -o '<rect x="[0-9.]*" y="[0-9.]*" width="[0-9.]*" height="[0-9.]*"' "$T/many.dom" | grep -vc 'height="0.0"')
[ "$bars" -ge 3 ] || fail "histogram: $bars non-empty bars besides the outliers' (one bar hides the spread)"
grep -q '<rect class="out" [^>]*><title>outliers: 3000 words: 1 pair</title>' "$T/many.dom" ||
    fail "histogram: no outlier bar for the 3,000-word pair"
# a click on the 61st row: the side-by-side view comes into the window, showing that pair; j: the next
cat > "$T/click.js" <<'JS'
(function(){const o=[],v=document.getElementById('view'),rows=document.querySelectorAll('#pairs tbody tr');
o.push('before='+Math.round(v.getBoundingClientRect().top));
const tr=rows[60];tr.click();const t=v.getBoundingClientRect().top,p=D.pairs[+tr.dataset.i];
const bt=v.getBoundingClientRect().bottom;
o.push('after='+Math.round(t),'window='+innerHeight,t>=0&&(t<=innerHeight*0.35+1||bt<=innerHeight+1)?'view-in':'view-out');
o.push(document.querySelector('#paneA h2').textContent===D.docs[p[0]][0]&&document.querySelector('#paneB h2').textContent===D.docs[p[1]][0]?'pair-shown':'pair-not-shown');
document.body.dispatchEvent(new KeyboardEvent('keydown',{key:'j',bubbles:true}));
const s=document.querySelector('#pairs tr.sel');o.push(s&&s.dataset.i===rows[61].dataset.i?'j-next':'j-broken');
const h=document.getElementById('hist').getBoundingClientRect();
o.push([...document.querySelectorAll('#hist text')].every(x=>{const b=x.getBoundingClientRect();
 return b.left>=h.left-0.5&&b.right<=h.right+0.5&&b.top>=h.top-0.5&&b.bottom<=h.bottom+0.5;})?'labels-inside':'labels-clipped');
document.body.appendChild(Object.assign(document.createElement('pre'),{id:'verdict',textContent:o.join(' ')}));})();
JS
probe "$T/many.html" "$T/click.js" > "$T/click.dom" || fail "probe many"
V=$(verdict "$T/click.dom")
case "$V" in *before=*) ;; *) fail "click probe gave no verdict" ;; esac
b=$(echo "$V" | sed 's/.*before=\([-0-9]*\).*/\1/')
[ "$b" -gt 450 ] || fail "the view should start in the lower half of the window before the click (the test proves nothing): $V"
for w in view-in pair-shown j-next labels-inside; do
    case " $V " in *" $w "*) ;; *) fail "pair view: expected $w: $V" ;; esac
done

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

# the cluster view, on test_report's hand-made clusters (32: one of 3 witnesses, 31 of 2)
[ -x "$B/tests/test_report" ] || fail "$B/tests/test_report is not built (make test builds it)"
ND_REPORT_CLUSTERS_HTML="$T/clusters.html" "$B/tests/test_report" > /dev/null 2>&1 || fail "test_report"
cat > "$T/clusters.js" <<'JS'
(function(){const o=[],q=s=>[...document.querySelectorAll(s)],txt=l=>[...l].map(m=>m.textContent).join('|');
o.push(document.getElementById('clustsec').hidden?'hidden-first':'shown-first');
document.getElementById('tab-clusters').click();
o.push(document.getElementById('clustsec').hidden||!document.getElementById('pairsec').hidden?'tab-broken':'tab-ok');
let cards=q('#clist .cluster');const sizes=cards.map(c=>+c.dataset.size);
o.push('cards='+cards.length,'order='+cards.slice(0,3).map(c=>c.dataset.c).join(','),
 sizes.every((s,i)=>!i||sizes[i-1]>=s)?'sorted':'unsorted','pager='+document.getElementById('cpager').firstChild.textContent.trim().replace(/ /g,'_'));
const c7=cards[0];o.push('dots='+q('#clist .cluster:first-child .dot').map(d=>d.style.left).join(','));
o.push('sub='+txt(c7.querySelectorAll('.var mark.sub')),'ins='+txt(c7.querySelectorAll('.var mark.ins')));
c7.querySelectorAll('tbody tr')[2].click();o.push('missing='+txt(c7.querySelectorAll('.ctext mark.del')));
o.push('undated='+q('#clist .cluster:nth-child(2) .dot').map(d=>d.style.left).join(','));
const sel=document.getElementById('cseries'),h=[...sel.options].find(x=>x.textContent.startsWith('herald'));
sel.value=h.value;sel.dispatchEvent(new Event('change'));cards=q('#clist .cluster');
o.push('herald='+cards.map(c=>c.dataset.c).join(','));
sel.value='-1';sel.dispatchEvent(new Event('change'));o.push('all='+q('#clist .cluster').length);
document.body.appendChild(Object.assign(document.createElement('pre'),{id:'verdict',textContent:o.join(' ')}));})();
JS
probe "$T/clusters.html" "$T/clusters.js" > "$T/clusters.dom" || fail "probe clusters"
V=$(verdict "$T/clusters.dom")
for w in hidden-first tab-ok cards=20 order=7,3,100 sorted pager=32_clusters,_page_1_of_2 dots=0%,30%,100% \
         sub=Tuesday ins=city missing=new\|long undated=0%,100% herald=7 all=20; do
    case " $V " in *" $w "*) ;; *) fail "cluster view: expected $w: $V" ;; esac
done
grep -q '<title>clusters</title>' "$T/clusters.dom" || fail "clusters: the hostile series ran as script"
grep -q 'gazette &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; (31 clusters)' "$T/clusters.dom" ||
    fail "clusters: the hostile series is not shown as text in the filter"
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 --user-data-dir="$T/profile" \
    --window-size=1280,1100 --screenshot="$B/report-clusters.png" "file://$T/clusters.html#clusters" > /dev/null 2>&1
[ -s "$B/report-clusters.png" ] || fail "no screenshot at $B/report-clusters.png"
exit 0
