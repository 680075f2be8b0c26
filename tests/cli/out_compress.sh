#!/bin/sh
# out_compress.sh - issue 22 part 5: -o FILE.zst / FILE.gz (and --clusters)
# compress, zstd or gzip, for every command.  Each compressed output passes
# `zstd -t` / `gzip -t`, decompresses to the bytes of the plain output, is the
# same file run after run and for any thread count, and reads back as an
# input.  The guarantees of the plain outputs hold: a signal leaves nothing,
# a write error names its errno (the compressor's last bytes included), one
# failed output leaves the other in place, and an index is refused (query maps
# it in place).  Before the change every .zst/.gz output held plain text.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
case $N in /*) ;; *) N=$PWD/$N ;; esac
T=$(mktemp -d /tmp/nd_compress_sh.XXXXXX)
trap 'exec 3>&- 2> /dev/null; rm -rf "$T"' EXIT
fail() { echo "out_compress.sh: FAIL: $*" >&2; exit 1; }
D=$PWD/tests/data
S=$D/sample.jsonl
A=$D/seeds/000_e994c8c5101e7cdf.txt
B=$D/seeds/003_9a10c820da11214b.txt
command -v zstd > /dev/null && command -v gzip > /dev/null || fail "zstd and gzip are needed (make deps)"
"$N" index build "$D/seeds" -o "$T/ref.ndx" -q || fail "index build"
printf 'a\tb\n%s\t%s\n' "$A" "$B" > "$T/ab.tsv"

# same NAME EXT CMD...: CMD -o $T/NAME.EXT, then .zst and .gz: each tests
# clean and decompresses to the plain output's bytes
same() {
    name=$1 ext=$2
    shift 2
    "$@" -o "$T/$name.$ext" -q || fail "$name: plain run"
    [ -s "$T/$name.$ext" ] || fail "$name: the plain output is empty (the test would prove nothing)"
    "$@" -o "$T/$name.$ext.zst" -q || fail "$name: .zst run"
    "$@" -o "$T/$name.$ext.gz" -q || fail "$name: .gz run"
    zstd -tq "$T/$name.$ext.zst" || fail "$name: zstd -t rejects the .zst output"
    gzip -t "$T/$name.$ext.gz" || fail "$name: gzip -t rejects the .gz output"
    # (an HTML report shows its command line, and so its -o)
    zstd -dcq "$T/$name.$ext.zst" | sed "s|$name\.$ext\.zst|$name.$ext|g" | cmp -s - "$T/$name.$ext" ||
        fail "$name: .zst content differs from the plain output"
    gzip -dc "$T/$name.$ext.gz" | sed "s|$name\.$ext\.gz|$name.$ext|g" | cmp -s - "$T/$name.$ext" ||
        fail "$name: .gz content differs from the plain output"
    # a compressed file is not its plain text (the bug: the name was ignored)
    cmp -s "$T/$name.$ext.zst" "$T/$name.$ext" && fail "$name: the .zst output is not compressed"
    return 0
}
same pairs txt "$N" pairs "$S" -t 0.3
same pairs tsv "$N" pairs "$S" -t 0.3 --format tsv
same pairs jsonl "$N" pairs "$S" -t 0.3 --format jsonl
same overlap txt "$N" overlap "$D/seeds"
same overlap jsonl "$N" overlap "$D/seeds" --format jsonl
same overlap html "$N" overlap "$D/seeds" --format html
same align txt "$N" align "$A" "$B"
same align jsonl "$N" align "$A" "$B" --format jsonl
same align_pairs jsonl "$N" align --pairs "$T/ab.tsv" --format jsonl
same query jsonl "$N" query "$T/ref.ndx" "$A" "$B" --format jsonl
same query_overlap jsonl "$N" query "$T/ref.ndx" "$A" --mode overlap --format jsonl
same dedup jsonl "$N" dedup "$S" -t 0.5

# dedup's --clusters, beside a compressed -o (each its own compressor)
"$N" dedup "$S" -t 0.5 -o "$T/k.jsonl" --clusters "$T/c.jsonl" -q || fail "dedup --clusters plain"
"$N" dedup "$S" -t 0.5 -o "$T/k.jsonl.gz" --clusters "$T/c.jsonl.zst" -q || fail "dedup --clusters .zst"
zstd -tq "$T/c.jsonl.zst" && gzip -t "$T/k.jsonl.gz" || fail "dedup: compressed outputs do not test clean"
zstd -dcq "$T/c.jsonl.zst" | cmp -s - "$T/c.jsonl" || fail "--clusters .zst content differs"
gzip -dc "$T/k.jsonl.gz" | cmp -s - "$T/k.jsonl" || fail "-o .gz beside --clusters: content differs"
[ -s "$T/c.jsonl" ] || fail "no clusters: the test would prove nothing"

# reads back: the compressed kept records are a corpus like the plain ones
# (dedup of the kept records keeps them all, byte for byte)
for x in zst gz; do
    cp "$T/dedup.jsonl.$x" "$T/kept.jsonl.$x"
    "$N" dedup "$T/kept.jsonl.$x" -t 0.5 -o "$T/back.$x.jsonl" -q || fail "read back .$x"
    cmp -s "$T/back.$x.jsonl" "$T/dedup.jsonl" || fail "the .$x kept records read back differently"
done

# deterministic: the same bytes each run and for any thread count; any case
"$N" overlap "$D/seeds" --format jsonl -j 1 -o "$T/o1.jsonl.zst" -q || fail "overlap -j 1"
"$N" overlap "$D/seeds" --format jsonl -j 3 -o "$T/o3.jsonl.zst" -q || fail "overlap -j 3"
cmp -s "$T/o1.jsonl.zst" "$T/o3.jsonl.zst" || fail "overlap .zst differs between -j 1 and -j 3"
cmp -s "$T/o1.jsonl.zst" "$T/overlap.jsonl.zst" || fail "overlap .zst differs between runs"
"$N" dedup "$S" -t 0.5 -o "$T/again.jsonl.gz" -q || fail "dedup .gz again"
cmp -s "$T/again.jsonl.gz" "$T/dedup.jsonl.gz" || fail "dedup .gz differs between runs (gzip header time?)"
"$N" pairs "$S" -t 0.3 -o "$T/UP.TXT.ZST" -q && zstd -tq "$T/UP.TXT.ZST" || fail ".ZST (upper case) is not compressed"
# a large output: many compressor buffers, through dedup's writer thread
/usr/bin/python3 bench/gen_edited.py "$S" 100 --seed 3 > "$T/big.jsonl" || fail "generator"
for j in 1 3; do
    "$N" dedup "$T/big.jsonl" -j $j -o "$T/big.kept.jsonl.zst" --clusters "$T/big.c.jsonl.gz" -q || fail "big -j $j"
    "$N" dedup "$T/big.jsonl" -j $j -o "$T/big.kept.jsonl" --clusters "$T/big.c.jsonl" -q || fail "big plain -j $j"
    zstd -dcq "$T/big.kept.jsonl.zst" | cmp -s - "$T/big.kept.jsonl" || fail "big kept .zst differs, -j $j"
    gzip -dc "$T/big.c.jsonl.gz" | cmp -s - "$T/big.c.jsonl" || fail "big clusters .gz differs, -j $j"
done

# an index is refused: query maps it in place
"$N" index build "$D/seeds" -o "$T/ref2.ndx.zst" -q 2> "$T/err"
[ $? -eq 2 ] || fail "index build -o X.zst should exit 2: $(cat "$T/err")"
grep -q "an index is not compressed" "$T/err" || fail "index message: $(cat "$T/err")"
[ -z "$(ls "$T" | grep ref2)" ] || fail "index build -o X.zst left $(ls "$T" | grep ref2)"

# write errors: the errno, for output that fails inside the stream and for
# the frame's end alone (a small output fits the stream buffer: its first
# write is the compressor's, at the commit); nothing is renamed
FULL=/dev/full
[ "$(id -u)" -eq 0 ] && mknod "$T/fulldev" c 1 7 2> /dev/null && FULL=$T/fulldev
for x in zst gz; do
    ln -s "$FULL" "$T/full.$x"
    for in in "$S" "$T/big.jsonl"; do
        "$N" dedup "$in" -o "$T/full.$x" -q 2> "$T/err"
        rc=$?
        [ $rc -eq 1 ] || fail "dedup -o full.$x: exit $rc, want 1: $(cat "$T/err")"
        grep -q "cannot write $T/full.$x: No space left on device" "$T/err" || fail "full.$x: $(cat "$T/err")"
    done
    rm -f "$T/k2.jsonl.$x"
    "$N" dedup "$S" -o "$T/k2.jsonl.$x" --clusters "$T/full.$x" -q 2> /dev/null && fail "--clusters full.$x succeeded"
    [ ! -e "$T/k2.jsonl.$x" ] || fail "-o k2.jsonl.$x appeared although --clusters failed"
done
[ -z "$(ls -A "$T" | grep '\.tmp\.')" ] || fail "temporary files left: $(ls -A "$T" | grep '\.tmp\.')"

# a signal while a compressed output is open leaves nothing beside it
mkdir "$T/w"
mkfifo "$T/ff"
for sig in INT TERM; do
    exec 3<> "$T/ff"
    printf '{"id": "q1", "text": "the quick brown fox jumps over the lazy dog again"}\n' >&3
    (cd "$T/w" && exec /usr/bin/python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGTERM): signal.signal(s, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$N" dedup - -o kept.jsonl.zst --clusters c.jsonl.gz < "$T/ff" 2> /dev/null) &
    pid=$!
    i=0
    while [ $i -lt 50 ] && ! ls -A "$T/w" | grep -q '\.tmp\.'; do sleep 0.1; i=$((i + 1)); done
    [ $i -lt 50 ] || { kill -KILL $pid; fail "SIG$sig: no temporary output appeared"; }
    kill -$sig $pid
    wait $pid
    rc=$?
    exec 3>&-
    [ $rc -gt 128 ] || fail "SIG$sig: exit status $rc"
    [ -z "$(ls -A "$T/w")" ] || fail "SIG$sig left $(ls -A "$T/w")"
done
exit 0
