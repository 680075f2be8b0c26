#!/bin/sh
# overlap_memory.sh - `overlap --memory SIZE` (issue 23, part 3): documents
# and anchors spilled to --tmp and read back in batches give pairs, clusters
# and summary byte-identical to the in-memory run (JSONL and text, --edited,
# --against, series, HTML inputs, a .zst input, standard input, any thread
# count), with the bound small enough that everything spills (sorted runs,
# many batches), with dates and series, --within-series, --against, the
# clusters' passages spilled to sorted runs; on news-40k (when present) the
# peak RSS stays under the bound while the in-memory run needs more than it,
# and so it does for a 30,000-document reprint corpus with --clusters; errors (a bad record, a
# missing --tmp, two documents that alone exceed the bound, --format html)
# are clear, leave no output and no temporary file.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_overlap_memory_sh.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "overlap_memory.sh: FAIL: $*" >&2; exit 1; }
mkdir "$T/tmp"
empty_tmp() { [ -z "$(ls -A "$T/tmp")" ] || fail "$1: left in --tmp: $(ls -A "$T/tmp")"; }

# 900 records: 30 edited copies of each sample record (anchors in up to 30
# documents, under --max-df), 1.1 MB
/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 30 --seed 3 > "$T/c.jsonl" || fail "generator"
head -200 "$T/c.jsonl" > "$T/refs.jsonl"
tail -n +201 "$T/c.jsonl" > "$T/ins.jsonl"

# same NAME MEM ARGS...: pairs, clusters and summary as without --memory
same() {
    name=$1; mem=$2; shift 2
    "$N" overlap "$@" -o "$T/$name.p0" --clusters "$T/$name.c0" 2> "$T/$name.e0" ||
        fail "$name: in memory: $(head -2 "$T/$name.e0")"
    "$N" overlap "$@" -o "$T/$name.p1" --clusters "$T/$name.c1" --memory "$mem" --tmp "$T/tmp" --timings \
        2> "$T/$name.e1" || fail "$name: --memory $mem: $(head -2 "$T/$name.e1")"
    cmp -s "$T/$name.p0" "$T/$name.p1" || fail "$name: pairs differ with --memory $mem"
    cmp -s "$T/$name.c0" "$T/$name.c1" || fail "$name: clusters differ with --memory $mem"
    [ -s "$T/$name.p0" ] && [ -s "$T/$name.c0" ] || fail "$name: no pairs or no clusters: the comparison proves nothing"
    sed "s/ in [0-9.]* s$//; s/$name\.c0/$name.c1/" "$T/$name.e0" > "$T/s0"
    grep -v '^timings' "$T/$name.e1" | sed 's/ in [0-9.]* s$//' > "$T/s1"
    cmp -s "$T/s0" "$T/s1" || fail "$name: summary differs: $(diff "$T/s0" "$T/s1" | head -4)"
    empty_tmp "$name"
}
same jsonl 1M "$T/c.jsonl" --format jsonl
batches=$(sed -n 's/.*, \([0-9]*\) batches aligned.*/\1/p' "$T/jsonl.e1")
[ "${batches:-0}" -ge 10 ] || fail "--memory 1M: expected many batches, got '${batches:-}'"
same text 1M "$T/c.jsonl" --format text -j 1
same edited 4M "$T/c.jsonl" --format jsonl --edited -j 2
runs=$(sed -n 's/.*, \([0-9]*\) + \([0-9]*\) sorted runs.*/\1 \2/p' "$T/edited.e1")
set -- $runs
[ "${1:-0}" -ge 2 ] && [ "${2:-0}" -ge 2 ] || fail "--edited --memory 4M: expected spilled runs, got '$runs'"
same against 1M "$T/ins.jsonl" --against "$T/refs.jsonl" --format jsonl
same html 1M tests/data/html --format jsonl
zstd -q -c "$T/c.jsonl" > "$T/c.jsonl.zst" || fail "zstd"
same zst 2M "$T/c.jsonl.zst" --format jsonl
# dates and series (the clusters' witness order, source and series filter),
# a statement carried across series: the clusters' passages spill to sorted
# runs and the clusters are built from them
/usr/bin/python3 - "$T/c.jsonl" "$T/ds.jsonl" <<'PY' || fail "dated corpus"
import json, random, sys
rnd = random.Random(5)
statement = " ".join("s%d" % rnd.randrange(50000) for _ in range(60))
with open(sys.argv[2], "w") as f:
    for i, line in enumerate(open(sys.argv[1])):
        r = json.loads(line)
        r["date"] = "2024-%02d-%02dT%02d:00:00Z" % (1 + i % 12, 1 + (i * 7) % 28, (i * 5) % 24)
        r["series"] = "outlet-%d" % (i % 100)
        if i % 3 == 0: r["text"] += " " + statement
        f.write(json.dumps(r) + "\n")
PY
same series 1M "$T/ds.jsonl" --format jsonl --date-field date --series-field series
cruns=$(sed -n 's/^timings: --memory clusters: \([0-9]*\) passages.*, \([0-9]*\) sorted runs.*/\1 \2/p' "$T/series.e1")
set -- $cruns
[ "${1:-0}" -ge 20000 ] && [ "${2:-0}" -ge 8 ] || fail "--memory 1M clusters: expected spilled runs, got '$cruns'"
grep -q '"size": [0-9][0-9][0-9]' "$T/series.c0" || fail "series: no cluster of 100 or more documents"
same within 1M "$T/ds.jsonl" --format jsonl --date-field date --series-field series --within-series -j 1
head -200 "$T/ds.jsonl" > "$T/dsrefs.jsonl"
tail -n +201 "$T/ds.jsonl" > "$T/dsins.jsonl"
same dsagainst 1M "$T/dsins.jsonl" --against "$T/dsrefs.jsonl" --format jsonl --date-field date --series-field series
same dsedited 4M "$T/ds.jsonl" --format jsonl --edited --date-field date
"$N" overlap - --format jsonl -o "$T/stdin.p" --memory 1M --tmp "$T/tmp" -q < "$T/c.jsonl" || fail "stdin --memory"
cmp -s "$T/jsonl.p0" "$T/stdin.p" || fail "standard input with --memory differs"
empty_tmp "stdin"

# the bound holds where the corpus needs more (news-40k: ~140 MB in memory)
CORPUS=../shared/corpora/news-40k.jsonl.zst
if [ -f "$CORPUS" ] && [ -x /usr/bin/time ]; then
    zstd -dc "$CORPUS" > "$T/news.jsonl"
    /usr/bin/time -f %M -o "$T/rss0" "$N" overlap "$T/news.jsonl" --format jsonl -o "$T/n0" --clusters "$T/nc0" -q ||
        fail "news-40k in memory"
    /usr/bin/time -f %M -o "$T/rss1" "$N" overlap "$T/news.jsonl" --format jsonl -o "$T/n1" --clusters "$T/nc1" -q \
        --memory 64M --tmp "$T/tmp" || fail "news-40k --memory 64M"
    cmp -s "$T/n0" "$T/n1" && cmp -s "$T/nc0" "$T/nc1" || fail "news-40k: output differs with --memory 64M"
    r0=$(tail -1 "$T/rss0"); r1=$(tail -1 "$T/rss1")
    case "${BUILD:-build}" in
    *asan*) echo "overlap_memory.sh: ASan build (shadow memory): the RSS check is skipped" >&2 ;;
    *)
        [ "$r0" -gt 65536 ] || fail "news-40k needs only $r0 KB in memory: --memory 64M proves nothing"
        [ "$r1" -lt 65536 ] || fail "news-40k --memory 64M: peak RSS $r1 KB over the bound" ;;
    esac
    rm -f "$T/news.jsonl"
    empty_tmp "news-40k"
else
    echo "overlap_memory.sh: news-40k or /usr/bin/time missing: the RSS check is skipped" >&2
fi

# the clusters' passages within the bound too (a generated reprint corpus of
# 30,000 documents with dates and series: ~170 MB in memory, ~100 MB at
# --memory 48M when the clusters' passages were held in memory)
if [ -f "$CORPUS" ] && [ -x /usr/bin/time ] && [ "${ND_QUICK:-0}" != 1 ]; then
    /usr/bin/python3 bench/gen_reprints_big.py --docs 30000 --out "$T/rep.jsonl" > /dev/null || fail "gen_reprints_big"
    set -- --format jsonl --date-field date --series-field series -q
    "$N" overlap "$T/rep.jsonl" "$@" -o "$T/r0" --clusters "$T/rc0" || fail "reprints in memory"
    /usr/bin/time -f %M -o "$T/rss2" "$N" overlap "$T/rep.jsonl" "$@" -o "$T/r1" --clusters "$T/rc1" \
        --memory 48M --tmp "$T/tmp" || fail "reprints --memory 48M"
    cmp -s "$T/r0" "$T/r1" && cmp -s "$T/rc0" "$T/rc1" || fail "reprints: output differs with --memory 48M"
    [ "$(wc -l < "$T/rc0")" -gt 100 ] || fail "reprints: too few clusters to prove anything"
    r2=$(tail -1 "$T/rss2")
    case "${BUILD:-build}" in
    *asan*) ;; # shadow memory: no RSS bound (said above)
    *) [ "$r2" -lt 49152 ] || fail "reprints --memory 48M --clusters: peak RSS $r2 KB over the bound" ;;
    esac
    rm -f "$T/rep.jsonl"
    empty_tmp "reprints"
fi

# errors: nothing left behind
cp "$T/c.jsonl" "$T/bad.jsonl"
echo '{"id": "broken", "text": ' >> "$T/bad.jsonl"
"$N" overlap "$T/bad.jsonl" -o "$T/bad.out" --memory 1M --tmp "$T/tmp" -q 2> "$T/bad.err"
[ $? -eq 2 ] || fail "bad record: want exit 2"
grep -q "bad.jsonl:901" "$T/bad.err" || fail "bad record not located: $(cat "$T/bad.err")"
[ ! -e "$T/bad.out" ] || fail "partial output after a bad record"
empty_tmp "after a bad record"
"$N" overlap "$T/c.jsonl" -o "$T/x.out" --memory 1M --tmp "$T/nonexistent" 2> "$T/u.err"
[ $? -eq 1 ] || fail "--tmp to a missing directory: want exit 1"
grep -q "nonexistent" "$T/u.err" || fail "--tmp error does not name the directory: $(cat "$T/u.err")"
[ ! -e "$T/x.out" ] || fail "output left after a missing --tmp"
"$N" overlap "$T/c.jsonl" -o "$T/x.html" --format html --memory 64M 2> "$T/u.err"
[ $? -eq 2 ] || fail "--memory with --format html: want a usage error"
grep -q "format html" "$T/u.err" || fail "--format html refusal unclear: $(cat "$T/u.err")"
"$N" overlap "$T/c.jsonl" -o "$T/x.out" --tmp "$T/tmp" 2> /dev/null
[ $? -eq 2 ] || fail "--tmp without --memory: want a usage error"
for s in 0 12Q 100 ""; do
    "$N" overlap "$T/c.jsonl" -o "$T/x.out" --memory "$s" 2> /dev/null
    [ $? -eq 2 ] || fail "--memory '$s' should be a usage error"
done
# two documents sharing a passage that alone need more than the bound
/usr/bin/python3 -c "
import random
random.seed(1)
w = ' '.join('w%d' % random.randrange(99999) for i in range(300000))
print('{\"id\": \"huge-a\", \"text\": \"' + w + '\"}')
print('{\"id\": \"huge-b\", \"text\": \"x y z ' + w + '\"}')" > "$T/huge.jsonl"
"$N" overlap "$T/huge.jsonl" -o "$T/h.out" --memory 2M --tmp "$T/tmp" -q 2> "$T/h.err"
[ $? -ne 0 ] || fail "two documents past --memory 2M: accepted"
grep -Eq 'memory 2 MiB is too small to align "huge-[ab]" with a document .* give at least [0-9]+ MiB' "$T/h.err" ||
    fail "two documents past the bound: unclear: $(cat "$T/h.err")"
[ ! -e "$T/h.out" ] || fail "output left when the bound is too small"
empty_tmp "after a bound too small"
"$N" overlap "$T/huge.jsonl" -o "$T/h.out" --memory 64M --tmp "$T/tmp" -q || fail "two large documents within 64M"
[ -s "$T/h.out" ] || fail "two large documents: no pair"
exit 0
