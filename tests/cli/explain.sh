#!/bin/sh
# explain.sh - issue 24 part 5: `neardup explain` prints the bands x rows
# `pairs` and `dedup` use for -t and -k, an S-curve that rises to 1, error
# rates, and for --metric simhash the matching Hamming distance; `pairs
# --explain` gives each pair its estimate, exact Jaccard (as --exact computes
# it) and the bands it matched in (at least one: it was a candidate).
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
S=tests/data/sample.jsonl
T=$(mktemp -d /tmp/nd_explain_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "explain.sh: FAIL: $*" >&2; exit 1; }

for tk in "0.8 128" "0.5 128" "0.9 64" "0.3 256"; do
    set -- $tk
    "$N" explain -t "$1" -k "$2" > "$T/e" || fail "explain -t $1 -k $2"
    want=$(sed -n 's/^LSH: \([0-9]*\) bands x \([0-9]*\) rows.*/\1 bands x \2 rows/p' "$T/e")
    [ -n "$want" ] || fail "explain -t $1: no bands x rows line"
    "$N" pairs "$S" -t "$1" -k "$2" -o /dev/null 2> "$T/p" || fail "pairs -t $1"
    grep -q "$want)" "$T/p" || fail "-t $1 -k $2: explain says $want, pairs: $(cat "$T/p")"
    # ten points J = 0.1 ... 1.0, rising, P(1.0) = 1
    awk '/^  [01]\.[0-9]   [0-9.]*$/ { n++; if ($2 + 0 < last) bad = 1; last = $2 + 0; top = $2 }
         END { exit !(n == 10 && !bad && top == "1.000000") }' "$T/e" || fail "-t $1: S-curve: $(cat "$T/e")"
    fn=$(sed -n 's/^expected false-negative rate: \([0-9.]*\) .*/\1/p' "$T/e")
    fp=$(sed -n 's/^expected false-positive rate: \([0-9.]*\) .*/\1/p' "$T/e")
    awk -v fn="$fn" -v fp="$fp" 'BEGIN { exit !(fn > 0 && fn < 0.05 && fp > 0 && fp < 0.5) }' ||
        fail "-t $1: rates fn '$fn' fp '$fp'"
done
"$N" explain -t 0.8 --metric simhash > "$T/s" || fail "explain --metric simhash"
grep -q 'Hamming distance of about 9.7: --metric simhash -d 9$' "$T/s" || fail "simhash distance: $(cat "$T/s")"
"$N" explain -t 0.2 --metric simhash | grep -q "past -d's largest value, 16" || fail "simhash past 16"
for bad in "explain $S" "explain --metric exact" "explain -t 2" "pairs $S --explain --metric simhash"; do
    "$N" $bad > /dev/null 2> "$T/err"
    [ $? -eq 2 ] || fail "$bad: expected exit 2"
    [ -s "$T/err" ] || fail "$bad: no message"
done

# pairs --explain
"$N" pairs "$S" -t 0.5 -q --format jsonl --explain > "$T/x" || fail "pairs --explain"
"$N" pairs "$S" -t 0.5 -q --format jsonl > "$T/plain" || fail "pairs"
sed 's/, "estimate".*}$/}/' "$T/x" | cmp -s - "$T/plain" || fail "--explain changed the pairs"
"$N" pairs "$S" -t 0.3 -q --format jsonl --exact > "$T/exact" || fail "pairs --exact"
[ "$(grep -c . "$T/x")" -ge 5 ] || fail "too few pairs to check"
while read -r line; do
    a=$(echo "$line" | sed 's/^{"a": "\([^"]*\)", "b": "\([^"]*\)".*/\1 \2/')
    est=$(echo "$line" | sed 's/.*"jaccard": \([0-9.e-]*\), "estimate": \([0-9.e-]*\), .*/\1 \2/')
    set -- $est
    [ "$1" = "$2" ] || fail "$a: estimate $2 is not the pair's jaccard $1"
    ex=$(echo "$line" | sed 's/.*"exact": \([0-9.e-]*\),.*/\1/')
    set -- $a
    grep -q "^{\"a\": \"$1\", \"b\": \"$2\", \"jaccard\": $ex}\$" "$T/exact" || fail "$a: exact $ex differs from --exact"
    echo "$line" | grep -q '"bands": \[[0-9]' || fail "$a: no band matched: $line"
done < "$T/x"
# identical texts match in every band
grep '"estimate": 1,' "$T/x" | grep -q '"bands": \[0, 1, 2, .*, 31\]' || fail "an identical pair did not match every band"
"$N" pairs "$S" -t 0.5 -q --format tsv --explain | head -1 | grep -q "^a	b	jaccard	estimate	exact	bands$" ||
    fail "TSV header"
exit 0
