#!/bin/sh
# json_paths_diff.sh - the simdjson path of nd_record_parse against the plain C
# build (cJSON + jansson, ND_SIMDJSON=0) on generated JSON lines, valid and
# broken (mutations: escapes, surrogates, U+0000, raw control and invalid
# UTF-8 bytes, huge numbers, duplicate keys, nesting), in four modes
# (fuzz/json_dump.c): every line must come out the same, id, text and message.
# usage: sh fuzz/json_paths_diff.sh [LINES] [SEED]    (default 100000 1; ~1 min)
set -eu
cd "$(dirname "$0")/.."
N=${1:-100000}
SEED=${2:-1}
make --no-print-directory -j2 build/json_dump >/dev/null
make --no-print-directory -j2 BUILD=build/plain ND_SIMDJSON=0 build/plain/json_dump >/dev/null
T=$(mktemp -d /tmp/nd_json_diff.XXXXXX)
trap 'rm -rf "$T"' EXIT
/usr/bin/python3 - "$N" "$SEED" > "$T/lines.jsonl" <<'PY'
import json, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
tokens = ['\\u0000', '\\ud800', '\\udc00', '\\ud83d\\ude00', '\\u00e9', '"', '\\', '\\x', '\\/', '{', '}', '[',
          ']', ',', ':', ' ', '\t', '\x01', '1e400', '1e-400', '-0', '9007199254740993', '18446744073709551615',
          '9223372036854775808', 'null', 'true', '"id"', '"text"', '"a"', '{"b": "x"}', '\\n', '\r']
raw = [b'\xff', b'\xc0\xaf', b'\xed\xa0\x80', b'\xe2\x82', b'\xf4\x90\x80\x80', b'\x00']
values = [lambda i: rnd.randint(-2**64, 2**64), lambda i: rnd.random(), lambda i: 'w%d' % i,
          lambda i: 'text %d with w\u00f6rds \u2014 and \U0001f600' % i, lambda i: None, lambda i: True,
          lambda i: {'b': 'inner %d' % i}, lambda i: [1, {'id': 2}], lambda i: rnd.randint(-2**53 - 2, 2**53 + 2)]
out = []
for i in range(n):
    d = {}
    for k in rnd.sample(['id', 'text', 'a', 'x', 'id', 'text'], rnd.randint(1, 5)):
        d[k] = rnd.choice(values)(i)
    if rnd.random() < 0.7:  # mostly records that have what dedup reads, so the accepting paths run too
        d['text'] = values[3](i)
        d['id'] = rnd.choice([values[2], values[8]])(i)
    s = json.dumps(d, ensure_ascii=rnd.random() < 0.5)
    if rnd.random() < 0.3 and len(d) > 1:
        s = s[:-1] + ', "%s": "dup %d"}' % (rnd.choice(list(d)), i)
    if rnd.random() < 0.05:  # nesting past cJSON's 1000 and simdjson's 1024 levels (jansson: 2048)
        k = rnd.choice([990, 1030, 2100])
        s = '{"d": %s%s, %s' % ('[' * k, ']' * k, s[1:])
    s = s.encode('utf-8')
    for _ in range(rnd.choice([0, 0, 0, 1, 1, 2, 3])):
        pos = rnd.randint(0, len(s))
        s = s[:pos] + (rnd.choice(tokens).encode('utf-8') if rnd.random() < 0.8 else rnd.choice(raw)) + s[pos:]
    if rnd.random() < 0.05 and len(s) > 2:
        pos = rnd.randrange(len(s))
        s = s[:pos] + s[pos + 1:]
    out.append(s.replace(b'\n', b' '))
sys.stdout.buffer.write(b'\n'.join(out) + b'\n')
PY
bad=0
for mode in 0 1 2 3; do
    build/json_dump "$T/lines.jsonl" "$mode" > "$T/simd.$mode"
    build/plain/json_dump "$T/lines.jsonl" "$mode" > "$T/plain.$mode"
    if cmp -s "$T/simd.$mode" "$T/plain.$mode"; then
        echo "mode $mode: $N lines identical ($(grep -c '^[0-9]* 0 ' "$T/plain.$mode") accepted)"
    else
        bad=1
        echo "mode $mode: DIFFERENT" >&2
        diff "$T/plain.$mode" "$T/simd.$mode" | head -6 >&2
    fi
done
exit $bad
