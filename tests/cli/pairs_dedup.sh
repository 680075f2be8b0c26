#!/bin/sh
# pairs_dedup.sh - golden tests of `neardup pairs` and `neardup dedup` on the
# bundled sample (real Reuters / newsgroup near-duplicates): exact pair lists,
# kept records copied byte for byte, clusters, the summary's accounting,
# identical output for any thread count and any input form (file, stdin, .gz,
# .zst, directory of plain files), --help/--version and exit statuses.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
S=tests/data/sample.jsonl
T=$(mktemp -d /tmp/nd_pairs_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "pairs_dedup.sh: FAIL: $*" >&2; exit 1; }

# ---- pairs: golden JSONL ----
"$N" pairs "$S" -t 0.5 --format jsonl -q > "$T/p.jsonl" || fail "pairs exit $?"
cat > "$T/want.jsonl" <<'G'
{"a": "reuters-4", "b": "reuters-16", "jaccard": 0.96875}
{"a": "reuters-5", "b": "reuters-13799", "jaccard": 0.65625}
{"a": "reuters-32", "b": "reuters-55", "jaccard": 1}
{"a": "reuters-46", "b": "reuters-11043", "jaccard": 0.59375}
{"a": "reuters-230", "b": "reuters-347", "jaccard": 0.859375}
{"a": "reuters-489", "b": "reuters-502", "jaccard": 0.710938}
{"a": "20ng-20news-bydate-test-alt.atheism-53294", "b": "20ng-20news-bydate-test-alt.atheism-53297", "jaccard": 0.507812}
G
cmp -s "$T/p.jsonl" "$T/want.jsonl" || { diff "$T/want.jsonl" "$T/p.jsonl" >&2; fail "pairs -t 0.5 golden output"; }

# --exact prints the true Jaccard of the shingle sets (reuters-32/55 are identical)
"$N" pairs "$S" -t 0.8 --exact --format tsv -q > "$T/e.tsv" || fail "pairs --exact"
head -1 "$T/e.tsv" | grep -q "^a	b	jaccard$" || fail "tsv header"
grep -q "^reuters-32	reuters-55	1$" "$T/e.tsv" || fail "--exact identical pair: $(cat "$T/e.tsv")"
[ "$(wc -l < "$T/e.tsv")" -eq 4 ] || fail "--exact -t 0.8 should give 3 pairs: $(cat "$T/e.tsv")"

# ---- same output for any thread count and input form ----
for j in 1 2 3; do
    "$N" pairs "$S" -t 0.5 --format jsonl -q -j $j | cmp -s - "$T/want.jsonl" || fail "pairs -j $j differs"
done
"$N" pairs - -t 0.5 --format jsonl -q < "$S" | cmp -s - "$T/want.jsonl" || fail "stdin input differs"
gzip -c "$S" > "$T/s.jsonl.gz"; zstd -q -c "$S" > "$T/s.jsonl.zst"
"$N" pairs "$T/s.jsonl.gz" -t 0.5 --format jsonl -q | cmp -s - "$T/want.jsonl" || fail ".gz input differs"
"$N" pairs "$T/s.jsonl.zst" -t 0.5 --format jsonl -q | cmp -s - "$T/want.jsonl" || fail ".zst input differs"

# ---- a directory of plain files: ids are paths, a before b in sorted order ----
mkdir -p "$T/dir/sub"
/usr/bin/python3 - "$S" "$T/dir" <<'PY'
import json, sys
docs = {json.loads(l)["id"]: json.loads(l)["text"] for l in open(sys.argv[1])}
open(sys.argv[2] + "/b.txt", "w").write(docs["reuters-32"])
open(sys.argv[2] + "/sub/a.txt", "w").write(docs["reuters-55"])
open(sys.argv[2] + "/c.txt", "w").write(docs["reuters-5"])
PY
"$N" pairs "$T/dir" -t 0.9 --format tsv -q > "$T/d.tsv" || fail "pairs on a directory"
grep -q "^$T/dir/b.txt	$T/dir/sub/a.txt	1$" "$T/d.tsv" || fail "directory pair: $(cat "$T/d.tsv")"

# ---- dedup: kept records byte-identical, clusters, accounting ----
"$N" dedup "$S" -t 0.8 -o "$T/kept.jsonl" --clusters "$T/cl.jsonl" 2> "$T/err" || fail "dedup exit $?"
grep -q "30 records read = 27 kept + 3 removed + 0 skipped; 3 clusters" "$T/err" || fail "dedup summary: $(cat "$T/err")"
grep -vE '"id": "(reuters-16|reuters-55|reuters-347)"' "$S" | cmp -s - "$T/kept.jsonl" || fail "kept records differ from the input lines"
cat > "$T/want_cl.jsonl" <<'G'
{"kept": "reuters-4", "members": ["reuters-4", "reuters-16"]}
{"kept": "reuters-32", "members": ["reuters-32", "reuters-55"]}
{"kept": "reuters-230", "members": ["reuters-230", "reuters-347"]}
G
cmp -s "$T/cl.jsonl" "$T/want_cl.jsonl" || fail "clusters: $(cat "$T/cl.jsonl")"
# compressed inputs: the second pass reads a decoded copy in $TMPDIR, or
# decompresses again when there is no room for one; the output is the same
for f in "$T/s.jsonl.gz" "$T/s.jsonl.zst"; do
    "$N" dedup "$f" -t 0.8 -o "$T/kz.jsonl" -q || fail "dedup $f"
    cmp -s "$T/kz.jsonl" "$T/kept.jsonl" || fail "dedup $f: kept records differ"
    TMPDIR=$T/no-such-dir "$N" dedup "$f" -t 0.8 -o "$T/kz.jsonl" -q || fail "dedup $f without TMPDIR"
    cmp -s "$T/kz.jsonl" "$T/kept.jsonl" || fail "dedup $f without TMPDIR: kept records differ"
done
# dedup is idempotent: its output has no near-duplicates left
"$N" dedup "$T/kept.jsonl" -t 0.8 -o "$T/kept2.jsonl" -q || fail "dedup of kept"
cmp -s "$T/kept.jsonl" "$T/kept2.jsonl" || fail "dedup of the kept file removed more"

# ---- keyed mode: the same key gives the same answer, another key other estimates ----
"$N" keygen -o "$T/k1.key" 2>/dev/null && "$N" keygen -o "$T/k2.key" 2>/dev/null || fail "keygen"
"$N" pairs "$S" -t 0.5 --format jsonl -q --key "$T/k1.key" > "$T/pk1a" || fail "pairs --key"
"$N" pairs "$S" -t 0.5 --format jsonl -q --key "$T/k1.key" -j 1 > "$T/pk1b" || fail "pairs --key -j 1"
"$N" pairs "$S" -t 0.5 --format jsonl -q --key "$T/k2.key" > "$T/pk2" || fail "pairs --key (2)"
cmp -s "$T/pk1a" "$T/pk1b" || fail "one key, two runs, different output"
cmp -s "$T/pk1a" "$T/pk2" && fail "two keys gave the same MinHash estimates"
cmp -s "$T/pk1a" "$T/want.jsonl" && fail "a key gave the unkeyed estimates"
grep -q '"a": "reuters-32", "b": "reuters-55", "jaccard": 1}' "$T/pk1a" || fail "keyed mode lost the identical pair"
"$N" dedup "$S" -t 0.8 -o "$T/kk.jsonl" -q --key "$T/k1.key" || fail "dedup --key"

# ---- help, version, usage errors ----
"$N" --version | grep -qE "^neardup [0-9]+\.[0-9]+\.[0-9]+$" || fail "--version"
"$N" --help | grep -q "^  dedup" || fail "--help lists commands"
for c in pairs dedup; do
    "$N" $c --help > "$T/h" || fail "$c --help exit"
    for o in threshold ngram num-perm threads id-field text-field lossy skip-bad seed; do
        grep -q -- "--$o" "$T/h" || fail "$c --help lacks --$o"
    done
    grep -E "^  (-., )? *--" "$T/h" | grep -v -- "--help" | grep -qv "(default" && fail "$c --help: an option without its default"
done
"$N" pairs "$S" -t 1.5 2> "$T/err"; [ $? -eq 2 ] || fail "-t 1.5 should exit 2"
grep -q "threshold" "$T/err" || fail "-t 1.5 message: $(cat "$T/err")"
"$N" pairs "$T/missing.jsonl" 2> "$T/err"; [ $? -eq 2 ] || fail "missing input should exit 2"
grep -q "missing.jsonl" "$T/err" || fail "missing input message names the file: $(cat "$T/err")"
"$N" dedup "$S" 2> "$T/err"; [ $? -eq 2 ] || fail "dedup without -o should exit 2"
"$N" frobnicate 2> /dev/null; [ $? -eq 2 ] || fail "unknown command should exit 2"
"$N" pairs "$S" --no-such-option 2> /dev/null; [ $? -eq 2 ] || fail "unknown option should exit 2"

# ---- --timings: every stage make bench reads (bench/bench.py parse_timings), same output ----
"$N" dedup "$S" -o "$T/timed.jsonl" --timings -j 2 2> "$T/err" || fail "dedup --timings exit $?"
"$N" dedup "$S" -o "$T/untimed.jsonl" -q -j 2 || fail "dedup exit $?"
cmp -s "$T/timed.jsonl" "$T/untimed.jsonl" || fail "--timings changed the kept records"
for stage in "read+decompress" "parse" "tokenize+shingle" "sketch" "pipeline wall" "shingle" "digest" \
    "band keys" "band+candidates" "verify" "cluster" "write"; do
    grep -q "^timings:.*[ ,]$stage [0-9][0-9.]* s" "$T/err" || fail "dedup --timings lacks '$stage': $(cat "$T/err")"
done
"$N" pairs "$S" -o "$T/timed.tsv" --timings 2> "$T/err" || fail "pairs --timings exit $?"
for stage in "shingle" "digest" "sketch" "band keys" "band+candidates" "verify"; do
    grep -q "^timings:.*[ ,]$stage [0-9][0-9.]* s" "$T/err" || fail "pairs --timings lacks '$stage': $(cat "$T/err")"
done
exit 0
