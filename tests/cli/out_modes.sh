#!/bin/sh
# out_modes.sh - issue 19, defect 8: outputs honour the umask (umask 077
# gives 0600, for the index that stores every text too), a rewritten file
# keeps its mode, and an output that is a symbolic link is written through
# (the link stays, the file it names is replaced), `index add` included.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
case $N in /*) ;; *) N=$PWD/$N ;; esac
T=$(mktemp -d /tmp/nd_modes_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "out_modes.sh: FAIL: $*" >&2; exit 1; }
D=$PWD/tests/data
S=$D/sample.jsonl
A=$D/seeds/000_e994c8c5101e7cdf.txt
B=$D/seeds/003_9a10c820da11214b.txt
cd "$T" || exit 1
mode() { stat -c %a "$1"; }

# umask 077: every output 0600; umask 027: 0640
for m in 077:600 027:640 022:644; do
    u=${m%:*} want=${m#*:}
    rm -rf o && mkdir o
    (
        umask $u
        "$N" dedup "$S" -o o/kept.jsonl --clusters o/clusters.jsonl -q &&
        "$N" pairs "$S" -o o/pairs.txt -q &&
        "$N" overlap "$D/seeds" -o o/overlap.txt -q &&
        "$N" overlap "$D/seeds" --format html -o o/overlap.html -q &&
        "$N" align "$A" "$B" -o o/align.txt -q &&
        "$N" index build "$D/seeds" -o o/ref.ndx -q &&
        "$N" query o/ref.ndx "$A" -o o/query.txt -q &&
        "$N" index add o/ref.ndx "$S" -q
    ) || fail "umask $u: a command failed"
    for f in o/*; do
        [ "$(mode "$f")" = "$want" ] || fail "umask $u: $f is $(mode "$f"), want $want"
    done
done

# a rewritten output keeps its mode, whatever the umask
for want in 600 640 604; do
    echo old > k.jsonl
    chmod $want k.jsonl
    (umask 022 && "$N" dedup "$S" -o k.jsonl -q) || fail "rewrite $want"
    [ "$(mode k.jsonl)" = "$want" ] || fail "a $want file became $(mode k.jsonl) when rewritten"
    grep -q '"id"' k.jsonl || fail "k.jsonl was not rewritten"
done
"$N" index build "$A" -o ref.ndx -q && chmod 600 ref.ndx || fail "index build"
(umask 022 && "$N" index add ref.ndx "$B" -q) || fail "index add"
[ "$(mode ref.ndx)" = 600 ] || fail "index add made a 0600 index $(mode ref.ndx)"

# symbolic links are written through
mkdir real
"$N" index build "$A" -o real/ref.ndx -q || fail "index build real/ref.ndx"
chmod 600 real/ref.ndx
ln -s real/ref.ndx link.ndx
"$N" index add link.ndx "$B" -q || fail "index add through a link"
[ -L link.ndx ] || fail "index add replaced the symbolic link with a file"
"$N" index info real/ref.ndx | grep -q "^documents:  2 " || fail "index add did not reach the linked index: $("$N" index info real/ref.ndx)"
[ "$(mode real/ref.ndx)" = 600 ] || fail "the linked index became $(mode real/ref.ndx)"
ls real | grep -q tmp && fail "temporary files left in real/: $(ls real)"
echo old > real/kept.jsonl
ln -s real/kept.jsonl kept-link.jsonl
"$N" dedup "$S" -o kept-link.jsonl -q || fail "dedup -o a link"
[ -L kept-link.jsonl ] || fail "dedup replaced the symbolic link"
grep -q '"id"' real/kept.jsonl || fail "dedup did not write the linked file"
ln -s real/missing.jsonl dangling.jsonl
"$N" dedup "$S" -o dangling.jsonl -q 2> err
[ $? -eq 1 ] || fail "-o a dangling link: want exit 1"
grep -q "dangling.jsonl: it is a symbolic link to a missing file" err || fail "dangling link: $(cat err)"
[ -L dangling.jsonl ] && [ ! -e real/missing.jsonl ] || fail "the dangling link was changed"
# a link to a pipe (/dev/stdout into a pipe) is written in place, not renamed over
n=$("$N" pairs "$S" -o /dev/stdout -q | wc -l)
[ "$n" -eq 3 ] || fail "pairs -o /dev/stdout | wc -l gave $n lines, want 3"
[ -L /dev/stdout ] || fail "/dev/stdout is no longer a link"
exit 0
