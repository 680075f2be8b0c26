#!/bin/sh
# passage_view.sh - issue 22 part 5: how passages are shown.
#  - --excerpts: JSONL passages of overlap, align, align --pairs and query
#    --mode overlap carry "a_text" / "b_text", the passage's bytes (checked
#    against the files at the offsets printed); without it the records are
#    as before (no such key);
#  - --context N: the text view adds "before:" / "after:" lines holding the
#    N words around each excerpt, "..." where the text goes on; the excerpt
#    line itself is unchanged;
#  - an excerpt over 2000 bytes is cut in the middle around "[... N words
#    ...]" on a terminal (N the words left out), unless --full; a file or a
#    pipe gets it whole, as before;
#  - options a format would ignore are refused (exit 2).
# Before the change each of these options was unknown (exit 2).
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
case $N in /*) ;; *) N=$PWD/$N ;; esac
T=$(mktemp -d /tmp/nd_view_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "passage_view.sh: FAIL: $*" >&2; exit 1; }
D=$PWD/tests/data
A=$D/seeds/000_e994c8c5101e7cdf.txt
B=$D/seeds/003_9a10c820da11214b.txt
"$N" index build "$D/seeds" -o "$T/ref.ndx" -q || fail "index build"

# check_excerpts FILE: every passage's a_text / b_text is its file's bytes
# at [start, end) (plain text inputs: text offsets are file offsets)
check_excerpts() {
    /usr/bin/python3 - "$1" <<'PY' || fail "excerpts of $1"
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    for p in r.get("passages", [r]):
        for side in "ab":
            text = open(r[side], "rb").read()
            want = text[p[side + "_start"]:p[side + "_end"]].decode("utf-8")
            assert p[side + "_text"] == want, (side, p[side + "_text"][:80], want[:80])
        n += 1
assert n, "no passages: the test would prove nothing"
PY
}
printf '%s\t%s\n' "$A" "$B" > "$T/ab.tsv"
for c in "overlap $D/seeds" "align $A $B" "align --pairs $T/ab.tsv" "query $T/ref.ndx $A --mode overlap"; do
    # shellcheck disable=SC2086
    "$N" $c --format jsonl -q > "$T/plain.jsonl" || fail "$c jsonl"
    grep -q '_text"' "$T/plain.jsonl" && fail "$c: excerpts without --excerpts"
    # shellcheck disable=SC2086
    "$N" $c --format jsonl --excerpts -q > "$T/ex.jsonl" || fail "$c --excerpts"
    grep -q '"a_text": ' "$T/ex.jsonl" && grep -q '"b_text": ' "$T/ex.jsonl" || fail "$c: no a_text/b_text"
    check_excerpts "$T/ex.jsonl"
    # nothing else changes: without the two keys, the records are the same
    /usr/bin/python3 -c 'import json, sys
def strip(r):
    for p in r.get("passages", [r]):
        p.pop("a_text", None); p.pop("b_text", None)
    return r
a = [strip(json.loads(l)) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
sys.exit(a != b)' "$T/ex.jsonl" "$T/plain.jsonl" || fail "$c: --excerpts changed other fields"
done

# --context: before/after lines around the unchanged excerpt line
"$N" align "$A" "$B" -q > "$T/t0" || fail "align text"
"$N" align "$A" "$B" --context 0 -q | cmp -s - "$T/t0" || fail "--context 0 differs from the default"
"$N" align "$A" "$B" --context 4 -q > "$T/t4" || fail "align --context 4"
grep -v '^      before: \|^      after: ' "$T/t4" | cmp -s - "$T/t0" || fail "--context changed other lines"
/usr/bin/python3 - "$T/t4" "$A" "$B" <<'PY' || fail "--context 4 words"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
files = {sys.argv[2]: open(sys.argv[2], encoding="utf-8").read(), sys.argv[3]: open(sys.argv[3], encoding="utf-8").read()}
seen = 0
for i, l in enumerate(lines):
    m = re.match(r"    (.*):(\d+)-(\d+)$", l)
    if not m:
        continue
    t = files[m.group(1)].encode()
    s, e = int(m.group(2)), int(m.group(3))
    before = t[:s].decode().split()[-4:]
    after = t[e:].decode().split()[:4]
    # (spaces inside the context are the text's own)
    b, a = lines[i + 1], lines[i + 3]
    assert b.startswith("      before: ...") and b[17:].split() == before, (b, before)
    assert a.startswith("      after: ") and a.endswith("...") and a[13:-3].split() == after, (a, after)
    seen += 1
assert seen == 2, seen
PY
"$N" overlap "$D/seeds" --context 3 -q | grep -q '^      before: ' || fail "overlap --context"
"$N" query "$T/ref.ndx" "$A" --mode overlap --context 3 -q | grep -q '^      after: ' || fail "query --context"

# a passage longer than a screen: two documents sharing 600 words
/usr/bin/python3 - "$T" <<'PY'
import random, sys
r = random.Random(5)
w = ["w%d" % r.randrange(100000) for _ in range(600)]
open(sys.argv[1] + "/x.txt", "w").write("alpha beta gamma " + " ".join(w) + " delta epsilon\n")
open(sys.argv[1] + "/y.txt", "w").write("one two three " + " ".join(w) + " four five\n")
PY
"$N" align "$T/x.txt" "$T/y.txt" -q > "$T/long" || fail "align long"
grep -q '\[\.\.\. ' "$T/long" && fail "a file got a shortened excerpt"
grep -q 'w.* w.* w.*' "$T/long" || fail "no long excerpt"
if command -v script > /dev/null; then
    script -qec "\"$N\" align \"$T/x.txt\" \"$T/y.txt\" -q --color never" /dev/null | tr -d '\r' > "$T/tty"
    /usr/bin/python3 - "$T/tty" "$T/long" <<'PY' || fail "shortened excerpt on a terminal: $(head -c 600 "$T/tty")"
import re, sys
tty = [l for l in open(sys.argv[1]) if l.startswith('      "')]
full = [l for l in open(sys.argv[2]) if l.startswith('      "')]
assert len(tty) == len(full) == 2, (len(tty), len(full))
for t, f in zip(tty, full):
    m = re.match(r'      "(.*) \[\.\.\. (\d+) words \.\.\.\] (.*)"$', t.rstrip("\n"))
    assert m, t[:200]
    head, n, tail = m.group(1).split(), int(m.group(2)), m.group(3).split()
    words = f.rstrip("\n")[7:-1].split()
    assert head + words[len(head):len(head) + n] + tail == words, "head + left out + tail != the excerpt"
    assert len(t) < 2100 and n > 0, (len(t), n)
PY
    script -qec "\"$N\" align \"$T/x.txt\" \"$T/y.txt\" -q --full --color never" /dev/null | tr -d '\r' > "$T/ttyfull"
    grep -q '\[\.\.\. ' "$T/ttyfull" && fail "--full on a terminal shortened an excerpt"
    cmp -s "$T/ttyfull" "$T/long" || fail "--full on a terminal differs from the file output"
else
    echo "passage_view.sh: note: no script(1): the terminal cases are not checked" >&2
fi

# refused: what the format would ignore
expect2() {
    what=$1
    shift
    "$@" > "$T/out" 2> "$T/err"
    [ $? -eq 2 ] || fail "$what: want exit 2"
    grep -q -e "$what" "$T/err" || fail "$what: message: $(cat "$T/err")"
    [ -s "$T/out" ] && fail "$what: wrote output"
    return 0
}
expect2 "--excerpts adds" "$N" align "$A" "$B" --excerpts
expect2 "--context shapes" "$N" overlap "$D/seeds" --format jsonl --context 3
expect2 "--full shapes" "$N" align "$A" "$B" --format html --full -o "$T/r.html"
expect2 "show passages" "$N" query "$T/ref.ndx" "$A" --excerpts --format jsonl
expect2 "expected a whole number" "$N" align "$A" "$B" --context x
exit 0
