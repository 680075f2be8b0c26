#!/bin/sh
# align_id.sh - `neardup align CORPUS CORPUS --a-id X --b-id Y`: a pair that
# overlap reported, shown from the corpus itself, with the same passages;
# missing and repeated ids fail with exit 2 naming the file.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_align_id_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "align_id.sh: FAIL: $*" >&2; exit 1; }
S=tests/data/sample.jsonl

# copied passages (overlap's default, align --verbatim) and rewritten ones
# too (overlap --edited, align's default): the same passages either way
"$N" overlap "$S" --format jsonl -q > "$T/ov.jsonl" || fail "overlap exit $?"
"$N" overlap "$S" --edited --format jsonl -q > "$T/ove.jsonl" || fail "overlap --edited exit $?"
[ "$(wc -l < "$T/ov.jsonl")" -ge 3 ] || fail "the sample should hold at least 3 overlapping pairs"
# every reported pair: align's passages are the pair's passages, in the same order
for mode in verbatim edited; do
/usr/bin/python3 - "$N" "$S" "$T/ov.jsonl" "$T/ove.jsonl" "$mode" <<'PY' || fail "align --a-id/--b-id differs from overlap ($mode)"
import json, subprocess, sys
n, s, ov, ove, mode = sys.argv[1:]
for line in open(ov if mode == "verbatim" else ove):
    r = json.loads(line)
    out = subprocess.run([n, "align", s, s, "--a-id", r["a"], "--b-id", r["b"], "--format", "jsonl", "-q"]
                         + (["--verbatim"] if mode == "verbatim" else []),
                         capture_output=True, text=True, check=True).stdout
    got = [json.loads(x) for x in out.splitlines()]
    want = [dict(a=r["a"], b=r["b"], **p) for p in r["passages"]]
    if got != want:
        sys.exit("pair %s %s:\n got  %s\n want %s" % (r["a"], r["b"], got, want))
PY
done
# the text output shows the ids and offsets
"$N" align "$S" "$S" --a-id reuters-4 --b-id reuters-16 > "$T/al.txt" 2>/dev/null || fail "align text"
grep -q "$S" "$T/al.txt" && fail "ids, not the file name, should name the sides"
grep -q "reuters-16:40-2885" "$T/al.txt" || fail "align text lacks reuters-16:40-2885: $(head -5 "$T/al.txt")"
# errors: no such id; a second record with the id; many records without an id
"$N" align "$S" "$S" --a-id nope --b-id reuters-16 2> "$T/err"; [ $? -eq 2 ] || fail "missing id should exit 2"
grep -q "$S holds no record with id \"nope\"" "$T/err" || fail "missing id message: $(cat "$T/err")"
{ cat "$S"; grep '"id": "reuters-16"' "$S"; } > "$T/dup.jsonl"
"$N" align "$T/dup.jsonl" "$S" --a-id reuters-16 --b-id reuters-4 2> "$T/err"; [ $? -eq 2 ] || fail "repeated id should exit 2"
grep -q "dup.jsonl:[0-9]*: a second record with id \"reuters-16\"" "$T/err" || fail "repeated id message: $(cat "$T/err")"
"$N" align "$S" "$S" --a-id reuters-4 2> "$T/err"; [ $? -eq 2 ] || fail "B with many records and no --b-id should exit 2"
grep -q "more than one record" "$T/err" || fail "many-records message: $(cat "$T/err")"
exit 0
