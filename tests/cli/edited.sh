#!/bin/sh
# edited.sh - rewritten passages (issue 20): align finds a paraphrase that no
# five words in a row survive, --verbatim does not; overlap finds it with
# --edited only; --language is checked; the seed articles keep their one
# word-precise passage in both modes.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_edited_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "edited.sh: FAIL: $*" >&2; exit 1; }
D=tests/data/rewrite
A=$D/council.txt
B=$D/council-rewritten.txt

"$N" align "$A" "$B" --format jsonl -q > "$T/al" || fail "align exit $?"
[ "$(wc -l < "$T/al")" -eq 1 ] || fail "align should find the rewritten paragraph: $(cat "$T/al")"
grep -q '"a_start": 96, "a_end": 527, "b_start": 87, "b_end": 569' "$T/al" || fail "paragraph bounds: $(cat "$T/al")"
[ -z "$("$N" align "$A" "$B" --verbatim --format jsonl -q)" ] || fail "--verbatim should find no copied passage"
"$N" align "$A" "$B" --language none --format jsonl -q | grep -q '"b_end": 569' || fail "--language none (plain words)"
"$N" align "$A" "$B" --language klingon 2> "$T/err"; [ $? -eq 2 ] || fail "an unknown language should exit 2"
grep -q "unknown language 'klingon' (one of: .*english.*none)" "$T/err" || fail "language message: $(cat "$T/err")"

# overlap over a corpus: copies by default, rewrites with --edited
[ -z "$("$N" overlap "$D" --format jsonl -q)" ] || fail "overlap without --edited should list no pair"
"$N" overlap "$D" --edited --format jsonl -q > "$T/ov" || fail "overlap --edited exit $?"
[ "$(wc -l < "$T/ov")" -eq 1 ] || fail "overlap --edited should list the pair: $(cat "$T/ov")"
grep -q "\"a_start\": 87, \"a_end\": 569, \"b_start\": 96, \"b_end\": 527" "$T/ov" || fail "overlap --edited bounds (the rewrite is a: sorted first)"
"$N" overlap "$D" --edited -j 1 --format jsonl -q | cmp -s - "$T/ov" || fail "-j 1 differs"
"$N" overlap "$D" --edited -j 3 --format jsonl -q | cmp -s - "$T/ov" || fail "-j 3 differs"

"$N" overlap "$D" --language french -q 2> "$T/err"; [ $? -eq 2 ] || fail "--language without --edited should exit 2"
grep -q "with --edited only" "$T/err" || fail "message: $(cat "$T/err")"
"$N" overlap "$D" --edited --max-df-sentence 20 --format jsonl -q | cmp -s - "$T/ov" || fail "--max-df-sentence 20 on two documents changes nothing"

# the seed articles: one passage, the 47-word statement, identity 1, in both modes
for m in "" --edited; do
    "$N" overlap tests/data/seeds $m --format jsonl -q > "$T/seeds" || fail "overlap seeds $m"
    grep -q '"passages": \[{"a_start": 1250, "a_end": 1543, "b_start": 245, "b_end": 539, "words": 47, "identity": 1,' "$T/seeds" ||
        fail "seeds $m: $(cat "$T/seeds")"
    grep -q '}, {' "$T/seeds" && fail "seeds $m: more than one passage"
done
exit 0
