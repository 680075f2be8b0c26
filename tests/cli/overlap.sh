#!/bin/sh
# overlap.sh - `neardup align` and `neardup overlap` on the two seed articles
# (one shared 47-word quoted statement; word-5-gram Jaccard 0.064), JSONL
# fields, --against, boilerplate masking, thread invariance, edge cases.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_overlap_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "overlap.sh: FAIL: $*" >&2; exit 1; }
A=tests/data/seeds/000_e994c8c5101e7cdf.txt
B=tests/data/seeds/003_9a10c820da11214b.txt

# ---- align: the statement as one passage, despite "Allies"/"allies" and a quote mark ----
"$N" align "$A" "$B" --format jsonl -q > "$T/al.jsonl" || fail "align exit $?"
cat > "$T/want.jsonl" <<G
{"a": "$A", "b": "$B", "a_start": 1250, "a_end": 1543, "b_start": 245, "b_end": 539, "words": 47, "identity": 1, "matches": 47, "substituted": 0, "inserted": 0, "deleted": 0}
G
cmp -s "$T/al.jsonl" "$T/want.jsonl" || { diff "$T/want.jsonl" "$T/al.jsonl" >&2; fail "align golden"; }
[ "$(head -c 1543 "$A" | tail -c 293)" = "$(cat <<'S'
and NATO are ready to meet again with Russia and are committed to pursuing continued diplomacy and reciprocal dialogue. The United States and its NATO Allies are united on the diplomatic path forward and urge Russia to take immediate action to deescalate its ongoing aggression against Ukraine
S
)" ] || fail "the A offsets do not hold the statement"
head -c 539 "$B" | tail -c 294 | grep -q '^and NATO are "ready to meet again.*ongoing aggression against Ukraine$' ||
    fail "the B offsets do not hold the statement"
"$N" align "$A" "$B" > "$T/al.txt" 2> "$T/err" || fail "align text"
grep -q "passage 1: 47 words, 47 matching, identity 1.000" "$T/al.txt" || fail "align text: $(cat "$T/al.txt")"
grep -q "$A:1250-1543" "$T/al.txt" || fail "align text lacks A offsets"
grep -q "1 passage of >= 20 words, 47 matching words" "$T/err" || fail "align summary: $(cat "$T/err")"
# a higher --min-words hides it; align takes two inputs, one record each
[ -z "$("$N" align "$A" "$B" --min-words 48 -q)" ] || fail "--min-words 48 should hide the 47-word passage"
"$N" align "$A" 2>/dev/null; [ $? -eq 2 ] || fail "align with one input should exit 2"
"$N" align tests/data/sample.jsonl "$B" 2> "$T/err"; [ $? -eq 2 ] || fail "align of a multi-record JSONL should exit 2"
grep -q "more than one record" "$T/err" || fail "multi-record message: $(cat "$T/err")"

# ---- overlap lists the pair; JSONL fields ----
"$N" overlap tests/data/seeds --format jsonl -q > "$T/ov.jsonl" || fail "overlap exit $?"
[ "$(wc -l < "$T/ov.jsonl")" -eq 1 ] || fail "overlap should list one pair: $(cat "$T/ov.jsonl")"
grep -q "^{\"a\": \"$A\", \"b\": \"$B\", \"shared_words\": 47, \"containment_a\": 0.1211, \"containment_b\": 0.08608, \"passages\": \[{\"a_start\": 1250, \"a_end\": 1543, \"b_start\": 245, \"b_end\": 539, \"words\": 47, \"identity\": 1, \"matches\": 47, \"substituted\": 0, \"inserted\": 0, \"deleted\": 0}\]}$" "$T/ov.jsonl" ||
    fail "overlap JSONL: $(cat "$T/ov.jsonl")"
"$N" overlap "$A" --against "$B" --format jsonl -q | cmp -s - "$T/ov.jsonl" || fail "--against differs"
"$N" overlap "$B" --against "$A" --format jsonl -q | grep -q "\"a\": \"$B\", \"b\": \"$A\"" || fail "--against: a is the input"

# ---- a corpus: thread invariance, boilerplate masked, empty and short documents ----
/usr/bin/python3 - "$T/c.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(5)
vocab = ["w%d" % i for i in range(20000)]
words = lambda n: " ".join(rnd.choice(vocab) for _ in range(n))
sig = "-- " + words(30)              # a signature in 12 documents: boilerplate at --max-df 10
quote = words(40)                     # a passage quoted by 3 documents
with open(sys.argv[1], "w") as f:
    for i in range(60):
        t = words(rnd.randint(50, 150))
        if i in (3, 9, 15): t += " " + quote + " " + words(20)
        if i % 5 == 0: t += " " + sig
        f.write(json.dumps({"id": "d%d" % i, "text": t}) + "\n")
    f.write(json.dumps({"id": "empty", "text": ""}) + "\n")
    f.write(json.dumps({"id": "short", "text": quote.split()[0]}) + "\n")
PY
"$N" overlap "$T/c.jsonl" --format jsonl -q -j 1 > "$T/o1" || fail "overlap -j 1"
"$N" overlap "$T/c.jsonl" --format jsonl -q -j 3 > "$T/o3" || fail "overlap -j 3"
cmp -s "$T/o1" "$T/o3" || fail "overlap output depends on the thread count"
# the quote pairs d3, d9, d15 (3 pairs); the signature, in 12 documents, pairs 66
[ "$(grep -c '"passages"' "$T/o1")" -eq 69 ] || fail "expected 3 + 66 pairs: $(wc -l < "$T/o1")"
grep -q '^{"a": "d3", "b": "d9", "shared_words": 40,' "$T/o1" || fail "the quote pair d3 d9"
# at --max-df 10 the signature is boilerplate: its words are masked, no pair rests on it
"$N" overlap "$T/c.jsonl" --max-df 10 --format jsonl 2> "$T/err" > "$T/o10" || fail "overlap --max-df 10"
grep -q "dropped as boilerplate (in more than 10 documents" "$T/err" || fail "summary: $(cat "$T/err")"
[ "$(wc -l < "$T/o10")" -eq 3 ] || fail "--max-df 10: expected the 3 quote pairs: $(cut -c1-40 "$T/o10")"
grep -q '^{"a": "d9", "b": "d15", "shared_words": 40,' "$T/o10" || fail "--max-df 10: d15 keeps its quote"
: > "$T/empty.txt"
"$N" overlap "$T/empty.txt" "$A" -q > "$T/oe" || fail "overlap with an empty document"
[ ! -s "$T/oe" ] || fail "an empty document shares nothing"

# ---- streamed output (pairs written in order by the aligning threads as blocks of candidates
# finish): the same bytes for every thread count and format, -o or standard output ----
/usr/bin/python3 - "$T/many.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(11)
vocab = ["v%d" % i for i in range(30000)]
words = lambda n: " ".join(rnd.choice(vocab) for _ in range(n))
quotes = [words(rnd.randint(25, 60)) for _ in range(150)]
with open(sys.argv[1], "w") as f:
    for i in range(600):
        parts = [words(rnd.randint(5, 40))]
        for q in rnd.sample(quotes, rnd.randint(1, 4)):
            parts += [q if rnd.random() < 0.8 else q.replace(" ", " x ", 2), words(rnd.randint(3, 30))]
        f.write(json.dumps({"id": "m%03d" % i, "text": "\n".join(parts)}) + "\n")
PY
for fmt in text jsonl html; do
    for j in 1 2 3; do
        "$N" overlap "$T/many.jsonl" --format $fmt -j $j -o "$T/m.$fmt.$j" 2> "$T/err" || fail "overlap --format $fmt -j $j"
        # the report names its command line: compare the rest
        [ $fmt = html ] && sed -i 's|<p class="cmd">[^<]*</p>||' "$T/m.$fmt.$j"
    done
    cmp -s "$T/m.$fmt.1" "$T/m.$fmt.2" && cmp -s "$T/m.$fmt.1" "$T/m.$fmt.3" ||
        fail "overlap --format $fmt depends on the thread count"
done
grep -q "candidate pairs aligned; [0-9]* pairs share" "$T/err" || fail "summary: $(cat "$T/err")"
cand=$(sed -n 's/.* \([0-9]*\) candidate pairs aligned.*/\1/p' "$T/err")
[ "$cand" -gt 2000 ] || fail "expected thousands of candidates (many blocks), got $cand"
[ "$(wc -l < "$T/m.jsonl.1")" -gt 1000 ] || fail "expected over 1000 pairs: $(wc -l < "$T/m.jsonl.1")"
"$N" overlap "$T/many.jsonl" --format jsonl -j 3 -q | cmp -s - "$T/m.jsonl.1" || fail "standard output differs from -o"
"$N" overlap "$T/many.jsonl" -j 2 -q | cmp -s - "$T/m.text.1" || fail "text on standard output differs from -o"
# the text pairs are the JSONL pairs, in the same order
grep -v '^ ' "$T/m.text.1" | cut -d' ' -f1,3 > "$T/ids.text"
sed 's/^{"a": "\([^"]*\)", "b": "\([^"]*\)".*/\1 \2/' "$T/m.jsonl.1" > "$T/ids.jsonl"
cmp -s "$T/ids.text" "$T/ids.jsonl" || fail "text and JSONL list different pairs"
sort -c "$T/ids.jsonl" || fail "pairs are not sorted by (a, b)"
ls "$T" | grep -q '\.tmp\.' && fail "a temporary output file was left behind"

# ---- the text view shows control characters safely: tab, CR, LF -> space, others -> '?' ----
P="alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
Q="nu xi omicron pi rho sigma tau upsilon phi chi psi omega one two three four five six"
printf 'intro words here %s\tTAB\001ctl\177del\r\n%s end of first' "$P" "$Q" > "$T/c1.txt"
printf 'other beginning %s\tTAB\001ctl\177del\r\n%s closing second' "$P" "$Q" > "$T/c2.txt"
"$N" overlap "$T/c1.txt" "$T/c2.txt" -q > "$T/oc" || fail "overlap with control characters"
[ "$(grep -c "\"$P TAB?ctl?del  $Q\"\$" "$T/oc")" = 2 ] || fail "control characters shown as ' ' and '?'"
exit 0
