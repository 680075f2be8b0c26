#!/bin/sh
# strip.sh - `neardup strip`: a passage planted in three documents stays in
# the first and is cut from the others; a near-verbatim copy (2 of 60 words
# changed) is cut; a document repeating itself is left whole; a passage of a
# reference (--against) is cut and no reference is written; every output is
# valid UTF-8, no cut falls inside a word (multibyte text), the --spans
# offsets hold the repeated bytes; --min-keep drops and counts; the other
# fields of a record stay byte for byte; -j 1 = -j 3; .zst output; plain
# files; --spans alone; a bad record named by file:line, with no output left.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_strip_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "strip.sh: FAIL: $*" >&2; exit 1; }

/usr/bin/python3 - "$T" <<'PY'
import json, random, sys
d = sys.argv[1]
rnd = random.Random(24)
# multibyte words: accents, CJK, an emoji; punctuation between some
stems = ["caf\u00e9", "na\u00efve", "\u65e5\u672c", "stra\u00dfe", "\U0001f600x", "w"]
vocab = ["%s%d" % (rnd.choice(stems), i) for i in range(20000)]
def words(n): return [rnd.choice(vocab) for _ in range(n)]
def text(ws): return " ".join(w + ("," if rnd.random() < 0.1 else "") for w in ws)
P = words(60)
E = P[:]; E[20] = "edited\u00e91"; E[40] = "edited\u00e92"
R = words(70)
S = words(55)
docs = [text(words(rnd.randint(80, 150))) for _ in range(60)]
def plant(i, ws):
    w = docs[i].split(" ")
    at = rnd.randint(1, len(w) - 1)
    docs[i] = " ".join(w[:at] + [" ".join(ws)] + w[at:])
plant(3, P); plant(10, P); plant(20, P)     # kept in 3, cut from 10 and 20
plant(30, E)                                # near-verbatim: cut
docs[40] = " ".join(S) + ". " + " ".join(S) # repeats itself: kept whole
docs[45] = "a few words \u00e9t\u00e9 " + " ".join(P) + " and a short tail"  # under --min-keep once cut
plant(50, R)                                # the reference's passage: cut
with open(d + "/in.jsonl", "w") as f:
    for i, t in enumerate(docs):
        # another field, written unusually: must come out byte for byte
        f.write('{"id": "d%d", "meta" : "caf\\u00e9 %d", "text": %s}\n' % (i, i, json.dumps(t)))
with open(d + "/ref.jsonl", "w") as f:
    f.write(json.dumps({"id": "r0", "text": "reference text " + " ".join(R) + " end"}) + "\n")
    f.write(json.dumps({"id": "r1", "text": "another reference " + " ".join(R) + " end"}) + "\n")
json.dump({"P": " ".join(P), "E": " ".join(E), "R": " ".join(R)}, open(d + "/planted.json", "w"))
PY
[ -s "$T/in.jsonl" ] || fail "the generator"

"$N" strip "$T/in.jsonl" --against "$T/ref.jsonl" -o "$T/out1.jsonl" --spans "$T/sp1.jsonl" -j 1 2> "$T/err1" ||
    fail "exit $?: $(cat "$T/err1")"
"$N" strip "$T/in.jsonl" --against "$T/ref.jsonl" -o "$T/out3.jsonl.zst" --spans "$T/sp3.jsonl" -j 3 -q ||
    fail "-j 3: exit $?"
zstd -dcq "$T/out3.jsonl.zst" | cmp -s - "$T/out1.jsonl" || fail "-j 3 (.zst) differs from -j 1"
cmp -s "$T/sp1.jsonl" "$T/sp3.jsonl" || fail "--spans -j 3 differs from -j 1"
grep -q "5 spans cut from 5 documents" "$T/err1" || fail "summary: $(cat "$T/err1")"
grep -q "1 documents dropped (fewer than 20 words left); 59 documents written" "$T/err1" || fail "summary: $(cat "$T/err1")"

/usr/bin/python3 - "$T" <<'PY' || fail "contents (above)"
import json, sys, unicodedata
d = sys.argv[1]
pl = json.load(open(d + "/planted.json"))
inp = {}
raw = {}
for l in open(d + "/in.jsonl", "rb"):
    r = json.loads(l); inp[r["id"]] = r["text"]; raw[r["id"]] = l
out = {}
for l in open(d + "/out1.jsonl", "rb"):
    l.decode("utf-8")                      # valid UTF-8, strictly
    r = json.loads(l); out[r["id"]] = r["text"]
    i = int(r["id"][1:])
    want_prefix = ('{"id": "d%d", "meta" : "caf\\u00e9 %d", "text": ' % (i, i)).encode()
    assert l.startswith(want_prefix), l[:80]
    if r["text"] == inp[r["id"]]: assert l == raw[r["id"]], "an uncut record changed"
def err(m): print("strip.sh:", m); sys.exit(1)
if any(k.startswith("r") for k in out): err("a reference was written")
if "d45" in out: err("d45 should be dropped (--min-keep)")
if len(out) != 59: err("%d records written" % len(out))
for k in ("d3", "d40"):
    if out[k] != inp[k]: err(k + " changed (first occurrence / self repeat)")
for k, p in (("d10", "P"), ("d20", "P"), ("d30", "E"), ("d50", "R")):
    if pl[p][:200] in out[k] or pl[p][-200:] in out[k]: err(k + " still holds " + p)
    if pl[p] not in inp[k]: err("generator: " + k)
    # what is left: the text with the passage's words out, the separator before it kept
    a = inp[k].index(pl[p]); b = a + len(pl[p])
    rest = inp[k][b:].lstrip(" ")  # the planted passage is followed by a space, then the next word whole
    if out[k] != inp[k][:a] + rest: err(k + ": cut\n%r\nwant\n%r" % (out[k], inp[k][:a] + rest))
def word_char(c): return unicodedata.category(c)[0] in "LNS" # letters, digits, the emoji
sp = [json.loads(l) for l in open(d + "/sp1.jsonl")]
if [s["id"] for s in sp] != ["d10", "d20", "d30", "d45", "d50"]: err("spans for %s" % [s["id"] for s in sp])
for s in sp:
    t = inp[s["id"]].encode()
    if s["dropped"] != (s["id"] == "d45"): err("dropped flag " + s["id"])
    for g in s["removed"]:
        a, b = g["start"], g["end"]
        head, body, tail = t[:a].decode(), t[a:b].decode(), t[b:].decode() # raises inside a character
        if head and word_char(head[-1]) and word_char(body[0]): err("cut inside a word at %d" % a)
        if tail and word_char(body[-1]) and word_char(tail[0]): err("cut inside a word at %d" % b)
        for q in g["repeats"]:
            src = (inp if not q.get("reference") else {"r0": "reference text " + pl["R"] + " end",
                                                      "r1": "another reference " + pl["R"] + " end"})[q["id"]].encode()
            here = t[q["this_start"]:q["this_end"]]
            near = "d30" in (s["id"], q["id"])  # the near-verbatim copy, on either side
            if not near and here != src[q["start"]:q["end"]]: err("repeat bytes differ: %s" % q)
            if near and not (0.9 < q["identity"] < 1): err("near-verbatim identity %s" % q)
want_src = {"d10": ["d3"], "d20": ["d3", "d10"], "d30": ["d3", "d10", "d20"], "d50": ["r0", "r1"]}
for s in sp:
    if s["id"] in want_src and [q["id"] for q in s["removed"][0]["repeats"]] != want_src[s["id"]]:
        err("sources of %s: %s" % (s["id"], s["removed"][0]["repeats"]))
PY

# ---- --spans alone writes no text; --min-keep 0 keeps every document ----
"$N" strip "$T/in.jsonl" --spans "$T/sp_only.jsonl" --min-keep 0 -q > "$T/stdout" || fail "--spans alone: exit $?"
[ ! -s "$T/stdout" ] || fail "--spans alone wrote text"
grep -q '"id": "d45", .*"dropped": false' "$T/sp_only.jsonl" || fail "--min-keep 0 dropped d45"
"$N" strip "$T/in.jsonl" -o - -q | wc -l | grep -qx 59 || fail "-o - writes to standard output"
"$N" strip "$T/in.jsonl" -q 2> "$T/err" > "$T/stdout" && fail "no -o and no --spans accepted"
grep -q "needs -o OUT" "$T/err" && [ ! -s "$T/stdout" ] || fail "no -o: $(cat "$T/err")"

# ---- --sentences: the cut shrinks to whole sentences, so none is left half ----
/usr/bin/python3 - "$T" <<'PY'
import json, sys
w = lambda p, n: " ".join("%s%d" % (p, i) for i in range(n))
s1, s2, s3 = w("s\u00e9a", 20), w("s\u00e9b", 20), w("s\u00e9c", 20)
P = s1 + ". " + s2 + ". " + s3 + "."
with open(sys.argv[1] + "/sent.jsonl", "w") as f:
    f.write(json.dumps({"id": "a", "text": "Intro words. " + P + " End of a."}) + "\n")
    f.write(json.dumps({"id": "b", "text": "My own words and " + P + " more own words of b."}) + "\n")
with open(sys.argv[1] + "/sent_want", "w") as f:
    f.write(json.dumps({"id": "b", "text": "My own words and " + s1 + ". more own words of b."}, ensure_ascii=False) + "\n")
    f.write(json.dumps({"id": "b", "text": "My own words and more own words of b."}, ensure_ascii=False) + "\n")
PY
"$N" strip "$T/sent.jsonl" --sentences --min-keep 0 -o - -q | tail -1 > "$T/sent_out" || fail "--sentences: exit $?"
sed -n 1p "$T/sent_want" | cmp -s - "$T/sent_out" || fail "--sentences: $(cat "$T/sent_out")"
"$N" strip "$T/sent.jsonl" --min-keep 0 -o - -q | tail -1 > "$T/sent_out"
sed -n 2p "$T/sent_want" | cmp -s - "$T/sent_out" || fail "without --sentences: $(cat "$T/sent_out")"

# ---- boilerplate: a footer in 80 documents, past --max-df 10, is cut from all but the first ----
/usr/bin/python3 - "$T" <<'PY'
import json, random, sys
rnd = random.Random(7)
footer = " ".join("foot%d" % i for i in range(60))
with open(sys.argv[1] + "/foot.jsonl", "w") as f:
    for i in range(80):
        body = " ".join("b%d" % rnd.randrange(10 ** 6) for _ in range(40))
        f.write(json.dumps({"id": "f%d" % i, "text": body + ". " + footer}) + "\n")
PY
"$N" strip "$T/foot.jsonl" --max-df 10 -o "$T/foot_out.jsonl" 2> "$T/err" || fail "footer: exit $?"
grep -q "79 spans cut from 79 documents" "$T/err" || fail "footer: $(cat "$T/err")"
grep -q "paired their first document" "$T/err" || fail "footer: no star anchors: $(cat "$T/err")"
[ "$(grep -c foot5 "$T/foot_out.jsonl")" -eq 1 ] || fail "footer left in more than the first document"
grep foot5 "$T/foot_out.jsonl" | grep -q '"id": "f0"' || fail "footer not kept in the first document"

# ---- plain files: {"id", "text"} ----
mkdir "$T/txt"
/usr/bin/python3 -c "
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r['id'] in ('d3', 'd10', 'd11'): open(sys.argv[2] + '/' + r['id'] + '.txt', 'w').write(r['text'])
" "$T/in.jsonl" "$T/txt"
"$N" strip "$T/txt" -o "$T/txt.jsonl" -q || fail "plain files: exit $?"
[ "$(wc -l < "$T/txt.jsonl")" -eq 3 ] || fail "plain files: $(cat "$T/txt.jsonl")"
grep -q "\"id\": \"$T/txt/d11.txt\", \"text\": " "$T/txt.jsonl" || fail "plain record form"

# ---- a bad record: file:line named, nonzero, nothing left ----
cp "$T/in.jsonl" "$T/bad.jsonl"
echo '{"id": "x", "text": 5}' >> "$T/bad.jsonl"
echo '{"id": "ok", "text": "fine"}' >> "$T/bad.jsonl"
"$N" strip "$T/bad.jsonl" -o "$T/bad_out.jsonl" --spans "$T/bad_sp.jsonl" 2> "$T/err" && fail "a bad record was accepted"
grep -q "bad.jsonl:61" "$T/err" || fail "error names file:line: $(cat "$T/err")"
ls "$T" | grep -q "bad_out\|bad_sp" && fail "partial output left: $(ls "$T")"
"$N" strip "$T/in.jsonl" -o "$T/in.jsonl" 2> "$T/err" && fail "output over an input"
grep -q "in.jsonl" "$T/err" || fail "output over input message: $(cat "$T/err")"
"$N" strip "$T/in.jsonl" --min-words 0 -o - 2> /dev/null && fail "--min-words 0 accepted"
echo "strip.sh: ok"
