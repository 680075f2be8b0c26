#!/bin/sh
# dedup_pass2.sh - dedup gives the same bytes on one thread and on several,
# with the signature arrays growing past their first 4,096 rows while threads
# sketch, and in the second pass (the kept records copied from the input, or
# from the decoded copy of a compressed input, by a reading and a writing
# thread).  A corpus of many 1 MiB batches, with exact
# and near duplicates, blank lines and CRLF lines (records that are not
# followed by exactly "\n" break a run of kept records), bad records skipped,
# plain, .zst and .gz, and a directory of plain files; and batches of
# thousands of tiny records whose clusters are known.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
S=tests/data/sample.jsonl
T=$(mktemp -d /tmp/nd_pass2_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "dedup_pass2.sh: FAIL: $*" >&2; exit 1; }

# 300 rounds of the 30 sample records (9,000 records, ~12 MB): even rounds copy the texts
# (duplicates of round 0), odd rounds prefix a word unique to the round
# (near-duplicates at most thresholds, distinct at -t 1).
awk -v R=300 '
{ line[NR] = $0 }
END {
    for (r = 0; r < R; r++)
        for (i = 1; i <= NR; i++) {
            s = line[i]
            sub(/"id": "/, "\"id\": \"r" r "-", s)
            if (r % 2) sub(/"text": "/, "\"text\": \"round" r " ", s)
            if ((r * NR + i) % 7 == 0) s = s "\r"
            print s
            if ((r * NR + i) % 50 == 0) print ""
        }
}' "$S" > "$T/c.jsonl"
[ "$(wc -c < "$T/c.jsonl")" -gt 3000000 ] || fail "the corpus is too small to span several batches"
zstd -q -c "$T/c.jsonl" > "$T/c.jsonl.zst"
gzip -c "$T/c.jsonl" > "$T/c.jsonl.gz"

for t in 0.8 1; do
    "$N" dedup "$T/c.jsonl" -t $t -j 1 -q -o "$T/k1" --clusters "$T/cl1" || fail "dedup -j 1 -t $t"
    total=$(grep -c . "$T/c.jsonl")
    kept=$(wc -l < "$T/k1")
    [ "$kept" -gt 0 ] && [ "$kept" -lt "$total" ] || fail "-t $t kept $kept of $total"
    for in in c.jsonl c.jsonl.zst c.jsonl.gz; do
        for j in 2 3; do
            "$N" dedup "$T/$in" -t $t -j $j -q -o "$T/k" --clusters "$T/cl" || fail "dedup $in -j $j -t $t"
            cmp -s "$T/k" "$T/k1" || fail "$in -j $j -t $t: kept records differ from -j 1"
            cmp -s "$T/cl" "$T/cl1" || fail "$in -j $j -t $t: clusters differ from -j 1"
        done
    done
done

# bad records (not JSON, no text) skipped: the same rows left empty on any thread count
awk '{ print } NR % 997 == 0 { print "{not json" } NR % 1999 == 0 { print "{\"id\": \"x" NR "\"}" }' \
    "$T/c.jsonl" > "$T/bad.jsonl"
"$N" dedup "$T/bad.jsonl" --skip-bad -t 1 -j 1 -q -o "$T/b1" --clusters "$T/bc1" 2> "$T/e1" || fail "dedup --skip-bad -j 1"
grep -q "skipped 13 bad records" "$T/e1" || fail "the bad records were not reported: $(head -2 "$T/e1")"
for j in 2 3; do
    "$N" dedup "$T/bad.jsonl" --skip-bad -t 1 -j $j -q -o "$T/b" --clusters "$T/bc" 2> "$T/e" || fail "dedup --skip-bad -j $j"
    cmp -s "$T/b" "$T/b1" && cmp -s "$T/bc" "$T/bc1" && cmp -s "$T/e" "$T/e1" || fail "--skip-bad -j $j differs from -j 1"
done
cmp -s "$T/b1" "$T/k1" || fail "skipping the bad records changed what is kept"

# kept records are the input lines themselves (a CRLF line loses its "\r")
tr -d '\r' < "$T/c.jsonl" | grep -v '^$' > "$T/lines"
awk 'NR == FNR { have[$0] = 1; next } !($0 in have) { bad++ } END { exit bad > 0 }' "$T/lines" "$T/k1" ||
    fail "a kept record is not an input line"

# thousands of tiny records a batch (each slot's per-record sketch arrays grow
# past their first 1,024 rows, copying what they hold): 4,000 documents of 30
# words of their own, then a copy of each with its last word changed
# (Jaccard 25/27) or, every tenth, unchanged; every pair must be one cluster
awk 'BEGIN {
    for (c = 0; c < 2; c++)
        for (i = 0; i < 4000; i++) {
            s = ""
            for (k = 0; k < 30; k++) s = s (k ? " " : "") "d" i "w" k
            if (c && i % 10) s = s "x"
            printf "{\"id\": \"%s%d\", \"text\": \"%s\"}\n", c ? "b" : "a", i, s
        }
}' > "$T/tiny.jsonl"
for j in 1 2 3; do
    "$N" dedup "$T/tiny.jsonl" -t 0.8 -j $j -q -o "$T/tk$j" --clusters "$T/tc$j" || fail "dedup tiny -j $j"
done
[ "$(wc -l < "$T/tk1")" -eq 4000 ] || fail "tiny records: $(wc -l < "$T/tk1") kept, expected 4000"
[ "$(grep -c '"members": \["a[0-9]*", "b[0-9]*"\]' "$T/tc1")" -eq 4000 ] || fail "tiny records: not 4000 pairs"
awk -F'"' '$4 != substr($8, 1) || $8 != "a" substr($10, 2) { bad++ } END { exit bad > 0 }' "$T/tc1" ||
    fail "tiny records: a cluster joins documents that are not copies"
for j in 2 3; do
    cmp -s "$T/tk$j" "$T/tk1" && cmp -s "$T/tc$j" "$T/tc1" || fail "tiny records: -j $j differs from -j 1"
done

# plain files: records are whole files, written as JSONL objects
mkdir "$T/d"
i=0
while [ $i -lt 40 ]; do
    printf 'file number %d shares this sentence with its twin, word for word, %d\n' $((i / 2)) $((i / 2)) > "$T/d/f$i.txt"
    i=$((i + 1))
done
"$N" dedup "$T/d" -j 1 -q -o "$T/p1" || fail "dedup dir -j 1"
"$N" dedup "$T/d" -j 2 -q -o "$T/p2" || fail "dedup dir -j 2"
cmp -s "$T/p1" "$T/p2" || fail "directory: -j 2 differs from -j 1"
[ "$(wc -l < "$T/p1")" -eq 20 ] || fail "directory: $(wc -l < "$T/p1") kept, expected 20"
echo "dedup_pass2.sh: ok"
