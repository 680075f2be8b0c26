#!/bin/sh
# out_walk.sh - issue 19, defect 4: with -o inside an input directory, a
# walk leaves out the run's own output (the previous one, or the file the
# rename will put there) and its temporary files, and says so; a rerun
# reads the same records (no phantom {"id": "wd/kept.jsonl.tmp.XXXXXX"}, no
# duplicate ids).
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
case $N in /*) ;; *) N=$PWD/$N ;; esac
T=$(mktemp -d /tmp/nd_walk_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "out_walk.sh: FAIL: $*" >&2; exit 1; }
cd "$T" || exit 1
mkdir src
cp "$OLDPWD/tests/data/seeds/000_e994c8c5101e7cdf.txt" src/a.txt
cp src/a.txt src/b.txt
cp "$OLDPWD/tests/data/seeds/003_9a10c820da11214b.txt" src/c.txt
fresh() { rm -rf wd && cp -r src wd; } # the three documents alone

# twice CMD...: runs CMD twice (the second time its output is there); both
# exit 0 and read 3 records, and say what they left out
twice() {
    for run in 1 2; do
        "$@" 2> err || fail "$* (run $run): exit $?: $(cat err)"
        grep -Eq "(^| )3 (records read|documents indexed)" err || fail "$* (run $run) did not read exactly 3 records: $(cat err)"
        grep -q "not read as an input: it is a temporary file of this run's output" err ||
            fail "$* (run $run): the temporary file left out is not reported: $(cat err)"
        if [ $run = 2 ]; then
            grep -q "not read as an input: it is this run's output" err ||
                fail "$* (run $run): the previous output left out is not reported: $(cat err)"
        fi
    done
}
fresh
twice "$N" dedup wd -o wd/kept.jsonl --clusters wd/clusters.jsonl
grep -q '"id": "wd/a.txt"' wd/kept.jsonl || fail "kept: $(cut -c1-100 wd/kept.jsonl)"
[ "$(wc -l < wd/kept.jsonl)" -eq 2 ] || fail "dedup kept $(wc -l < wd/kept.jsonl) records, want 2"
grep -q 'tmp' wd/kept.jsonl wd/clusters.jsonl && fail "a temporary file was read: $(cat wd/clusters.jsonl)"
fresh
twice "$N" pairs wd -o wd/pairs.txt
[ "$(wc -l < wd/pairs.txt)" -eq 1 ] || fail "pairs: $(cat wd/pairs.txt)"
fresh
twice "$N" overlap wd -o wd/overlap.jsonl --format jsonl
fresh
twice "$N" index build wd -o wd/ref.ndx
fresh
# through a symbolic link to the output inside the directory
echo '{"id": "old", "text": "an earlier output"}' > kept.jsonl
ln -s ../kept.jsonl wd/link.jsonl
"$N" dedup wd -o kept.jsonl 2> err || fail "dedup with a link to its output: $(cat err)"
grep -q "^neardup dedup: 3 records read" err || fail "dedup with a link to its output read: $(cat err)"
grep -q "wd/link.jsonl: not read as an input: it is this run's output" err || fail "the link to the output was read: $(cat err)"
fresh
# a stale temporary file of a killed run is removed before the walk
touch wd/kept.jsonl.tmp.AbCd12
"$N" dedup wd -o wd/kept.jsonl -q 2> err || fail "dedup with a stale temporary file: $(cat err)"
grep -q "removed wd/kept.jsonl.tmp.AbCd12, left by an interrupted run" err || fail "stale file: $(cat err)"
[ ! -e wd/kept.jsonl.tmp.AbCd12 ] || fail "the stale temporary file is still there"
exit 0
