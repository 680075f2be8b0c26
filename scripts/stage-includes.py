#!/usr/bin/env python3
"""stage-includes.py - adds the stage headers a file uses but does not include.

src/lib/nd.h is the small base (errors, arrays, threads, sorting, seeds);
each stage has its own header (reader.h, record.h, tokenize.h, shingle.h,
minhash.h, lsh.h, simhash.h, cluster.h, align.h, edits.h).  A file written
against the old all-in-one nd.h (a branch merged after the split) fails to
compile; this finds, for every C file under src/, tests/, bench/ and fuzz/,
the stage headers declaring names it uses, and adds the missing #include
lines to its first block of local includes.  Prints what it changed; with
--check, changes nothing and exits 1 when a file misses one.

    python3 scripts/stage-includes.py [--check]
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = ["reader.h", "record.h", "tokenize.h", "shingle.h", "minhash.h", "lsh.h", "simhash.h",
          "cluster.h", "align.h", "edits.h"]


def strip_comments(text):
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))


def declared(text):
    """Names a header declares: functions, typedefs, macros, enum constants."""
    t = strip_comments(text)
    names = set(re.findall(r"\b(nd_\w+)\s*\(", t))
    names |= set(re.findall(r"\}\s*(nd_\w+)\s*;", t))
    names |= {b for _, b in re.findall(r"typedef struct (\w+) (nd_\w+);", t)}
    names |= set(re.findall(r"#define (ND_\w+)", t))
    for body in re.findall(r"enum \{([^}]*)\}", t):
        names |= set(re.findall(r"\b(ND_[A-Z0-9_]+)\b", body))
    return names


def main():
    check = "--check" in sys.argv[1:]
    lib = os.path.join(ROOT, "src", "lib")
    base = declared(open(os.path.join(lib, "nd.h")).read())
    syms = {h: declared(open(os.path.join(lib, h)).read()) - base for h in STAGES}
    # a header's own inline helpers call names of the headers it includes: keep only its own
    for h in STAGES:
        for other in STAGES:
            if other != h and re.search(r'#include "%s"' % re.escape(other), open(os.path.join(lib, h)).read()):
                syms[h] -= syms[other]
    files = []
    for pat in ("src/**/*.[ch]", "tests/*.[ch]", "bench/*.c", "fuzz/*.c"):
        files += glob.glob(os.path.join(ROOT, pat), recursive=True)
    missing = 0
    for f in sorted(files):
        name = os.path.basename(f)
        s = open(f).read()
        used = set(re.findall(r"\b(nd_\w+|ND_\w+)\b", strip_comments(s)))
        have = set(re.findall(r'#include "([^"]+)"', s))
        add = [h for h in STAGES if h != name and h not in have and syms[h] & used]
        if not add:
            continue
        missing += 1
        print("%s: + %s" % (os.path.relpath(f, ROOT), " ".join(add)))
        if check:
            continue
        m = re.search(r'(^#include "[^"]+"\n)+', s, flags=re.M)
        if not m:
            print("  no local #include block: add them by hand", file=sys.stderr)
            continue
        block = m.group(0).splitlines()
        names = [re.match(r'#include "([^"]+)"', l).group(1) for l in block]
        new = sorted(set(names) | set(add)) if names == sorted(names) else names + sorted(add)
        s = s[:m.start()] + "".join('#include "%s"\n' % n for n in new) + s[m.end():]
        open(f, "w").write(s)
    return 1 if check and missing else 0


if __name__ == "__main__":
    sys.exit(main())
