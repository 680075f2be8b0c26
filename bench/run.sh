#!/bin/sh
# bench/run.sh - `make bench`: issue-5 throughput, scaling and memory figures.
#
# usage: sh bench/run.sh [NEARDUP]        (make bench passes $(BIN); default build/neardup)
# env:   QUICK=1     < 2 min: 1 repetition, 2000-document slice, no 1 GB corpus, no -march builds
#        OUT=DIR     results and generated data (default build/bench)
#        (the issue-24 figure, dedup news-40k.zst against zstd -dc | wc -w, is bench.py's
#        --pair-reps paired rounds: 9, or 3 with QUICK=1; every round's ratio is in bench.md)
#        BIG_COPIES  copies of news-40k in the generated corpus (default 18 = 1.1 GB; 0 = none)
#        VARIANTS=0  skip the -march builds
#
# Builds bench/gen_big.c and two -march variants of neardup (in OUT/variants/*, via make with
# BUILD= and OPT=; the portable default build is the binary under test), then runs
# bench/bench.py, which writes OUT/bench.md and OUT/bench.csv.  Skips with a message (exit 0)
# when ../shared/corpora/news-40k.jsonl.zst is absent.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/neardup}
OUT=${OUT:-build/bench}
QUICK=${QUICK:-0}
CORPUS=../shared/corpora/news-40k.jsonl.zst
PY=/usr/bin/python3

if [ ! -f "$CORPUS" ]; then
    echo "SKIP: $CORPUS is absent; make bench needs the news-40k corpus (see bench/README.md)"
    exit 0
fi
[ -x "$BIN" ] || { echo "bench: $BIN is not built (run make first)" >&2; exit 2; }
command -v zstd >/dev/null || { echo "bench: zstd is not installed (sh scripts/install-deps.sh)" >&2; exit 1; }
# numpy for the datasketch baseline; bench.py says SKIP for it when this fails (not root)
sh scripts/install-deps.sh >/dev/null 2>&1 || echo "bench: some Debian packages are missing (sh scripts/install-deps.sh)" >&2

mkdir -p "$OUT"
${CC:-cc} -O2 -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -o "$OUT/gen_big" bench/gen_big.c

if [ "$QUICK" = 1 ]; then
    set -- --mode quick --reps 1 --pair-reps 3 --big-copies 0 --slice 2000 --ds-styles reuse/batch
    VARIANTS=${VARIANTS:-0}
else
    set -- --mode full --reps 5 --big-copies "${BIG_COPIES:-18}" --big-reps 3 --slice 5000
fi

if [ "${VARIANTS:-1}" != 0 ]; then
    # the default OPT is the Makefile's portable "-O2 -mtune=generic": the binary under test
    set -- "$@" --variant "default@-O2 -mtune=generic@$BIN"
    for v in "native:-O2 -march=native" "o3native:-O3 -march=native -mtune=native"; do
        name=${v%%:*}
        opt=${v#*:}
        echo "building $OUT/variants/$name (OPT=\"$opt\")"
        make --no-print-directory -j2 BUILD="$OUT/variants/$name" OPT="$opt" \
            "$OUT/variants/$name/neardup" >/dev/null
        set -- "$@" --variant "$name@$opt@$OUT/variants/$name/neardup"
    done
fi

"$PY" bench/bench.py --neardup "$BIN" --gen "$OUT/gen_big" --corpus "$CORPUS" --out "$OUT" "$@"

# append TOOL TITLE WHAT ARGS...: runs the bench tool beside the binary (when it is built) and
# appends its table to bench.md under the heading TITLE.
append() {
    tool=$(dirname "$BIN")/$1 title=$2 what=$3
    shift 3
    [ -x "$tool" ] || return 0
    {
        printf '\n## %s (`%s`)\n\n' "$title" "$tool"
        "$tool" "$@"
    } >> "$OUT/bench.md"
    echo "appended the $what table to $OUT/bench.md"
}
PLAIN=$OUT/data/news-40k.jsonl
# Per-stage single-core throughput on the whole corpus (thread CPU time, best of 5): the
# figures behind the tokenizer and MinHash choices (bench/stage_speed.c).
[ -f "$PLAIN" ] && append stage_speed "Per-document stages, one core, news-40k" per-stage "$PLAIN" 5
# JSON parsers on every line of news-40k, one core, best of 3 (bench/json_speed.c; issue 24:
# record.c tries simdjson, then cJSON, then jansson).
[ -f "$PLAIN" ] && append json_speed "JSON parsing, one core, news-40k" "JSON parser" "$PLAIN" 3
# HTML reader (gumbo vs libxml2) and encoding detection throughput, one core
# (bench/html_speed.c; issue 22).
append html_speed "HTML reader and encoding detection, one core" HTML/encoding \
    "$CORPUS" "$([ "$QUICK" = 1 ] && echo 1000 || echo 5000)" 3

# Reprint clusters (issue 23): the generated wire-reprint benchmark with ground truth (pair F1,
# source accuracy, viral recall, clusters within one series, footer clusters) and news-40k time
# and peak RSS with and without --clusters (bench/clusters_bench.sh).
{
    printf '\n## Reprint clusters (`bench/clusters_bench.sh`)\n\n```\n'
    OUT="$OUT/reprints" sh bench/clusters_bench.sh "$BIN" || echo "clusters_bench.sh: a target was missed"
    printf '```\n'
} >> "$OUT/bench.md"
echo "appended the reprint-cluster figures to $OUT/bench.md"

# neardup strip (issue 24): the repeated spans it cuts from news-40k, the documents dropped, and its
# wall time relative to dedup's in the same run (bench/strip_speed.sh).
{
    printf '\n## neardup strip: repeated spans cut from news-40k (`bench/strip_speed.sh`)\n\n'
    OUT="$OUT/strip" sh bench/strip_speed.sh "$BIN" "$([ "$QUICK" = 1 ] && echo 1 || echo 5)"
} >> "$OUT/bench.md"
echo "appended the strip table to $OUT/bench.md"
