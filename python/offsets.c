/* offsets.c - the library's UTF-8 byte offsets -> Python string indices.
 *
 * libneardup reports byte ranges into the UTF-8 text; a Python str is
 * indexed by code points, so s[p.a_start:p.a_end] needs code-point indices.
 * All offsets into one text are converted in one pass: sorted by byte
 * offset, then the code points (bytes that are not UTF-8 continuation
 * bytes) are counted from one offset to the next.  An ASCII text needs no
 * work: byte and code-point indices agree. */
#include "py_neardup.h" /* Python.h first, as CPython asks */

#include <stdlib.h>

static int by_offset(const void *x, const void *y)
{
    size_t a = *((const nd_py_offset *)x)->slot, b = *((const nd_py_offset *)y)->slot;
    return (a > b) - (a < b);
}

void nd_py_code_points(const char *text, size_t len, nd_py_offset *offs, size_t n)
{
    if (n > 1) qsort(offs, n, sizeof *offs, by_offset);
    size_t pos = 0, cp = 0;
    for (size_t i = 0; i < n; i++) {
        size_t to = *offs[i].slot;
        if (to > len) to = len; /* never past the text (the library never reports it) */
        for (; pos < to; pos++) cp += ((unsigned char)text[pos] & 0xC0) != 0x80;
        *offs[i].slot = cp;
    }
}
