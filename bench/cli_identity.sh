#!/bin/sh
# cli_identity.sh - the command-line outputs a refactoring must keep byte for
# byte (issue 21: jobs moved from src/cli into the library).  Run it with the
# binary from before the change and with the one after, then compare:
#
#   sh bench/cli_identity.sh OLD/neardup /tmp/before
#   sh bench/cli_identity.sh build/neardup /tmp/after
#   sh bench/cli_identity.sh --cmp /tmp/before /tmp/after
#
# Outputs on news-40k: dedup (kept records, clusters, removed), pairs in each
# metric, overlap, align of two corpus documents (--a-id/--b-id) and of the
# seed articles (text and JSONL), align --pairs, index build (the file
# itself) and query in both modes.  Skips with a message when the corpus is
# absent.  Two threads: the outputs are the same for any -j (a promise the
# golden tests check); this is a check of the code move, not of speed.
set -u
if [ "${1:-}" = "--cmp" ]; then
    [ $# -eq 3 ] || { echo "usage: $0 --cmp BEFORE AFTER" >&2; exit 2; }
    bad=0
    for f in "$2"/*; do
        n=$(basename "$f")
        if cmp -s "$f" "$3/$n"; then echo "same      $n ($(wc -c < "$f") bytes)"
        else echo "DIFFERENT $n"; bad=1; fi
    done
    exit $bad
fi
[ $# -eq 2 ] || { echo "usage: $0 NEARDUP OUTDIR | --cmp BEFORE AFTER" >&2; exit 2; }
ND=$1
O=$2
HERE=$(cd "$(dirname "$0")" && pwd)
C=${CORPUS:-$HERE/../../shared/corpora/news-40k.jsonl.zst}
[ -f "$C" ] || C=/work/shared/corpora/news-40k.jsonl.zst
SEEDS=${SEEDS:-$(dirname "$(dirname "$C")")/seeds}
if [ ! -f "$C" ]; then echo "cli_identity.sh: skipped: no corpus at $C" >&2; exit 0; fi
mkdir -p "$O"
T=$(mktemp -d /tmp/nd_identity.XXXXXX)
trap 'rm -rf "$T"' EXIT
J="-j 2 -q"
run() { name=$1; shift; "$ND" "$@" || { echo "cli_identity.sh: FAIL ($?): $*" >&2; exit 1; }; }
run dedup dedup "$C" $J -o "$O/dedup.jsonl" --clusters "$O/dedup_clusters.jsonl" --removed "$O/dedup_removed.jsonl"
run dedup dedup "$C" $J --memory 64M -o "$O/dedup_memory.jsonl" --removed "$O/dedup_memory_removed.jsonl"
for m in jaccard simhash exact containment; do
    run pairs pairs "$C" $J --metric $m --format tsv -o "$O/pairs_$m.tsv"
done
run pairs pairs "$C" $J --exact --format jsonl -o "$O/pairs_jaccard_exact.jsonl"
run overlap overlap "$C" $J --format jsonl -o "$O/overlap.jsonl"
# two documents the overlap run found sharing passages (its first pair)
ids=$(head -1 "$O/overlap.jsonl" | sed 's/^{"a": "\([^"]*\)", "b": "\([^"]*\)".*/\1 \2/')
A=${ids% *}
B=${ids#* }
run align align "$C" "$C" --a-id "$A" --b-id "$B" $J --format jsonl -o "$O/align_ids.jsonl"
run align align "$C" "$C" --a-id "$A" --b-id "$B" $J --color never -o "$O/align_ids.txt"
if [ -d "$SEEDS" ]; then
    set -- "$SEEDS"/*.txt
    run align align "$1" "$2" $J --color never -o "$O/align_seeds.txt"
    run align align "$1" "$2" $J --format jsonl -o "$O/align_seeds.jsonl"
    run align align "$1" "$2" $J --verbatim --format jsonl -o "$O/align_seeds_verbatim.jsonl"
fi
head -200 "$O/overlap.jsonl" > "$T/pairs.jsonl"
run align align --pairs "$T/pairs.jsonl" "$C" $J --format jsonl -o "$O/align_pairs.jsonl"
run index index build "$C" $J -o "$O/index.ndx"
zstdcat "$C" | head -3000 > "$T/queries.jsonl"
run query query "$O/index.ndx" "$T/queries.jsonl" $J --format jsonl -o "$O/query_dup.jsonl"
run query query "$O/index.ndx" "$T/queries.jsonl" $J --mode overlap --format jsonl -o "$O/query_overlap.jsonl"
run query query "$O/index.ndx" "$T/queries.jsonl" $J --color never -o "$O/query_dup.txt"
run query query "$O/index.ndx" "$T/queries.jsonl" $J --mode overlap --color never -o "$O/query_overlap.txt"
run pairs pairs "$C" $J --explain --format jsonl -o "$O/pairs_explain.jsonl"
run overlap overlap "$C" $J --edited --format jsonl -o "$O/overlap_edited.jsonl"
echo "cli_identity.sh: outputs in $O"
