#!/bin/sh
# query_overlap.sh - `neardup query --mode overlap`: the index stores winnowed
# anchors, and a query gives exactly the records of `neardup overlap QUERY
# --against REFS` (seed articles, a corpus with a quote and a signature, at
# two --max-df), also after `index add`; thread invariance; bad parameters.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_query_overlap_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "query_overlap.sh: FAIL: $*" >&2; exit 1; }
A=tests/data/seeds/000_e994c8c5101e7cdf.txt
B=tests/data/seeds/003_9a10c820da11214b.txt

# ---- the seed articles: the 47-word statement ----
"$N" index build "$B" -o "$T/b.ndx" -q || fail "index build"
"$N" index info "$T/b.ndx" | grep -q "^anchors:    [1-9][0-9]* postings (5-word anchors, window 16" ||
    fail "index info shows no anchors: $("$N" index info "$T/b.ndx")"
"$N" query "$T/b.ndx" "$A" --mode overlap --format jsonl -q > "$T/q.jsonl" || fail "query exit $?"
"$N" overlap "$A" --against "$B" --format jsonl -q > "$T/o.jsonl" || fail "overlap exit $?"
[ -s "$T/o.jsonl" ] || fail "overlap found nothing"
cmp -s "$T/q.jsonl" "$T/o.jsonl" || { diff "$T/o.jsonl" "$T/q.jsonl" >&2; fail "query differs from overlap --against"; }
grep -q '"a_start": 1250, "a_end": 1543, "b_start": 245, "b_end": 539, "words": 47, "identity": 1' "$T/q.jsonl" ||
    fail "query JSONL: $(cat "$T/q.jsonl")"
"$N" query "$T/b.ndx" "$A" --mode overlap > "$T/q.txt" 2> "$T/err" || fail "query text"
grep -q "passage 1: 47 words, 47 matching, identity 1.000" "$T/q.txt" || fail "query text: $(cat "$T/q.txt")"
grep -q "$B:245-539" "$T/q.txt" || fail "query text lacks the reference offsets"
grep -q "ongoing aggression against Ukraine" "$T/q.txt" || fail "query text lacks the reference passage"
grep -q "1 overlapping pairs" "$T/err" || fail "query summary: $(cat "$T/err")"
# the index guarantees passages of >= 20 words: a lower --min-words is refused
"$N" query "$T/b.ndx" "$A" --mode overlap --min-words 10 2> "$T/err"; [ $? -eq 2 ] || fail "--min-words 10 should exit 2"
grep -q "index build --min-words 10" "$T/err" || fail "--min-words message: $(cat "$T/err")"
[ -z "$("$N" query "$T/b.ndx" "$A" --mode overlap --min-words 48 -q)" ] || fail "--min-words 48 should hide the passage"
"$N" index build "$B" -o "$T/b10.ndx" --min-words 10 -q || fail "index build --min-words 10"
"$N" query "$T/b10.ndx" "$A" --mode overlap --min-words 10 --format jsonl -q | grep -q '"words": 47' ||
    fail "an index built for 10 words answers --min-words 10"

# ---- a corpus: a quote in two references, a signature in 12 ----
/usr/bin/python3 - "$T/ref.jsonl" "$T/ref1.jsonl" "$T/ref2.jsonl" "$T/qs.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(7)
vocab = ["w%d" % i for i in range(20000)]
words = lambda n: " ".join(rnd.choice(vocab) for _ in range(n))
sig = "-- " + words(30)
quote = words(40)
refs = []
for i in range(60):
    t = words(rnd.randint(50, 150))
    if i in (3, 9): t += " " + quote + " " + words(20)
    if i % 5 == 0: t += " " + sig
    refs.append(json.dumps({"id": "r%d" % i, "text": t}))
with open(sys.argv[1], "w") as f: f.write("\n".join(refs) + "\n")
with open(sys.argv[2], "w") as f: f.write("\n".join(refs[:25]) + "\n")
with open(sys.argv[3], "w") as f: f.write("\n".join(refs[25:]) + "\n")
qs = [words(30) + " " + quote + " " + words(10),            # the quote: r3, r9
      words(60) + " " + sig,                                   # the signature only
      words(80),                                               # nothing
      " ".join(quote.split()[:5]) + " " + words(40), "", "x"]  # shorter than W, empty, one word
with open(sys.argv[4], "w") as f:
    for i, t in enumerate(qs): f.write(json.dumps({"id": "q%d" % i, "text": t}) + "\n")
PY
"$N" index build "$T/ref.jsonl" -o "$T/ref.ndx" -q || fail "index build (corpus)"
"$N" index build "$T/ref1.jsonl" -o "$T/add.ndx" -q && "$N" index add "$T/add.ndx" "$T/ref2.jsonl" -q ||
    fail "index build + add"
for df in 50 10; do
    "$N" overlap "$T/qs.jsonl" --against "$T/ref.jsonl" --max-df $df --format jsonl -q > "$T/o$df" || fail "overlap --max-df $df"
    "$N" query "$T/ref.ndx" "$T/qs.jsonl" --mode overlap --max-df $df --format jsonl -q -j 1 > "$T/q$df" ||
        fail "query --max-df $df"
    cmp -s "$T/q$df" "$T/o$df" || { diff "$T/o$df" "$T/q$df" >&2; fail "--max-df $df: query differs from overlap"; }
    "$N" query "$T/ref.ndx" "$T/qs.jsonl" --mode overlap --max-df $df --format jsonl -q -j 3 | cmp -s - "$T/q$df" ||
        fail "--max-df $df: query output depends on the thread count"
    "$N" query "$T/add.ndx" "$T/qs.jsonl" --mode overlap --max-df $df --format jsonl -q | cmp -s - "$T/q$df" ||
        fail "--max-df $df: build + add answers differently from one build"
done
# max-df 50: the quote (2 pairs) and the signature (12 pairs); max-df 10: the quote only
[ "$(wc -l < "$T/q50")" -eq 14 ] || fail "--max-df 50: expected 2 + 12 pairs: $(cut -c1-30 "$T/q50")"
[ "$(wc -l < "$T/q10")" -eq 2 ] || fail "--max-df 10: expected the 2 quote pairs: $(cut -c1-30 "$T/q10")"
grep -q '^{"a": "q0", "b": "r3", "shared_words": 40,' "$T/q10" || fail "the quote pair q0 r3"
"$N" query "$T/ref.ndx" "$T/qs.jsonl" --mode overlap --max-df 10 2>&1 >/dev/null |
    grep -q "; [1-9][0-9]* query anchors dropped as boilerplate (in more than 10 references)" || fail "boilerplate summary"
exit 0
