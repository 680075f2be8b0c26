#!/bin/sh
# trust_small.sh - issue 19, defects 10 and 12: the smaller ways a run could
# succeed wrongly or fail confusingly.
#   - a closed standard input (`<&-`) is an error, not an empty input (the
#     output temporary used to get descriptor 0 and be read as the input);
#   - bad input inside a directory (a dangling link, a loop of links) exits
#     2 like the same input named on the command line;
#   - --help, --version and `index info` fail (exit 1) when standard output
#     cannot be written (/dev/full);
#   - options a run would ignore are refused: pairs --format html, overlap
#     --format tsv, --exact with another metric than jaccard, -d without
#     simhash, --max-df without containment, --tmp without --memory;
#   - a UTF-8 BOM opening each JSONL input never reaches the kept output;
#   - trailing garbage after gzip data is named with its real offset;
#   - an index path that is a directory or a fifo is refused at once.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_trust_small_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "trust_small.sh: FAIL: $*" >&2; exit 1; }
S=tests/data/sample.jsonl
expect() { # STATUS PATTERN CMD...
    want=$1 pat=$2
    shift 2
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$*: exit $got, expected $want; stderr: $(cat "$T/err")"
    grep -Eq -- "$pat" "$T/err" || fail "$*: stderr does not match /$pat/: $(cat "$T/err")"
}

# closed standard input
"$N" dedup - -o "$T/k.jsonl" <&- 2> "$T/err"
[ $? -eq 2 ] || fail "dedup - <&-: want exit 2"
grep -q 'standard input ("-") is closed' "$T/err" || fail "dedup - <&-: $(cat "$T/err")"
[ ! -e "$T/k.jsonl" ] || fail "dedup - <&- wrote an output"
"$N" pairs - -q <&- 2> /dev/null && fail "pairs - <&- succeeded"

# bad input inside a directory: exit 2, as on the command line
mkdir "$T/d1" "$T/d2"
cp "$S" "$T/d1/a.jsonl"; cp "$S" "$T/d2/a.jsonl"
ln -s nowhere "$T/d1/dangling"
ln -s l2 "$T/d2/l1"; ln -s l1 "$T/d2/l2"
expect 2 "dangling: cannot stat: .*dangling symbolic link" "$N" pairs "$T/d1"
expect 2 "l1: cannot stat: .*loop of symbolic links" "$N" pairs "$T/d2"

# standard output that cannot be written
if [ -w /dev/full ]; then
    expect 1 "error writing standard output" sh -c "exec \"$N\" --help > /dev/full"
    expect 1 "error writing standard output" sh -c "exec \"$N\" --version > /dev/full"
    expect 1 "error writing standard output" sh -c "exec \"$N\" pairs --help > /dev/full"
    "$N" index build "$S" -o "$T/s.ndx" -q || fail "index build"
    expect 1 "error writing standard output" sh -c "exec \"$N\" index info \"$T/s.ndx\" > /dev/full"
fi

# options that would be ignored
expect 2 "format html: pairs writes text\|tsv\|csv\|jsonl" "$N" pairs "$S" --format html
expect 2 "format tsv: overlap writes" "$N" overlap tests/data/seeds --format tsv
expect 2 "exact verifies MinHash" "$N" pairs "$S" --exact --metric simhash
expect 2 "exact verifies MinHash" "$N" dedup "$S" -o "$T/k" --exact --metric containment
expect 2 "distance is SimHash" "$N" pairs "$S" -d 5
expect 2 "distance is SimHash" "$N" dedup "$S" -o "$T/k" -d 5
expect 2 "max-df bounds containment" "$N" pairs "$S" --max-df 9
expect 2 "tmp is where --memory spills" "$N" dedup "$S" -o "$T/k" --tmp "$T"
[ ! -e "$T/k" ] || fail "a refused run wrote its output"
expect 0 "" "$N" pairs "$S" -d 5 --metric simhash

# a BOM opening each input
printf '\357\273\277{"id": "x1", "text": "alpha beta"}\n' > "$T/b1.jsonl"
printf '\357\273\277{"id": "x2", "text": "gamma delta"}\n{"id": "x3", "text": "alpha beta"}\n' > "$T/b2.jsonl"
"$N" dedup "$T/b1.jsonl" "$T/b2.jsonl" -o "$T/kb.jsonl" -q || fail "dedup with BOMs"
[ "$(grep -c . "$T/kb.jsonl")" -eq 2 ] || fail "BOM: want 2 kept: $(cat "$T/kb.jsonl")"
grep -q "$(printf '\357\273\277')" "$T/kb.jsonl" && fail "a BOM was copied into the kept output"
"$N" pairs "$T/b2.jsonl" "$T/b1.jsonl" -q > "$T/o" || fail "pairs with BOMs"
grep -q "x3  x1" "$T/o" || fail "BOM: the copy is not found: $(cat "$T/o")"

# gzip trailing garbage at its real offset
if command -v gzip > /dev/null; then
    head -3 "$S" | gzip -c > "$T/g.jsonl.gz"
    size=$(wc -c < "$T/g.jsonl.gz")
    printf 'garbage!' >> "$T/g.jsonl.gz"
    expect 2 "g.jsonl.gz: trailing garbage after the gzip data, at compressed byte $size" "$N" pairs "$T/g.jsonl.gz"
fi

# an index path that is a directory or a fifo
mkdir "$T/ixdir"
expect 2 "ixdir: is a directory, not an index" "$N" index info "$T/ixdir"
expect 2 "ixdir: is a directory, not an index" "$N" query "$T/ixdir" "$S"
if mkfifo "$T/ff" 2> /dev/null; then
    expect 2 "ff: is a fifo, not an index" timeout 20 "$N" index info "$T/ff"
    expect 2 "ff: is a fifo, not an index" timeout 20 "$N" query "$T/ff" "$S"
    expect 2 "ff: is a fifo, not an index" timeout 20 "$N" index add "$T/ff" "$S"
fi
exit 0
