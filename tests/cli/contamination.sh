#!/bin/sh
# contamination.sh - `neardup contamination`: benchmark items planted whole and
# as a 30% excerpt into a generated corpus are found (coverage, matching
# document, byte range), clean ones are not; a short item must appear whole;
# --min-coverage; --clean copies the clean records byte for byte; --fields
# question,answer needs both in one document; -j 1 = -j 3; bad benchmarks.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_contam_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "contamination.sh: FAIL: $*" >&2; exit 1; }

/usr/bin/python3 - "$T" <<'PY'
import json, random, sys
d = sys.argv[1]
rnd = random.Random(24)
vocab = ["w%d" % i for i in range(50000)]
words = lambda n: [rnd.choice(vocab) for _ in range(n)]
items = {k: " ".join(words(60)) for k in ("whole", "excerpt", "clean1", "clean2")}
items["short"] = " ".join(words(5))        # fewer than 13 words: must appear whole
items["shortclean"] = " ".join(words(5))
ex = items["excerpt"].split()[20:38]       # 18 of its 60 words: 30%
exs = " ".join(ex)
start = items["excerpt"].index(exs)
qa = {"qboth": (" ".join(words(20)), " ".join(words(6))), "qsplit": (" ".join(words(20)), " ".join(words(6))),
      "qonly": (" ".join(words(20)), " ".join(words(6)))}
docs = [" ".join(words(rnd.randint(80, 200))) for _ in range(3000)]
def plant(i, s):
    w = docs[i].split()
    at = rnd.randint(0, len(w))
    docs[i] = " ".join(w[:at] + [s] + w[at:])
plant(100, items["whole"]); plant(1700, exs); plant(2500, items["short"])
plant(50, qa["qboth"][0] + " so " + qa["qboth"][1])
plant(60, qa["qsplit"][0]); plant(2900, qa["qsplit"][1]); plant(70, qa["qonly"][0])
with open(d + "/corpus.jsonl", "w") as f:
    for i, t in enumerate(docs):
        f.write(json.dumps({"id": "c%d" % i, "text": t}) + "\n")
# the records are written unusually (spaces, an escape): --clean must copy them as they are
with open(d + "/bench.jsonl", "w") as f, open(d + "/want_clean.jsonl", "w") as g:
    for k, t in items.items():
        line = '{ "id" : "%s",  "text": %s , "note": "caf\\u00e9"}' % (k, json.dumps(t))
        f.write(line + "\n")
        if k.startswith("clean") or k == "shortclean": g.write(line + "\n")
with open(d + "/qa.jsonl", "w") as f:
    for k, (q, a) in qa.items():
        f.write(json.dumps({"id": k, "question": q, "answer": a}) + "\n")
with open(d + "/want_excerpt", "w") as f:
    f.write('"coverage": 0.3, "words": 60, "covered": 18, "matched_docs": 1, "matches": [{"id": "c1700", "start": %d, "end": %d}]}\n'
            % (start, start + len(exs)))
PY
[ -s "$T/corpus.jsonl" ] || fail "the generator"

# ---- planted items found, clean ones not ----
"$N" contamination --benchmark "$T/bench.jsonl" "$T/corpus.jsonl" -o "$T/r1" --clean "$T/clean1" -j 1 -q || fail "exit $?"
[ "$(wc -l < "$T/r1")" -eq 6 ] || fail "one record per item: $(cat "$T/r1")"
grep -q '^{"id": "whole", "contaminated": true, "coverage": 1, "words": 60, "covered": 60, "matched_docs": 1, "matches": \[{"id": "c100", "start": 0, "end": ' "$T/r1" ||
    fail "whole item: $(grep whole "$T/r1")"
grep -q "^{\"id\": \"excerpt\", \"contaminated\": true, $(sed 's/[][]/\\&/g' "$T/want_excerpt")" "$T/r1" ||
    fail "excerpt: $(grep '"excerpt"' "$T/r1") want $(cat "$T/want_excerpt")"
grep -q '^{"id": "short", "contaminated": true, "coverage": 1, "words": 5, "covered": 5, "matched_docs": 1, "matches": \[{"id": "c2500", ' "$T/r1" ||
    fail "short item: $(grep '"short"' "$T/r1")"
for k in clean1 clean2 shortclean; do
    grep -q "^{\"id\": \"$k\", \"contaminated\": false, \"coverage\": 0, .*\"matched_docs\": 0, \"matches\": \[\]}$" "$T/r1" ||
        fail "$k: $(grep "\"$k\"" "$T/r1")"
done
cmp -s "$T/clean1" "$T/want_clean.jsonl" || { diff "$T/want_clean.jsonl" "$T/clean1" >&2; fail "--clean not the clean records byte for byte"; }
# ---- the same bytes for any thread count ----
"$N" contamination --benchmark "$T/bench.jsonl" "$T/corpus.jsonl" -o "$T/r3" --clean "$T/clean3" -j 3 -q || fail "-j 3"
cmp -s "$T/r1" "$T/r3" || fail "the report depends on the thread count"
cmp -s "$T/clean1" "$T/clean3" || fail "--clean depends on the thread count"
# ---- --min-coverage: the 30% excerpt is not enough at 0.5; the summary says what was found ----
"$N" contamination -b "$T/bench.jsonl" "$T/corpus.jsonl" --min-coverage 0.5 > "$T/r5" 2> "$T/err" || fail "--min-coverage 0.5"
grep -q '^{"id": "excerpt", "contaminated": false, "coverage": 0.3,' "$T/r5" || fail "--min-coverage 0.5: $(grep '"excerpt"' "$T/r5")"
grep -q "6 benchmark items (1 field, 13-grams), 2 contaminated (coverage >= 0.5); corpus 3000 records" "$T/err" ||
    fail "summary: $(cat "$T/err")"
# -n 20: the 18-word excerpt holds no 20-gram
"$N" contamination -b "$T/bench.jsonl" "$T/corpus.jsonl" -n 20 -q | grep -q '^{"id": "excerpt", "contaminated": false, "coverage": 0,' ||
    fail "-n 20 should not find an 18-word excerpt"

# ---- --fields: question and answer in one document ----
"$N" contamination -b "$T/qa.jsonl" --fields question,answer "$T/corpus.jsonl" -q > "$T/q" || fail "--fields exit $?"
grep -q '^{"id": "qboth", "contaminated": true, "coverage": 1, "words": 26, "covered": 26, "matched_docs": 1, "matches": \[{"id": "c50", "field": "question", "start": 0, "end": [0-9]*}, {"id": "c50", "field": "answer", "start": 0, "end": [0-9]*}\]}$' "$T/q" ||
    fail "qboth: $(grep qboth "$T/q")"
grep -q '^{"id": "qsplit", "contaminated": false, "coverage": 1, "words": 26, "covered": 26, "matched_docs": 2,' "$T/q" ||
    fail "qsplit (question and answer in two documents): $(grep qsplit "$T/q")"
grep -q '^{"id": "qonly", "contaminated": false, "coverage": 0.7692, ' "$T/q" || fail "qonly: $(grep qonly "$T/q")"
# one field: the question alone is the item
"$N" contamination -b "$T/qa.jsonl" --fields question "$T/corpus.jsonl" -q | grep -c '"contaminated": true' | grep -qx 3 ||
    fail "--fields question: all three questions are in the corpus"

# ---- bad benchmarks and usage: exit 2, a message, no output ----
bad() { # expected-message args...
    want=$1; shift
    rm -f "$T/out"
    "$N" contamination "$@" -o "$T/out" 2> "$T/err"; rc=$?
    [ $rc -eq 2 ] || fail "$* should exit 2, not $rc"
    grep -q "$want" "$T/err" || fail "$*: message: $(cat "$T/err")"
    [ ! -e "$T/out" ] || fail "$*: left an output"
    ls "$T" | grep -q '\.tmp\.' && fail "$*: left a temporary file"
    return 0
}
bad "no-such.jsonl" -b "$T/no-such.jsonl" "$T/corpus.jsonl"
printf '{"id": "a", "text": "x y"}\nnot json\n' > "$T/badjson.jsonl"
bad "badjson.jsonl:2" -b "$T/badjson.jsonl" "$T/corpus.jsonl"
bad "answer" -b "$T/bench.jsonl" --fields text,answer "$T/corpus.jsonl"
printf '{"id": "a", "text": "x y"}\n{"id": "a", "text": "z"}\n' > "$T/dup.jsonl"
bad 'two items with id "a"' -b "$T/dup.jsonl" "$T/corpus.jsonl"
: > "$T/empty.jsonl"
bad "holds no item" -b "$T/empty.jsonl" "$T/corpus.jsonl"
bad "benchmark FILE is required" "$T/corpus.jsonl"
bad "no input given" -b "$T/bench.jsonl"
# --memory bounds the benchmark's index (the corpus is streamed): a fitting budget changes nothing,
# one too small fails before the corpus is read, saying how much the index needs
"$N" contamination --benchmark "$T/bench.jsonl" "$T/corpus.jsonl" -o "$T/rm" --memory 64M -q || fail "--memory 64M"
cmp -s "$T/r1" "$T/rm" || fail "--memory changed the report"
/usr/bin/python3 -c 'import json
for i in range(400): print(json.dumps({"id": "big%d" % i, "text": " ".join("v%d" % (i * 1000 + k) for k in range(200))}))' > "$T/bigbench.jsonl"
bad "n-gram index needs .* MiB, more than --memory 1.0 MiB" -b "$T/bigbench.jsonl" --memory 1M "$T/corpus.jsonl"
bad "memory: expected a size" -b "$T/bench.jsonl" --memory lots "$T/corpus.jsonl"
bad "min-coverage" -b "$T/bench.jsonl" --min-coverage 1.5 "$T/corpus.jsonl"
bad "fields" -b "$T/bench.jsonl" --fields a,,b "$T/corpus.jsonl"
# an output that is an input (the benchmark) is refused before anything is written
cp "$T/bench.jsonl" "$T/b2.jsonl"
"$N" contamination -b "$T/b2.jsonl" "$T/corpus.jsonl" --clean "$T/b2.jsonl" -q 2> "$T/err"; [ $? -eq 2 ] || fail "--clean onto the benchmark"
cmp -s "$T/b2.jsonl" "$T/bench.jsonl" || fail "the benchmark was overwritten"
"$N" contamination --help | grep -q -- "--min-coverage X" || fail "--help"
# ---- under mpirun: every rank scans its share, the report is byte-identical ----
if command -v mpirun > /dev/null 2>&1 && [ -x "$(dirname "$N")/neardup-mpi" ]; then
    ROOT=
    [ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
    export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
    split -l 700 -d "$T/corpus.jsonl" "$T/part" && for f in "$T"/part*; do mv "$f" "$f.jsonl"; done
    zstd -q -c "$T/corpus.jsonl" > "$T/corpus.jsonl.zst"
    for np in 2 3; do
        # one file cut into byte ranges; several files; one compressed stream (every rank decodes it)
        for inp in "$T/corpus.jsonl" "$T/part*.jsonl" "$T/corpus.jsonl.zst"; do
            # shellcheck disable=SC2086
            mpirun --oversubscribe $ROOT -np $np "$N" contamination --benchmark "$T/bench.jsonl" $inp -o "$T/rmpi" \
                --clean "$T/cmpi" -j 1 2> "$T/merr" || fail "mpirun -np $np ($inp): $(cat "$T/merr")"
            cmp -s "$T/r1" "$T/rmpi" || { diff "$T/r1" "$T/rmpi" >&2; fail "mpirun -np $np ($inp): the report differs"; }
            cmp -s "$T/clean1" "$T/cmpi" || fail "mpirun -np $np ($inp): --clean differs"
            [ "$(grep -c 'neardup contamination: 6 benchmark items .* corpus 3000 records' "$T/merr")" -eq 1 ] ||
                fail "mpirun -np $np ($inp): one summary line, of all 3000 records: $(cat "$T/merr")"
        done
    done
    # a bad corpus record on the second rank's share: one message naming it, exit 2, no report
    sed '2500s/.*/not json/' "$T/corpus.jsonl" > "$T/badcorpus.jsonl"
    rm -f "$T/rbad"
    mpirun --oversubscribe $ROOT -np 2 "$N" contamination -b "$T/bench.jsonl" "$T/badcorpus.jsonl" -o "$T/rbad" 2> "$T/merr"
    rc=$?
    [ $rc -ne 0 ] || fail "a bad corpus record under mpirun exited 0"
    grep -q "badcorpus.jsonl:2500" "$T/merr" || fail "bad record under mpirun: $(cat "$T/merr")"
    [ ! -e "$T/rbad" ] || fail "a bad corpus record under mpirun left a report"
else
    echo "contamination.sh: mpirun part SKIPPED (no mpirun or neardup-mpi)" >&2
fi
echo "contamination.sh: ok"
