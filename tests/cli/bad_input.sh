#!/bin/sh
# bad_input.sh - every kind of bad input gets a clear error that names the
# file and line or record, exit status 2 (bad input) or 1 (system failure),
# and leaves no partial output; --skip-bad continues and accounts for every
# record: read = kept + removed + skipped.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_bad_sh.XXXXXX)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "bad_input.sh: FAIL: $*" >&2; exit 1; }

# expect STATUS PATTERN CMD...: runs CMD, checks its exit status and that
# standard error matches the extended regular expression PATTERN.
expect() {
    want=$1 pat=$2
    shift 2
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$*: exit $got, expected $want; stderr: $(cat "$T/err")"
    grep -Eq -- "$pat" "$T/err" || fail "$*: stderr does not match /$pat/: $(cat "$T/err")"
}
# nothing left beside an output that failed
no_partial() { ls -A "$T/outdir" | grep -q . && fail "partial output left: $(ls -A "$T/outdir")"; return 0; }
mkdir -p "$T/outdir"

# ---- empty and whitespace-only inputs are valid: no records, or empty documents ----
: > "$T/empty.jsonl"
expect 0 "0 records read" "$N" pairs "$T/empty.jsonl"
printf '   \n\t\n' > "$T/ws.txt"
expect 0 "1 records read \(1 documents, 0 skipped\), 0 pairs" "$N" pairs "$T/ws.txt"
printf '\n\n   \n' > "$T/blank.jsonl"
expect 0 "0 records read" "$N" pairs "$T/blank.jsonl"

# ---- invalid UTF-8: names the file, line / byte; --lossy counts what it replaced ----
printf 'abc \377\376 def' > "$T/bad.txt"
# --encoding utf-8 keeps the strict reading; auto (the default) decodes what is not UTF-8 and says so
expect 2 "bad.txt: invalid UTF-8 at byte 4 \(use --lossy" "$N" pairs "$T/bad.txt" --encoding utf-8
expect 0 "--lossy: 2 invalid UTF-8 bytes treated as word separators" "$N" pairs "$T/bad.txt" --lossy --encoding utf-8
expect 0 "1 document decoded from other encodings than UTF-8: 1 windows-1252 \(detected\)" "$N" pairs "$T/bad.txt"
printf '{"id": "a", "text": "ok"}\n{"id": "b", "text": "x\377y"}\n' > "$T/bad.jsonl"
expect 2 "bad.jsonl:2: invalid UTF-8 in the JSON at byte" "$N" pairs "$T/bad.jsonl"

# ---- NUL bytes: valid UTF-8, word separators; a binary file: invalid UTF-8 at its offset ----
printf 'alpha\000beta gamma' > "$T/nul.txt"
expect 0 "1 records read" "$N" pairs "$T/nul.txt"
printf '{"id": "n", "text": "a\\u0000b"}\n' > "$T/nul.jsonl"
expect 0 "1 records read" "$N" pairs "$T/nul.jsonl"
head -c 4096 /bin/sh > "$T/binary.bin"
expect 2 "binary.bin: invalid UTF-8 at byte [0-9]+" "$N" pairs "$T/binary.bin"

# ---- a 100 MB single line ----
/usr/bin/python3 -c "
import sys
w = ' '.join('w%d' % (i % 50000) for i in range(14000000))
sys.stdout.write('{\"id\": \"big\", \"text\": \"' + w[:100000000] + '\"}\n')
" > "$T/big.jsonl"
expect 0 "1 records read \(1 documents" "$N" pairs "$T/big.jsonl"
rm -f "$T/big.jsonl"

# ---- truncated compressed streams ----
seq 1 3000 | sed 's/.*/{"id": "&", "text": "w& x& y& z&"}/' > "$T/c.jsonl"
gzip -c "$T/c.jsonl" | head -c 3000 > "$T/trunc.jsonl.gz"
zstd -q -c "$T/c.jsonl" | head -c 3000 > "$T/trunc.jsonl.zst"
expect 2 "trunc.jsonl.gz: truncated gzip stream" "$N" pairs "$T/trunc.jsonl.gz"
expect 2 "trunc.jsonl.zst: truncated zstd stream" "$N" pairs "$T/trunc.jsonl.zst"
printf 'not gzip at all' > "$T/fake.jsonl.gz"
expect 2 "fake.jsonl.gz: corrupt gzip data" "$N" pairs "$T/fake.jsonl.gz"

# ---- malformed JSONL, missing and non-string fields, duplicate ids ----
printf '{"id": "a", "text": "x"}\n{"id": "b", "text": "y"\n' > "$T/mal.jsonl"
expect 2 "mal.jsonl:2: invalid JSON at column" "$N" pairs "$T/mal.jsonl"
printf '{"id": "a", "text": "x"}\n{"id": "b"}\n' > "$T/miss.jsonl"
expect 2 'miss.jsonl:2: field "text" is missing' "$N" pairs "$T/miss.jsonl"
# integer ids are ids (issue 22); other numbers are not
printf '{"id": 7, "text": "x"}\n' > "$T/num.jsonl"
expect 0 '1 records read' "$N" pairs "$T/num.jsonl"
printf '{"id": 7.5, "text": "x"}\n' > "$T/num.jsonl"
expect 2 'num.jsonl:1: field "id" is a number, expected a string or an integer' "$N" pairs "$T/num.jsonl"
printf '["id", "text"]\n' > "$T/arr.jsonl"
expect 2 "arr.jsonl:1: the record is an array, expected an object" "$N" pairs "$T/arr.jsonl"
printf '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n' > "$T/dup.jsonl"
expect 2 'dup.jsonl:2: duplicate id "a" \(first seen at .*dup.jsonl:1\)' "$N" pairs "$T/dup.jsonl"
expect 2 'text-field NAME|field "body" is missing' "$N" pairs "$T/miss.jsonl" --text-field body

# ---- unreadable file, missing file, symlink loop ----
expect 2 "no-such.jsonl: No such file or directory" "$N" pairs "$T/no-such.jsonl"
printf 'x' > "$T/locked.txt"
chmod 000 "$T/locked.txt"
if [ "$(id -u)" -ne 0 ]; then
    expect 2 "locked.txt: cannot read: Permission denied" "$N" pairs "$T/locked.txt"
else
    echo "bad_input.sh: note: running as root, which reads mode-000 files: unreadable-file case not checked" >&2
fi
chmod 644 "$T/locked.txt"
mkdir -p "$T/loop/sub"
ln -s .. "$T/loop/sub/up"
expect 2 "directory loop" "$N" pairs "$T/loop"

# ---- outputs: unwritable path, full disk; nothing partial left ----
expect 1 "cannot write .*/missing-dir/kept.jsonl" "$N" dedup tests/data/sample.jsonl -o "$T/missing-dir/kept.jsonl"
expect 1 "outdir/kept.jsonl" sh -c "ulimit -f 20; exec \"$N\" dedup tests/data/sample.jsonl -o \"$T/outdir/kept.jsonl\""
no_partial
expect 1 "outdir/p.txt" sh -c "ulimit -f 1; exec \"$N\" overlap tests/data/seeds -o \"$T/outdir/p.txt\""
no_partial
expect 2 "mal.jsonl:2" "$N" dedup "$T/mal.jsonl" -o "$T/outdir/kept.jsonl" --clusters "$T/outdir/cl.jsonl"
no_partial

# ---- --skip-bad: continues, says how many and where, accounts for every record ----
cat tests/data/sample.jsonl > "$T/mixed.jsonl"
printf '{"id": "bad1"}\n{"id": "bad2", "text": "x\377"}\nnot json\n' >> "$T/mixed.jsonl"
head -3 tests/data/sample.jsonl >> "$T/mixed.jsonl" # copies under new ids: exact duplicates
sed -i '34,36s/"id": "\([^"]*\)"/"id": "\1-again"/' "$T/mixed.jsonl"
expect 2 "mixed.jsonl:31" "$N" dedup "$T/mixed.jsonl" -o "$T/outdir/k.jsonl"
no_partial
expect 0 "36 records read = 27 kept \+ 6 removed \+ 3 skipped" "$N" dedup "$T/mixed.jsonl" -t 0.8 -o "$T/outdir/k.jsonl" --skip-bad
grep -q "skipped 3 bad records" "$T/err" || fail "--skip-bad: no count: $(cat "$T/err")"
grep -q 'mixed.jsonl:31: field "text" is missing' "$T/err" || fail "--skip-bad: where"
grep -q "mixed.jsonl:32:" "$T/err" && grep -q "mixed.jsonl:33:" "$T/err" || fail "--skip-bad: all three places"
[ "$(wc -l < "$T/outdir/k.jsonl")" -eq 27 ] || fail "--skip-bad: 27 kept records expected"
rm -f "$T/outdir/k.jsonl"
expect 0 "36 records read \(33 documents, 3 skipped\)" "$N" pairs "$T/mixed.jsonl" --skip-bad
expect 0 "36 records read \(33 documents, 3 skipped\)" "$N" overlap "$T/mixed.jsonl" --skip-bad
exit 0
