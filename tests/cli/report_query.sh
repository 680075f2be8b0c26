#!/bin/sh
# report_query.sh - `neardup query --mode overlap --format html`: the report's
# data block (documents, pairs, passages) equals that of `neardup overlap
# QUERY --against REFS --format html`, for any thread count; --mode dup
# refuses html; a failed run leaves no file.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_report_query_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "report_query.sh: FAIL: $*" >&2; exit 1; }
data() { sed -n '/<script type="application\/json"/,/<\/script>/p' "$1"; }
A=tests/data/seeds/000_e994c8c5101e7cdf.txt
B=tests/data/seeds/003_9a10c820da11214b.txt

"$N" index build "$B" -o "$T/b.ndx" -q || fail "index build"
"$N" query "$T/b.ndx" "$A" --mode overlap --format html -o "$T/q.html" -q || fail "query --format html exit $?"
"$N" overlap "$A" --against "$B" --format html -o "$T/o.html" -q || fail "overlap --format html"
[ -n "$(data "$T/q.html")" ] || fail "no data block in the query report"
data "$T/o.html" > "$T/o.data"
data "$T/q.html" | cmp -s - "$T/o.data" || fail "query report data differs from overlap --against"
# passage: offsets, words, identity, substituted, inserted, deleted, edited words of A and of B
grep -q '\[\[[0-9]*,[0-9]*,[0-9]*,[0-9]*,47,1.0000,0,0,0,\[\],\[\]\]\]' "$T/q.html" || fail "the 47-word passage is not in the query report"
grep -q "<title>neardup query</title>" "$T/q.html" || fail "title"
grep -q "neardup query .*--mode overlap --format html" "$T/q.html" || fail "the command line is not shown"

# many queries against many references, threads 1 and 3
"$N" index build tests/data/sample.jsonl -o "$T/s.ndx" -q || fail "index build sample"
"$N" query "$T/s.ndx" tests/data/sample.jsonl --mode overlap --format html -o "$T/q1.html" -q -j 1 || fail "query -j 1"
"$N" query "$T/s.ndx" tests/data/sample.jsonl --mode overlap --format html -o "$T/q3.html" -q -j 3 || fail "query -j 3"
"$N" overlap tests/data/sample.jsonl --against tests/data/sample.jsonl --format html -o "$T/os.html" -q || fail "overlap sample"
data "$T/q1.html" > "$T/q1.data"
data "$T/q3.html" | cmp -s - "$T/q1.data" || fail "the query report depends on the thread count"
data "$T/os.html" | cmp -s - "$T/q1.data" || fail "the query report differs from overlap --against on the sample"
n=$("$N" query "$T/s.ndx" tests/data/sample.jsonl --mode overlap --format jsonl -q | wc -l)
grep -q "$n pairs sharing passages" "$T/q1.html" || fail "expected $n pairs in the report header"

# html needs passages: --mode dup refuses it, and leaves no file
"$N" query "$T/s.ndx" tests/data/sample.jsonl --format html -o "$T/dup.html" 2> "$T/err"; [ $? -eq 2 ] ||
    fail "--mode dup --format html should exit 2"
grep -q "use it with --mode overlap" "$T/err" || fail "dup html message: $(cat "$T/err")"
[ ! -e "$T/dup.html" ] || fail "a refused run left a file"
exit 0
