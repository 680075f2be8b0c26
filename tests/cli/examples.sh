#!/bin/sh
# examples.sh - `make install PREFIX=<temp>` installs the binary, both
# libraries, the header, neardup.pc and the man page; the two examples build
# with `cc $(pkg-config --cflags --libs neardup)` against it and print the
# expected answers (pairs_corpus: byte for byte what `neardup pairs --format
# tsv` prints, in each metric); `make uninstall` removes exactly what was
# installed.
# Skipped in the sanitizer builds (the installed library is the plain one).
set -u
B=${BUILD:-build}
case "$B" in *asan*|*ubsan*) exit 0 ;; esac
T=$(mktemp -d /tmp/nd_examples_sh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "examples.sh: FAIL: $*" >&2; exit 1; }
P=$T/prefix
make -s --no-print-directory install BUILD="$B" PREFIX="$P" > "$T/log" 2>&1 || { cat "$T/log" >&2; fail "make install"; }
for f in bin/neardup lib/libneardup.a lib/libneardup.so lib/libneardup.so.1 include/neardup.h \
         lib/pkgconfig/neardup.pc share/man/man1/neardup.1; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done
# the MPI build goes beside neardup whenever it was built (mpicc on the PATH)
if [ -x "$B/neardup-mpi" ]; then [ -x "$P/bin/neardup-mpi" ] || fail "not installed: bin/neardup-mpi"; fi
readelf -d "$P/lib/libneardup.so" | grep -q "SONAME.*libneardup.so.1" || fail "soname"
# make install prints the line a shell needs for pkg-config to find a prefix outside its path
grep -qF "export PKG_CONFIG_PATH=\"$P/lib/pkgconfig" "$T/log" || fail "make install did not print the PKG_CONFIG_PATH line: $(cat "$T/log")"
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
[ "$(pkg-config --modversion neardup)" = "$("$P/bin/neardup" --version | cut -d' ' -f2)" ] || fail "pkg-config version"
for ex in dedup_strings align_buffers pairs_corpus index_query; do
    # shellcheck disable=SC2046
    cc -Wall -Wextra -Werror examples/$ex.c $(pkg-config --cflags --libs neardup) -o "$T/$ex" || fail "build $ex"
done
for ex in dedup_strings align_buffers; do
    # no LD_LIBRARY_PATH: neardup.pc's flags carry an rpath to the prefix's lib/
    "$T/$ex" > "$T/$ex.out" || fail "run $ex (linked to $(ldd "$T/$ex" | grep neardup))"
done
for m in jaccard simhash exact containment; do
    "$T/pairs_corpus" tests/data/sample.jsonl $m > "$T/pairs_$m.api" || fail "run pairs_corpus $m"
    "$P/bin/neardup" pairs tests/data/sample.jsonl -q --metric $m --format tsv > "$T/pairs_$m.cli" || fail "neardup pairs $m"
    [ "$(wc -l < "$T/pairs_$m.cli")" -gt 1 ] || fail "pairs $m: no pairs to compare"
    cmp -s "$T/pairs_$m.api" "$T/pairs_$m.cli" || fail "pairs_corpus $m differs from neardup pairs"
done
"$T/index_query" "$T/refs.ndx" > "$T/index_query.out" || fail "run index_query"
grep -q "^dup: rates 0.8" "$T/index_query.out" || fail "index_query: $(cat "$T/index_query.out")"
grep -q "^overlap: rates .* words$" "$T/index_query.out" || fail "index_query: $(cat "$T/index_query.out")"
grep -q "calm" "$T/index_query.out" && fail "index_query: unrelated reference matched"
grep -qx "drop 2 (near-duplicate of 0)" "$T/dedup_strings.out" || fail "dedup_strings: $(cat "$T/dedup_strings.out")"
grep -qx "drop 3 (near-duplicate of 0)" "$T/dedup_strings.out" || fail "dedup_strings: case-only copy kept"
grep -qx "keep 1" "$T/dedup_strings.out" || fail "dedup_strings: unrelated text dropped"
# "an agreement" -> "a deal": 22 matching words and 2 substituted, 24 columns (26 before
# substitutions were counted as one column each, not as a deletion plus an insertion)
grep -q "^passage 1: a\[38, 173) b\[49, 178) 24 words, identity 0.917" "$T/align_buffers.out" || fail "align_buffers: $(cat "$T/align_buffers.out")"
man -l "$P/share/man/man1/neardup.1" > /dev/null 2>&1 || [ ! -x "$(command -v man)" ] || fail "man page does not render"
make -s --no-print-directory uninstall BUILD="$B" PREFIX="$P" > "$T/log" 2>&1 || fail "make uninstall"
left=$(find "$P" -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
exit 0
