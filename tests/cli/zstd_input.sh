#!/bin/sh
# zstd_input.sh - a .zst input reads as the bytes it holds, whatever the shape
# of its frames: the reader decodes block by block into a ring that is zstd's
# window (corpus_decode.c), and a ring one block too small for a frame of
# known size wrapped over its own history ("Restored data doesn't match
# checksum" on a valid 1.1 MB file).  Each shape is compared with the plain
# file through dedup's kept records and overlap's pairs; broken streams fail
# naming the file and leave no output.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_zstd_input_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "zstd_input.sh: FAIL: $*" >&2; exit 1; }
command -v zstd > /dev/null || fail "zstd is needed (make deps)"

# about 1.1 MB of repetitive records (long matches reach far back)
/usr/bin/python3 bench/gen_edited.py tests/data/sample.jsonl 30 --seed 3 > "$T/c.jsonl" || fail "generator"
head -n 50 "$T/c.jsonl" > "$T/small.jsonl"
"$N" dedup "$T/c.jsonl" -o "$T/plain.kept" -q || fail "dedup plain"
"$N" overlap "$T/c.jsonl" --format jsonl -o "$T/plain.pairs" -q || fail "overlap plain"

# same NAME FILE.zst: dedup and overlap of FILE.zst equal those of c.jsonl
same() {
    "$N" dedup "$2" -o "$T/$1.kept" -q 2> "$T/$1.err" || fail "$1: dedup: $(cat "$T/$1.err")"
    cmp -s "$T/plain.kept" "$T/$1.kept" || fail "$1: dedup output differs from the plain file's"
    "$N" overlap "$2" --format jsonl -o "$T/$1.pairs" -q 2> "$T/$1.err" || fail "$1: overlap: $(cat "$T/$1.err")"
    cmp -s "$T/plain.pairs" "$T/$1.pairs" || fail "$1: overlap output differs from the plain file's"
}

zstd -q -c "$T/c.jsonl" > "$T/known.jsonl.zst"                       # content size in the header
same known "$T/known.jsonl.zst"
zstd -q -c < "$T/c.jsonl" > "$T/unknown.jsonl.zst"                   # size unknown (a pipe)
same unknown "$T/unknown.jsonl.zst"
zstd -q -c --zstd=wlog=10 < "$T/c.jsonl" > "$T/w10.jsonl.zst"        # a 1 KiB window: the ring wraps often
same w10 "$T/w10.jsonl.zst"
zstd -q -c -19 --long=24 "$T/c.jsonl" > "$T/long.jsonl.zst"          # a window larger than the content
same long "$T/long.jsonl.zst"
zstd -q -c -1 --no-check "$T/c.jsonl" > "$T/nocheck.jsonl.zst"
same nocheck "$T/nocheck.jsonl.zst"
# several frames, of known and unknown size, with a skippable frame between
split -l 300 "$T/c.jsonl" "$T/part."
: > "$T/multi.jsonl.zst"
for p in "$T"/part.*; do zstd -q -c "$p" >> "$T/multi.jsonl.zst"; done
printf '\120\052\115\030\004\000\000\000skip' > "$T/skippable"
{ zstd -q -c < "$T/part.aa"; cat "$T/skippable"; for p in "$T"/part.a[b-z]; do zstd -q -c "$p"; done; } > "$T/mixed.jsonl.zst"
same multi "$T/multi.jsonl.zst"
same mixed "$T/mixed.jsonl.zst"

# broken streams: an error naming the file, nothing written
bad() {
    name=$1 want=$2
    rm -f "$T/out.jsonl"
    if "$N" dedup "$T/$name" -o "$T/out.jsonl" -q 2> "$T/$name.err"; then fail "$name: exit status 0"; fi
    grep -q "$T/$name: .*$want" "$T/$name.err" || fail "$name: message: $(cat "$T/$name.err")"
    [ ! -e "$T/out.jsonl" ] || fail "$name: a partial output was left"
}
size=$(wc -c < "$T/known.jsonl.zst")
head -c $((size - 20)) "$T/known.jsonl.zst" > "$T/truncated.jsonl.zst"
bad truncated.jsonl.zst "truncated"
cp "$T/known.jsonl.zst" "$T/corrupt.jsonl.zst"
printf 'XXXXXXXX' | dd of="$T/corrupt.jsonl.zst" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
bad corrupt.jsonl.zst "corrupt zstd data"
{ cat "$T/known.jsonl.zst"; printf 'garbage after the frame'; } > "$T/trailing.jsonl.zst"
bad trailing.jsonl.zst "zstd"
echo "zstd_input.sh: OK (known and unknown sizes, 1 KiB and 16 MiB windows, frames with a skippable one, broken streams)"
