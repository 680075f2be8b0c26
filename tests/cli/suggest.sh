#!/bin/sh
# suggest.sh - issue 22 part 5: a mistyped option, format, command or index
# subcommand exits 2 and suggests the nearest valid name by edit distance
# ("did you mean --threshold?"; a swap of neighbours is one edit, a prefix
# of 3+ bytes is near); an option near nothing lists the command's options.
# Nothing is read or written.  Before the change: "unknown option
# --treshold (see --help)", no suggestion, no list.
set -u
N=${NEARDUP:?set NEARDUP to the neardup binary}
T=$(mktemp -d /tmp/nd_suggest_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "suggest.sh: FAIL: $*" >&2; exit 1; }
S=tests/data/sample.jsonl

# want MESSAGE CMD...: exit 2, MESSAGE on stderr, no output file
want() {
    msg=$1
    shift
    "$@" > "$T/out" 2> "$T/err"
    rc=$?
    [ $rc -eq 2 ] || fail "$*: exit $rc, want 2"
    grep -qF -e "$msg" "$T/err" || fail "$*: want \"$msg\", got: $(cat "$T/err")"
    [ -s "$T/out" ] && fail "$*: wrote to standard output"
    [ -e "$T/k.jsonl" ] && fail "$*: wrote its output"
    return 0
}
want "unknown option --treshold: did you mean --threshold?" "$N" dedup "$S" --treshold 0.5 -o "$T/k.jsonl"
want "did you mean --threshold?" "$N" dedup "$S" --thershold 0.5 -o "$T/k.jsonl"
want "did you mean --threshold?" "$N" dedup "$S" --thresh 0.5 -o "$T/k.jsonl"
want "unknown option --treshold: did you mean --threshold?" "$N" dedup "$S" --treshold=0.5 -o "$T/k.jsonl"
want "did you mean --clusters?" "$N" dedup "$S" --clsuters "$T/c.jsonl" -o "$T/k.jsonl"
want "did you mean --format?" "$N" pairs "$S" --fromat jsonl
want "did you mean --min-words?" "$N" overlap "$S" --min-word 10
want "did you mean --excerpts?" "$N" overlap "$S" --exerpts --format jsonl
want "(neardup dedup --help lists every option)" "$N" dedup "$S" --treshold 0.5 -o "$T/k.jsonl"
# near nothing: the command's options are listed
want "unknown option --frobnicate; pairs takes: --threshold --ngram" "$N" pairs "$S" --frobnicate
grep -q -- "--format" "$T/err" && grep -q -- "--help" "$T/err" || fail "the list misses options: $(cat "$T/err")"
grep -q "did you mean" "$T/err" && fail "a suggestion for a name near nothing: $(cat "$T/err")"
want "index build takes:" "$N" index build "$S" -o "$T/r.ndx" --frobnicate
# a command's options only: dedup has no --format, so none is suggested
want "unknown option --fromat; dedup takes:" "$N" dedup "$S" --fromat jsonl -o "$T/k.jsonl"
# formats, commands, index subcommands
want 'unknown format "jsnl": did you mean jsonl?' "$N" pairs "$S" --format jsnl
want 'unknown format "xml" (one of: text, tsv, csv, jsonl, html' "$N" pairs "$S" --format xml
grep -q "did you mean" "$T/err" && fail "--format xml: a suggestion: $(cat "$T/err")"
want 'unknown command "dedpu": did you mean dedup?' "$N" dedpu "$S"
want '(commands: pairs dedup overlap align keygen index query' "$N" frobnicate
want 'unknown subcommand "biuld": did you mean build?' "$N" index biuld "$S"
exit 0
