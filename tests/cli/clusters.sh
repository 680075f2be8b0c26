#!/bin/sh
# clusters.sh - `neardup overlap --clusters` (issue 23): a statement pasted
# into 60 of 120 articles is one cluster of 60 at the defaults with series;
# A-B and B-C over one span of B join; witnesses by date, the earliest the
# source (or the reference with --against); reuse inside one series and an
# outlet's footer are not reported; -j 1 = -j 2; the seeds' 47-word passage;
# the pairs unchanged by --clusters; --series-from-dir; bad dates and series.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_clusters_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "clusters.sh: FAIL: $*" >&2; exit 1; }
PY=/usr/bin/python3

# ---- 120 articles of 40 outlets (3 each, a footer each); a statement in every other one (20
# outlets, 3 articles each) ----
$PY - "$T/c.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(7)
vocab = ["w%d" % i for i in range(20000)]
words = lambda n: " ".join(rnd.choice(vocab) for _ in range(n))
statement = words(45)
footers = {s: "Copyright outlet %d. " % s + words(30) for s in range(40)}
with open(sys.argv[1], "w") as f:
    for i in range(120):
        s = i % 40
        t = words(rnd.randint(80, 200))
        if i % 2 == 0: t += " " + statement + " " + words(30)
        t += " " + footers[s]
        f.write(json.dumps({"id": "a%d" % i, "date": "2024-01-%02d" % (1 + (119 - i) % 28),
                            "outlet": "o%d" % s, "text": t}) + "\n")
PY
"$N" overlap "$T/c.jsonl" --format jsonl -q > "$T/p0" || fail "overlap"
"$N" overlap "$T/c.jsonl" --format jsonl -q --clusters "$T/cl0" > "$T/p0c" || fail "overlap --clusters"
cmp -s "$T/p0" "$T/p0c" || fail "--clusters changed the pairs"
"$N" overlap "$T/c.jsonl" --format jsonl --series-field outlet --date-field date --clusters "$T/cl" \
    > "$T/p1" 2> "$T/err" || fail "overlap --series-field: $(cat "$T/err")"
[ "$(wc -l < "$T/cl")" -eq 1 ] || fail "expected one cluster: $(cut -c1-200 "$T/cl")"
$PY - "$T/cl" "$T/c.jsonl" <<'PY' || fail "the statement cluster"
import json, sys
c = json.loads(open(sys.argv[1]).readline())
docs = {d["id"]: d for d in map(json.loads, open(sys.argv[2]))}
assert c["size"] == 60 and len(c["witnesses"]) == 60, c["size"]
assert c["words"] == 45, c["words"]
ids = [w["id"] for w in c["witnesses"]]
assert sorted(ids, key=lambda i: int(i[1:])) == ["a%d" % i for i in range(0, 120, 2)]
dates = [w["date"] for w in c["witnesses"]]
assert dates == sorted(dates), "witnesses by date"
# equal dates: input order
for x, y in zip(c["witnesses"], c["witnesses"][1:]):
    if x["date"] == y["date"]:
        assert int(x["id"][1:]) < int(y["id"][1:]), (x, y)
assert c["source"] == ids[0] and c["witnesses"][0]["date"] == "2024-01-02"
for w in c["witnesses"]:
    assert w["series"] == docs[w["id"]]["outlet"]
    text = docs[w["id"]]["text"].encode()
    assert text[w["start"]:w["end"]].decode().split() == docs["a0"]["text"].split()[-108:-63], w
PY
grep -q "1 passages carried by more than 50 documents (up to 1770 pairs" "$T/err" || fail "summary: $(cat "$T/err")"
# the footers (3 documents of one outlet) give no pair: reuse inside a series
$PY - "$T/p1" <<'PY' || fail "a pair inside one outlet was listed"
import json, sys
for p in map(json.loads, open(sys.argv[1])):
    assert int(p["a"][1:]) % 40 != int(p["b"][1:]) % 40, p
PY
# the same statement in 10 articles of each of 6 outlets is their furniture (--max-series-df 5)
$PY - "$T/c.jsonl" "$T/c6.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as f:
    for d in map(json.loads, open(sys.argv[1])):
        d["outlet"] = "o%d" % (int(d["id"][1:]) % 12)
        d["text"] = d["text"].split(" Copyright outlet")[0]  # the 40 footers would span the 12 outlets
        f.write(json.dumps(d) + "\n")
PY
"$N" overlap "$T/c6.jsonl" --series-field outlet --clusters "$T/cl6" -q > /dev/null || fail "6 outlets"
[ ! -s "$T/cl6" ] || fail "a statement in 10 articles of each outlet is boilerplate: $(cut -c1-200 "$T/cl6")"
"$N" overlap "$T/c6.jsonl" --series-field outlet --max-series-df 10 --clusters "$T/cl6" -q > /dev/null || fail "6 outlets"
grep -q '"size": 60' "$T/cl6" || fail "--max-series-df 10 keeps it: $(cut -c1-200 "$T/cl6")"
# boilerplate is a property of an anchor in one series: a story one outlet printed 8 times (more
# than --max-series-df) is that outlet's furniture, but still a reprint carried by 55 other outlets
$PY - "$T/c8.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(8)
vocab = ["w%d" % i for i in range(20000)]
words = lambda n: " ".join(rnd.choice(vocab) for _ in range(n))
story = words(60)
with open(sys.argv[1], "w") as f:
    for i in range(63):
        outlet = "heavy" if i < 8 else "o%d" % i
        f.write(json.dumps({"id": "s%d" % i, "outlet": outlet,
                            "text": words(rnd.randint(40, 90)) + " " + story + " " + words(30)}) + "\n")
PY
"$N" overlap "$T/c8.jsonl" --series-field outlet --clusters "$T/cl8" -q > /dev/null || fail "a heavy outlet"
[ "$(wc -l < "$T/cl8")" -eq 1 ] || fail "one cluster of the story: $(cut -c1-200 "$T/cl8")"
$PY - "$T/cl8" <<'PY' || fail "the story without its heavy outlet"
import json, sys
c = json.loads(open(sys.argv[1]).readline())
ids = sorted(int(w["id"][1:]) for w in c["witnesses"])
assert ids == list(range(8, 63)), ids
assert c["words"] >= 60, c["words"]
PY
# without series the statement (in 60 > --max-df documents) is dropped, and the summary says how to get it
"$N" overlap "$T/c.jsonl" --clusters "$T/cl2" -q 2> /dev/null > /dev/null || fail "no series"
grep -q '"size": 60' "$T/cl2" && fail "without series the statement is boilerplate at --max-df 50"
"$N" overlap "$T/c.jsonl" --clusters "$T/cl2" 2>&1 > /dev/null | grep -q "series-field or --series-from-dir tells them apart" ||
    fail "the summary should name --series-field"
# -j 1 and -j 2: the same bytes
for j in 1 2; do
    "$N" overlap "$T/c.jsonl" --format jsonl -q -j $j --series-field outlet --date-field date --clusters "$T/cl.$j" \
        -o "$T/p.$j" || fail "-j $j"
done
cmp -s "$T/cl.1" "$T/cl.2" && cmp -s "$T/p.1" "$T/p.2" && cmp -s "$T/cl.1" "$T/cl" || fail "-j 1 and -j 2 differ"

# the HTML report gets the cluster view
"$N" overlap "$T/c.jsonl" --series-field outlet --date-field date --clusters "$T/clh" --format html -o "$T/r.html" -q ||
    fail "--format html --clusters"
cmp -s "$T/clh" "$T/cl" || fail "--format html changed the clusters"
grep -q "1 passage cluster" "$T/r.html" && grep -q '"series": \["o0","o10",' "$T/r.html" || fail "the report lacks the cluster"

# ---- an outlet's footer in 60 of its articles: boilerplate, even with --within-series ----
$PY - "$T/f.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(3)
vocab = ["f%d" % i for i in range(20000)]
words = lambda n: " ".join(rnd.choice(vocab) for _ in range(n))
footer = words(35)
story = words(60)
with open(sys.argv[1], "w") as f:
    for i in range(60):
        t = words(100) + (" " + story if i == 5 else "") + " " + footer
        f.write(json.dumps({"id": "big%d" % i, "site": "big", "text": t}) + "\n")
    f.write(json.dumps({"id": "small", "site": "small", "text": words(50) + " " + story + " " + words(20)}) + "\n")
PY
"$N" overlap "$T/f.jsonl" --series-field site --within-series --clusters "$T/fc" --format jsonl -q > "$T/fp" ||
    fail "footer corpus"
[ "$(wc -l < "$T/fc")" -eq 1 ] || fail "the footer made a cluster: $(cut -c1-300 "$T/fc")"
# (the story ends where the footer begins: up to 15 of its last words are masked with the footer's)
grep -q '"size": 2, "source": "big5", "words": [4-6][0-9]' "$T/fc" || fail "the story: $(cat "$T/fc")"

# ---- A-B and B-C over one span of B join; C-D elsewhere in C does not ----
$PY - "$T/chain" <<'PY'
import random, sys, os
rnd = random.Random(9)
vocab = ["c%d" % i for i in range(20000)]
words = lambda n: " ".join(rnd.choice(vocab) for _ in range(n))
p = words(60).split()
other = words(40)
docs = {"A": words(30) + " " + " ".join(p[:40]) + " " + words(30),   # B's first 40 words
        "B": words(30) + " " + " ".join(p) + " " + words(30),
        "C": words(30) + " " + " ".join(p[25:]) + " " + words(30) + " " + other + " " + words(20),  # B's last 35
        "D": words(30) + " " + other + " " + words(30)}
os.makedirs(sys.argv[1])
for k, t in docs.items():
    open(os.path.join(sys.argv[1], k + ".txt"), "w").write(t)
PY
"$N" overlap "$T/chain" --clusters "$T/chc" -q > "$T/chp" || fail "chain"
[ "$(wc -l < "$T/chc")" -eq 2 ] || fail "expected 2 clusters: $(cat "$T/chc")"
head -1 "$T/chc" | grep -q "\"size\": 3, \"source\": \"$T/chain/A.txt\"" || fail "A-B-C: $(head -1 "$T/chc")"
head -1 "$T/chc" | grep -q "D.txt" && fail "D joined A-B-C"
sed -n 2p "$T/chc" | grep -q "\"size\": 2, \"source\": \"$T/chain/C.txt\", \"words\": 40" || fail "C-D: $(sed -n 2p "$T/chc")"
# --series-from-dir: A and B in one directory, C and D in another
mkdir -p "$T/dirs/x" "$T/dirs/y"
cp "$T/chain/A.txt" "$T/chain/B.txt" "$T/dirs/x/" && cp "$T/chain/C.txt" "$T/chain/D.txt" "$T/dirs/y/"
"$N" overlap "$T/dirs" --series-from-dir --clusters "$T/dc" --format jsonl -q > "$T/dp" || fail "--series-from-dir"
grep -q "A.txt.*B.txt" "$T/dp" && fail "A-B lie in one series: not listed"
grep -q "\"series\": \"$T/dirs/x\"" "$T/dc" || fail "series from the directory: $(cat "$T/dc")"
"$N" overlap "$T/c.jsonl" --series-from-dir -q 2> "$T/err" > /dev/null && fail "--series-from-dir on JSONL should fail"
grep -q "c.jsonl is JSONL: --series-from-dir takes the series of plain files" "$T/err" || fail "JSONL dirs: $(cat "$T/err")"
# --against: the source is the reference, whatever the dates
"$N" overlap "$T/chain/A.txt" "$T/chain/C.txt" --against "$T/chain/B.txt" --clusters "$T/ac" -q > /dev/null ||
    fail "--against"
grep -q "\"size\": 3, \"source\": \"$T/chain/B.txt\"" "$T/ac" || fail "--against source: $(cat "$T/ac")"

# ---- the seeds: one 47-word passage ----
"$N" overlap tests/data/seeds --clusters - -q > "$T/seed" || fail "seeds"
grep -q '^{"cluster": 0, "size": 2, "source": "tests/data/seeds/000_e994c8c5101e7cdf.txt", "words": 47, "witnesses": \[{"id": "tests/data/seeds/000_e994c8c5101e7cdf.txt", "start": 1250, "end": 1543}, {"id": "tests/data/seeds/003_9a10c820da11214b.txt", "start": 245, "end": 539}\]}$' "$T/seed" ||
    fail "seeds: $(cat "$T/seed")"
[ "$(wc -l < "$T/seed")" -eq 1 ] || fail "--clusters - without -o writes only the clusters"

# ---- HTML inputs: the witnesses' offsets are the original file's, as the pairs' ----
"$N" overlap tests/data/html/ledger-nato.html tests/data/html/globewire-nato.html --format jsonl -q --clusters "$T/hc" \
    > "$T/hp" || fail "HTML inputs"
grep -q '"a_start": 2763, "a_end": 3056, "b_start": 1155, "b_end": 1455' "$T/hp" || fail "HTML pair: $(cat "$T/hp")"
grep -q '"start": 2763, "end": 3056}, {"id": "tests/data/html/globewire-nato.html", "start": 1155, "end": 1455}' "$T/hc" ||
    fail "HTML cluster offsets: $(cat "$T/hc")"

# ---- the terminal view ----
if command -v script > /dev/null 2>&1; then
    script -qc "\"$N\" overlap \"$T/c.jsonl\" --series-field outlet --date-field date --clusters - -o \"$T/tp\" -q --color never" \
        /dev/null > "$T/tty" 2>&1
    grep -q "^cluster 0: 60 documents in 20 series, 2024-01-02 .. 2024-01-28, 45 words" "$T/tty" ||
        fail "terminal view: $(cat "$T/tty")"
    grep -q "^  source a6 (2024-01-02, o6): \"w10611 w4943 " "$T/tty" || fail "terminal source line: $(cat "$T/tty")"
fi

# ---- dates are instants: a time zone moves one after another ----
$PY - "$T/tz.jsonl" <<'PY'
import json, random, sys
rnd = random.Random(4)
words = lambda n: " ".join("t%d" % rnd.randrange(20000) for _ in range(n))
p = words(40)
dates = {"late": "2024-05-01T23:00-02:00", "midnight": "2024-05-02", "noon": "2024-05-01 12:00:00.5Z"}
with open(sys.argv[1], "w") as f:
    for k, d in dates.items():
        f.write(json.dumps({"id": k, "d": d, "text": words(30) + " " + p + " " + words(30)}) + "\n")
PY
"$N" overlap "$T/tz.jsonl" --date-field d --clusters - -q > "$T/tzc" || fail "time zones"
grep -q '"source": "noon".*"id": "noon".*"id": "midnight".*"id": "late"' "$T/tzc" || fail "dates by instant: $(cat "$T/tzc")"

# ---- bad dates and series: errors naming file and line, nothing written ----
printf '{"id": "x", "date": "2024-01-02", "s": "a", "text": "one two"}\n{"id": "y", "date": "2024-13-02", "s": "b", "text": "three"}\n' > "$T/bad.jsonl"
"$N" overlap "$T/bad.jsonl" --date-field date --clusters "$T/bc" -q 2> "$T/err"; rc=$?
[ $rc -ne 0 ] || fail "a bad date should fail"
grep -q "bad.jsonl:2: record \"y\": field \"date\" is not a date: \"2024-13-02\"" "$T/err" || fail "bad date: $(cat "$T/err")"
[ ! -e "$T/bc" ] || fail "a clusters file was left after an error"
"$N" overlap "$T/bad.jsonl" --date-field when -q 2> "$T/err" > /dev/null && fail "a missing date field should fail"
grep -q "bad.jsonl:1: record \"x\" has no field \"when\"" "$T/err" || fail "missing field: $(cat "$T/err")"
printf '{"id": "x", "s": ["a"], "text": "one two"}\n' > "$T/bad2.jsonl"
"$N" overlap "$T/bad2.jsonl" --series-field s -q 2> "$T/err" > /dev/null && fail "a list series should fail"
grep -q "bad2.jsonl:1: record \"x\": field \"s\" is neither a string nor a number" "$T/err" || fail "bad series: $(cat "$T/err")"
"$N" overlap "$T/chain" --date-field date -q 2> "$T/err" > /dev/null && fail "--date-field on plain files should fail"
grep -q "is not JSONL: --date-field reads a field of JSONL records" "$T/err" || fail "plain files: $(cat "$T/err")"
"$N" overlap "$T/c.jsonl" --within-series -q 2> "$T/err" > /dev/null; [ $? -eq 2 ] || fail "--within-series alone"
"$N" overlap "$T/c.jsonl" --clusters "$T/c.jsonl" -q 2> /dev/null > /dev/null; [ $? -eq 2 ] || fail "--clusters onto an input"
exit 0
