#!/bin/sh
# out_same_file.sh - issue 19, defect 5: an output that is also an input, or
# two outputs on one file, is refused with exit status 2 before anything is
# read, and the input is left byte for byte as it was.  Files are compared by
# device and inode: another spelling, a hard link or a symbolic link is the
# same file.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
case $N in /*) ;; *) N=$PWD/$N ;; esac
T=$(mktemp -d /tmp/nd_same_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "out_same_file.sh: FAIL: $*" >&2; exit 1; }
cd "$T" || exit 1
S=$OLDPWD/tests/data/sample.jsonl
cp "$S" x.jsonl
cp "$S" orig
cp "$OLDPWD/tests/data/seeds/000_e994c8c5101e7cdf.txt" a.txt
cp "$OLDPWD/tests/data/seeds/003_9a10c820da11214b.txt" b.txt
ln x.jsonl hard.jsonl
ln -s x.jsonl link.jsonl
touch before after out err

# refused PATTERN CMD...: exit 2, stderr matches PATTERN, x.jsonl, a.txt and
# the index untouched, and nothing new in the directory
refused() {
    pat=$1
    shift
    ls -A > before
    "$@" > out 2> err < /dev/null
    rc=$?
    [ $rc -eq 2 ] || fail "$*: exit $rc, want 2; stderr: $(cat err)"
    grep -Eq -- "$pat" err || fail "$*: stderr does not match /$pat/: $(cat err)"
    cmp -s x.jsonl orig || fail "$*: the input x.jsonl was changed"
    cmp -s a.txt "$OLDPWD/tests/data/seeds/000_e994c8c5101e7cdf.txt" || fail "$*: a.txt was changed"
    [ ! -e ref.ndx ] || cmp -s ref.ndx ref.orig || fail "$*: the index was changed"
    ls -A > after
    cmp -s before after || fail "$*: files appeared: $(diff before after | tr '\n' ' ')"
    [ ! -s out ] || fail "$*: wrote to standard output: $(head -c 200 out)"
}
IN="is also an input"

refused "-o x.jsonl $IN \(x.jsonl\)" "$N" dedup x.jsonl -o x.jsonl
refused "$IN" "$N" dedup x.jsonl -o ./x.jsonl
refused "$IN" "$N" dedup x.jsonl -o hard.jsonl
refused "$IN" "$N" dedup link.jsonl -o x.jsonl
refused "$IN" "$N" dedup x.jsonl -o link.jsonl
refused "--clusters x.jsonl $IN" "$N" dedup x.jsonl -o k.jsonl --clusters x.jsonl
refused "$IN" "$N" pairs x.jsonl -o x.jsonl
refused "$IN" "$N" pairs a.txt b.txt x.jsonl -t 0.5 -o x.jsonl
refused "$IN" "$N" overlap x.jsonl -o x.jsonl
refused "$IN" "$N" overlap b.txt --against a.txt -o a.txt
refused "$IN" "$N" align a.txt b.txt -o a.txt
refused "$IN" "$N" index build x.jsonl -o x.jsonl
# standard input or output that is an input file
refused "$IN \(standard input\)" sh -c '"$0" dedup - -o x.jsonl < x.jsonl' "$N"
refused "\(standard output\) $IN" sh -c '"$0" pairs x.jsonl >> x.jsonl' "$N"
# checked before reading: a broken input is not even parsed
printf '{"id": broken\n' > bad.jsonl
cp bad.jsonl bad.orig
refused "$IN" "$N" dedup bad.jsonl -o bad.jsonl
cmp -s bad.jsonl bad.orig || fail "bad.jsonl changed"

# two outputs on one file, or both on standard output
refused "-o k.jsonl and --clusters k.jsonl are the same file" "$N" dedup x.jsonl -o k.jsonl --clusters k.jsonl
refused "same file" "$N" dedup x.jsonl -o k.jsonl --clusters ./k.jsonl
echo keep > k.jsonl
refused "same file" "$N" dedup x.jsonl -o k.jsonl --clusters k.jsonl
[ "$(cat k.jsonl)" = keep ] || fail "k.jsonl was changed"
rm k.jsonl
refused "both write to standard output" "$N" dedup x.jsonl -o - --clusters -
# /dev/null takes any number of outputs (as root, a node of our own: a
# binary that renamed over devices would replace the system's)
NUL=/dev/null
[ "$(id -u)" -eq 0 ] && mknod nul c 1 3 2> /dev/null && NUL=$T/nul
"$N" dedup x.jsonl -o $NUL --clusters $NUL -q || fail "-o $NUL --clusters $NUL"
[ -c $NUL ] || fail "$NUL is no longer a device"
rm -f nul

# the index: query -o IDX, and index add of the index to itself
"$N" index build a.txt -o ref.ndx -q || fail "index build"
cp ref.ndx ref.orig
refused "$IN" "$N" query ref.ndx b.txt -o ref.ndx
refused "$IN" "$N" query ref.ndx b.txt --mode overlap -o ref.ndx
refused "index ref.ndx $IN" "$N" index add ref.ndx b.txt ref.ndx

# a directory input may hold the output: that is not this refusal (out_walk.sh)
mkdir d && cp a.txt b.txt d/
"$N" pairs d -o d/pairs.txt -q || fail "pairs d -o d/pairs.txt"
exit 0
