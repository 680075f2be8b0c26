#!/bin/sh
# csv.sh - issue 22 part 5: --format csv (RFC 4180) wherever TSV exists, that
# is `pairs`: a header row, CRLF line ends, a field holding a comma, a quote,
# CR or LF in double quotes with its quotes doubled, every byte of an id
# kept; the same rows as TSV and JSONL otherwise (Python's csv module reads
# it back).  Commands without TSV refuse csv, naming what they write.
# Before the change --format csv was an unknown format (exit 2).
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_csv_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "csv.sh: FAIL: $*" >&2; exit 1; }
S=tests/data/sample.jsonl
TXT="the quick brown fox jumps over the lazy dog and then runs far away into the deep dark forest"
for id in 'a,1' 'b \"quoted\"' 'c\r\nline' 'tab\there' 'plain' '\"' ''; do
    printf '{"id": "%s", "text": "%s"}\n' "$id" "$TXT"
done > "$T/ids.jsonl"

# rows CSV JSONL: the CSV (header a,b,SCORE) holds exactly the JSONL's pairs
rows() {
    /usr/bin/python3 - "$1" "$2" <<'PY' || fail "CSV rows differ from JSONL ($1)"
import csv, json, re, sys
raw = open(sys.argv[1], "rb").read()
assert raw.endswith(b"\r\n"), "CSV lines end in CRLF"
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
want = []
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    score = re.search(r'"(jaccard|hamming|containment)": ([^}]*)}', line)
    want.append([r["a"], r["b"], score.group(2)])
assert rows[0] == ["a", "b", score.group(1) if want else rows[0][2]], rows[0]
assert rows[1:] == want, (rows[1:], want)
assert want, "no pairs: the test would prove nothing"
PY
}
"$N" pairs "$T/ids.jsonl" -t 0.5 --format csv -q > "$T/ids.csv" || fail "pairs csv"
"$N" pairs "$T/ids.jsonl" -t 0.5 --format jsonl -q > "$T/ids.jl" || fail "pairs jsonl"
rows "$T/ids.csv" "$T/ids.jl"
# the quoting itself, byte for byte
grep -q '^"a,1","b ""quoted""",1' "$T/ids.csv" || fail "comma and quote fields: $(head -3 "$T/ids.csv")"
printf '"a,1","c\r\nline",1\r\n' > "$T/want"
/usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); w = open(sys.argv[2], "rb").read(); sys.exit(w not in d)' \
    "$T/ids.csv" "$T/want" || fail "a CR LF id is not quoted with its bytes kept"
grep -q '^plain,"""",1' "$T/ids.csv" || fail "a lone quote: $(grep '^plain' "$T/ids.csv")"
grep -q '	' "$T/ids.csv" || fail "a tab is kept as it is in CSV"

# the same rows as TSV for ids TSV need not escape, every metric
for m in "" "--exact" "--metric simhash" "--metric containment -t 0.5" "--metric exact"; do
    # shellcheck disable=SC2086
    "$N" pairs "$S" -t 0.3 $m --format csv -q > "$T/s.csv" || fail "pairs csv $m"
    # shellcheck disable=SC2086
    "$N" pairs "$S" -t 0.3 $m --format tsv -q > "$T/s.tsv" || fail "pairs tsv $m"
    # shellcheck disable=SC2086
    "$N" pairs "$S" -t 0.3 $m --format jsonl -q > "$T/s.jl" || fail "pairs jsonl $m"
    tr -d '\r' < "$T/s.csv" | tr ',' '\t' | cmp -s - "$T/s.tsv" || fail "CSV and TSV rows differ ($m)"
    [ "$(grep -c '' "$T/s.csv")" -ge 1 ] || fail "no header ($m)"
    [ -s "$T/s.jl" ] && rows "$T/s.csv" "$T/s.jl"
done
head -1 "$T/s.csv" | grep -q '^a,b,' || fail "header: $(head -1 "$T/s.csv")"

# compressed, as any output (s.csv is the last metric's)
"$N" pairs "$S" -t 0.3 --metric exact --format csv -o "$T/p.csv.zst" -q || fail "csv -o .zst"
zstd -dcq "$T/p.csv.zst" | cmp -s - "$T/s.csv" || fail "csv .zst differs from the plain CSV"

# no TSV, no CSV: refused with the formats the command writes
for c in "overlap tests/data/seeds" "align tests/data/seeds/000_e994c8c5101e7cdf.txt tests/data/seeds/003_9a10c820da11214b.txt"; do
    # shellcheck disable=SC2086
    "$N" $c --format csv > "$T/out" 2> "$T/err"
    [ $? -eq 2 ] || fail "$c --format csv should exit 2"
    grep -q "writes text|jsonl|html" "$T/err" || fail "$c --format csv: $(cat "$T/err")"
    [ -s "$T/out" ] && fail "$c --format csv wrote output"
done
"$N" index build tests/data/seeds -o "$T/r.ndx" -q || fail "index"
"$N" query "$T/r.ndx" "$S" --format csv 2> "$T/err"
[ $? -eq 2 ] && grep -q "query writes text|jsonl|html" "$T/err" || fail "query --format csv: $(cat "$T/err")"
exit 0
