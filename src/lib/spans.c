/* spans.c - packed token spans (see spans.h). */
#include <string.h>

#include "spans.h"

#define WIDE 255 /* a gap or length this large or larger is an exception */

/* Branch-free, so the counting loop vectorises: a span starting before the
 * previous end or ending before its start wraps to a huge unsigned width. */
static inline int is_exception(uint32_t prev, nd_span sp)
{
    return ((uint64_t)sp.start - prev >= WIDE) | ((uint64_t)sp.end - sp.start >= WIDE);
}

static size_t nmark(size_t n) { return n / ND_SPAN_STRIDE + 1; }

static size_t count_exceptions(const nd_span *sp, size_t n)
{
    size_t e = 0;
    if (n) e += is_exception(0, sp[0]);
    for (size_t i = 1; i < n; i++) e += is_exception(sp[i - 1].end, sp[i]);
    return e;
}

size_t nd_spans_packed_bytes(const nd_span *sp, size_t n, size_t *nexc)
{
    *nexc = count_exceptions(sp, n);
    size_t bytes = nmark(n) * sizeof(uint32_t) + *nexc * sizeof(nd_span_exception) + 2 * n;
    return (bytes + 3) & ~(size_t)3;
}

void nd_spans_pack(const nd_span *sp, size_t n, size_t nexc, void *mem, nd_packed_spans *out)
{
    uint32_t *mark = mem;
    nd_span_exception *exc = (nd_span_exception *)(mark + nmark(n));
    uint8_t *gl = (uint8_t *)(exc + nexc);
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t prev = i ? sp[i - 1].end : 0;
        if (i % ND_SPAN_STRIDE == 0) mark[i / ND_SPAN_STRIDE] = prev;
        if (is_exception(prev, sp[i])) {
            exc[e++] = (nd_span_exception){(uint32_t)i, sp[i].start, sp[i].end};
            gl[2 * i] = gl[2 * i + 1] = WIDE;
        } else {
            gl[2 * i] = (uint8_t)(sp[i].start - prev);
            gl[2 * i + 1] = (uint8_t)(sp[i].end - sp[i].start);
        }
    }
    if (n % ND_SPAN_STRIDE == 0) mark[n / ND_SPAN_STRIDE] = n ? sp[n - 1].end : 0;
    *out = (nd_packed_spans){mark, exc, gl, (uint32_t)nexc};
}

static nd_span exception_of(const nd_packed_spans *p, size_t t)
{
    size_t lo = 0, hi = p->nexc;
    while (lo + 1 < hi) { /* the exception of token t is there: gl said so */
        size_t mid = lo + (hi - lo) / 2;
        if (p->exc[mid].tok <= t) lo = mid;
        else hi = mid;
    }
    return (nd_span){p->exc[lo].start, p->exc[lo].end};
}

nd_span nd_spans_get(const nd_packed_spans *p, size_t t)
{
    size_t i = t - t % ND_SPAN_STRIDE;
    uint32_t end = p->mark[i / ND_SPAN_STRIDE];
    nd_span s = {0, 0};
    for (; i <= t; i++) {
        uint8_t g = p->gl[2 * i], l = p->gl[2 * i + 1];
        if (g == WIDE && l == WIDE) s = exception_of(p, i);
        else s = (nd_span){end + g, end + g + l};
        end = s.end;
    }
    return s;
}
