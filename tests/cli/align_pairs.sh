#!/bin/sh
# align_pairs.sh - `neardup align --pairs FILE [INPUT...]`: TSV with a header,
# the JSONL of `pairs` and of `overlap` (whose records it reproduces), file
# paths when no input is given, one record per pair in the file's order, the
# same bytes for -j 1, 2 and 3, and bad lines, unknown ids and missing files
# refused with file:line (exit 2); edited words counted and marked.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_align_pairs_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "align_pairs.sh: FAIL: $*" >&2; exit 1; }
A=tests/data/seeds/000_e994c8c5101e7cdf.txt
B=tests/data/seeds/003_9a10c820da11214b.txt
S=tests/data/sample.jsonl
TAB=$(printf '\t')

# ---- file paths, TSV with a header: the pair's record is overlap's, a pair sharing nothing is listed ----
printf 'a\tb\n%s\t%s\n%s\t%s\n' "$A" "$B" "$B" "$A" > "$T/p.tsv"
"$N" align --pairs "$T/p.tsv" --format jsonl -q > "$T/o1" || fail "align --pairs exit $?"
[ "$(wc -l < "$T/o1")" -eq 2 ] || fail "expected one record per pair: $(cat "$T/o1")"
"$N" overlap "$A" --against "$B" --format jsonl -q > "$T/ov" || fail "overlap"
head -1 "$T/o1" | cmp -s - "$T/ov" || { diff "$T/ov" "$T/o1" >&2; fail "the A B record differs from overlap's"; }
sed -n 2p "$T/o1" | grep -q "^{\"a\": \"$B\", \"b\": \"$A\", \"shared_words\": 47," || fail "B A: a and b as written: $(sed -n 2p "$T/o1")"
printf '%s\t%s\n' "$A" "$T/unrelated.txt" > "$T/q.tsv"
echo "nothing in common with anything at all here" > "$T/unrelated.txt"
"$N" align --pairs "$T/q.tsv" --format jsonl -q > "$T/o2" || fail "a pair sharing nothing"
grep -q "^{\"a\": \"$A\", \"b\": \"$T/unrelated.txt\", \"shared_words\": 0, \"containment_a\": 0, \"containment_b\": 0, \"passages\": \[\]}$" "$T/o2" ||
    fail "a pair sharing nothing should be listed with no passages: $(cat "$T/o2")"
"$N" align --pairs "$T/p.tsv" -q > "$T/t1" || fail "text"
grep -q "^$A  $B  47 shared words in 1 passage" "$T/t1" || fail "text: $(head -2 "$T/t1")"
grep -q "passage 1: 47 words, 47 matching, identity 1.000 (0 substituted, 0 inserted, 0 deleted)" "$T/t1" || fail "text passage line"
"$N" align --pairs "$T/p.tsv" 2> "$T/err" > /dev/null || fail "summary run"
grep -q "2 pairs of $T/p.tsv aligned (2 documents" "$T/err" || fail "summary: $(cat "$T/err")"

# ---- records of inputs: the JSONL of neardup pairs; of overlap (reproduced byte for byte) ----
"$N" pairs "$S" -t 0.3 --format jsonl -q > "$T/pj.jsonl" || fail "pairs"
[ "$(wc -l < "$T/pj.jsonl")" -ge 5 ] || fail "pairs found too few: $(cat "$T/pj.jsonl")"
"$N" align --pairs "$T/pj.jsonl" "$S" --format jsonl -q > "$T/apj" || fail "align --pairs on pairs' JSONL"
[ "$(wc -l < "$T/apj")" -eq "$(wc -l < "$T/pj.jsonl")" ] || fail "one record per pair of pairs' JSONL"
cut -d, -f1,2 "$T/pj.jsonl" > "$T/ids1"; cut -d, -f1,2 "$T/apj" > "$T/ids2"
cmp -s "$T/ids1" "$T/ids2" || fail "records not in the pairs file's order"
"$N" pairs "$S" -t 0.3 --format tsv -q > "$T/pj.tsv" || fail "pairs tsv"
head -1 "$T/pj.tsv" | grep -q "^a${TAB}b" || fail "pairs' TSV header: $(head -1 "$T/pj.tsv")"
"$N" align --pairs "$T/pj.tsv" "$S" --format jsonl -q | cmp -s - "$T/apj" || fail "pairs' TSV (a b jaccard) and JSONL differ"
"$N" overlap "$S" --max-df 100000 --format jsonl -q > "$T/ovs" || fail "overlap of the sample"
[ -s "$T/ovs" ] || fail "overlap found no pair in the sample"
"$N" align --verbatim --pairs "$T/ovs" "$S" --format jsonl -q | cmp -s - "$T/ovs" || fail "align --verbatim --pairs of overlap's pairs differs from overlap"
"$N" align --verbatim --pairs - "$S" --format jsonl -q < "$T/ovs" | cmp -s - "$T/ovs" || fail "--pairs - (standard input)"
# rewritten passages too: align's default, overlap --edited
"$N" overlap "$S" --edited --max-df 100000 --format jsonl -q > "$T/ove" || fail "overlap --edited of the sample"
"$N" align --pairs "$T/ove" "$S" --format jsonl -q | cmp -s - "$T/ove" || fail "align --pairs of overlap --edited's pairs differs from it"

# ---- the CSV of pairs --format csv (quoted ids too), and compressed pairs files ----
"$N" pairs "$S" -t 0.3 --format csv -q > "$T/pj.csv" || fail "pairs csv"
"$N" align --pairs "$T/pj.csv" "$S" --format jsonl -q | cmp -s - "$T/apj" || fail "pairs' CSV and JSONL differ"
gzip -c "$T/pj.tsv" > "$T/pj.tsv.gz" && zstd -q -c "$T/pj.jsonl" > "$T/pj.jsonl.zst"
"$N" align --pairs "$T/pj.tsv.gz" "$S" --format jsonl -q | cmp -s - "$T/apj" || fail "a gzip'ed TSV pairs file"
"$N" align --pairs "$T/pj.jsonl.zst" "$S" --format jsonl -q | cmp -s - "$T/apj" || fail "a zstd'ed JSONL pairs file"

# ---- threads: -j 1 = -j 2 = -j 3, every format; many blocks of pairs ----
/usr/bin/python3 - "$T/many.jsonl" "$T/many.tsv" <<'PY'
import json, random, sys
rnd = random.Random(3)
vocab = ["v%d" % i for i in range(20000)]
words = lambda n: [rnd.choice(vocab) for _ in range(n)]
quotes = [words(rnd.randint(25, 80)) for _ in range(40)]
docs = []
with open(sys.argv[1], "w") as f:
    for i in range(150):
        t = words(rnd.randint(10, 40))
        for q in rnd.sample(quotes, 2):
            q = list(q)
            for _ in range(rnd.randint(0, 3)):  # a few edits: substituted, inserted, deleted words
                k, at = rnd.randrange(3), rnd.randrange(5, len(q) - 5)
                if k == 0: q[at] = "sub%d" % rnd.randrange(99)
                elif k == 1: q.insert(at, "ins%d" % rnd.randrange(99))
                else: del q[at]
            t += q + words(rnd.randint(3, 20))
        f.write(json.dumps({"id": "m%03d" % i, "text": " ".join(t)}) + "\n")
with open(sys.argv[2], "w") as f:
    f.write("a\tb\n")
    for _ in range(700):
        f.write("m%03d\tm%03d\n" % (rnd.randrange(150), rnd.randrange(150)))
PY
for fmt in jsonl text html; do
    for j in 1 2 3; do
        "$N" align --pairs "$T/many.tsv" "$T/many.jsonl" --format $fmt -j $j -o "$T/m.$fmt.$j" -q || fail "--format $fmt -j $j"
        [ $fmt = html ] && sed -i 's|<p class="cmd">[^<]*</p>||' "$T/m.$fmt.$j"
    done
    cmp -s "$T/m.$fmt.1" "$T/m.$fmt.2" && cmp -s "$T/m.$fmt.1" "$T/m.$fmt.3" || fail "--format $fmt depends on the thread count"
done
[ "$(wc -l < "$T/m.jsonl.1")" -eq 700 ] || fail "700 pairs, 700 records: $(wc -l < "$T/m.jsonl.1")"
# the edit counts add up, and some passages have each kind of edit
/usr/bin/python3 - "$T/m.jsonl.1" <<'PY' || fail "edit counts"
import json, sys
kinds = {"substituted": 0, "inserted": 0, "deleted": 0}
for line in open(sys.argv[1]):
    for p in json.loads(line)["passages"]:
        assert p["words"] == p["matches"] + p["substituted"] + p["inserted"] + p["deleted"], p
        assert abs(p["identity"] - p["matches"] / p["words"]) < 1e-3, p
        for k in kinds: kinds[k] += p[k] > 0
assert all(v > 0 for v in kinds.values()), kinds
PY
# edited words are marked in colour: substituted in magenta, inserted/deleted in red
"$N" align --pairs "$T/many.tsv" "$T/many.jsonl" --color=always -q > "$T/col" || fail "--color=always"
grep -q "$(printf '\033')\[1;35msub[0-9]" "$T/col" || fail "no substituted word marked in magenta"
grep -q "$(printf '\033')\[1;31mins[0-9]" "$T/col" || fail "no inserted word marked in red"
"$N" align --pairs "$T/many.tsv" "$T/many.jsonl" --color=never -q | grep -q "$(printf '\033')" && fail "colour with --color=never"
grep -q '\[[0-9]*,[0-9]*,1\]' "$T/m.html.1" || fail "the report carries no substituted range"

# ---- bad input: file:line, exit 2, nothing written ----
expect2() { # expect2 NAME PATTERN CMD...: exit 2 and PATTERN on stderr
    name=$1; pat=$2; shift 2
    "$@" > "$T/out" 2> "$T/err"; rc=$?
    [ $rc -eq 2 ] || fail "$name: exit $rc, want 2 ($(cat "$T/err"))"
    grep -q -- "$pat" "$T/err" || fail "$name: message $(cat "$T/err"), want $pat"
    [ -s "$T/out" ] && fail "$name: wrote output"
    return 0
}
printf 'a\tb\nm001\tm002\nm003 m004\n' > "$T/bad1.tsv"
expect2 "no tab" "$T/bad1.tsv:3: expected two ids separated by a tab" "$N" align --pairs "$T/bad1.tsv" "$T/many.jsonl" -q
printf 'm001\tm002\n\nm003\t\n' > "$T/bad2.tsv"
expect2 "empty id" "$T/bad2.tsv:3: an empty id" "$N" align --pairs "$T/bad2.tsv" "$T/many.jsonl" -q
printf '{"a": "m001", "b": "m002"}\n{"a": "m001", "b": 7}\n' > "$T/bad3.jsonl"
expect2 "JSONL b not a string" "$T/bad3.jsonl:2: field \"b\" is a number" "$N" align --pairs "$T/bad3.jsonl" "$T/many.jsonl" -q
printf '{"a": "m001", "b": "m002"}\n{"a": "m001"\n' > "$T/bad4.jsonl"
expect2 "JSONL broken line" "$T/bad4.jsonl:2" "$N" align --pairs "$T/bad4.jsonl" "$T/many.jsonl" -q
printf 'a\tb\nm001\tm002\nm003\tnope\n' > "$T/bad5.tsv"
expect2 "unknown id" "$T/bad5.tsv:3: unknown id \"nope\"" "$N" align --pairs "$T/bad5.tsv" "$T/many.jsonl" -q
printf '%s\t%s\n%s\t%s\n' "$A" "$B" "$A" "$T/absent.txt" > "$T/bad6.tsv"
expect2 "missing file" "$T/bad6.tsv:2: cannot read \"$T/absent.txt\"" "$N" align --pairs "$T/bad6.tsv" -q
printf '%s\ttests/data/seeds\n' "$A" > "$T/bad7.tsv"
expect2 "a directory" "$T/bad7.tsv:1: \"tests/data/seeds\" is a directory" "$N" align --pairs "$T/bad7.tsv" -q
printf '%s\t%s\n' "$A" "$S" > "$T/bad8.tsv"
expect2 "a file of many records" "$T/bad8.tsv:1: \"$S\" holds 30 records" "$N" align --pairs "$T/bad8.tsv" -q
expect2 "no pairs file" "$T/none.tsv: No such file or directory" "$N" align --pairs "$T/none.tsv" -q
expect2 "a directory as the pairs file" "is a directory, not a pairs file" "$N" align --pairs tests/data/seeds -q
printf 'a,b,jaccard\r\nm001,m002,0.9\r\n"m003,x",m004,0.8\r\n' > "$T/bad9.csv"
expect2 "CSV: an id nobody has" "$T/bad9.csv:3: unknown id \"m003,x\"" "$N" align --pairs "$T/bad9.csv" "$T/many.jsonl" -q
printf 'a,b\nm001,"m002\n' > "$T/bad10.csv"
expect2 "CSV: an unclosed quote" "$T/bad10.csv:2: a quoted id is not closed" "$N" align --pairs "$T/bad10.csv" "$T/many.jsonl" -q
printf 'a,b\nm001\n' > "$T/bad11.csv"
expect2 "CSV: one id" "$T/bad11.csv:2: expected two comma-separated ids" "$N" align --pairs "$T/bad11.csv" "$T/many.jsonl" -q
printf '{"a": "m001", "b": "m002"}\n{"a": 1}\n' | zstd -q > "$T/bad12.jsonl.zst"
expect2 "compressed JSONL: the line of the decompressed text" "$T/bad12.jsonl.zst:2" "$N" align --pairs "$T/bad12.jsonl.zst" "$T/many.jsonl" -q
expect2 "--a-id with --pairs" "do not apply" "$N" align --pairs "$T/p.tsv" --a-id x -q
cat "$T/many.jsonl" "$T/many.jsonl" > "$T/twice.jsonl"
expect2 "an id twice in the inputs" "twice.jsonl:[0-9]*: duplicate id" "$N" align --pairs "$T/many.tsv" "$T/twice.jsonl" -q
"$N" align --pairs "$T/bad5.tsv" "$T/many.jsonl" -q -o "$T/never.jsonl" 2>/dev/null
[ -e "$T/never.jsonl" ] && fail "a failed run left its output file"
: > "$T/empty.tsv"
"$N" align --pairs "$T/empty.tsv" -q > "$T/out" || fail "an empty pairs file"
[ -s "$T/out" ] && fail "an empty pairs file gives no output"
exit 0
