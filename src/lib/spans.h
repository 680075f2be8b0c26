/* spans.h - token byte spans packed in about 2 bytes a token (spans.c).
 *
 * overlap holds every document's tokens while it aligns, and on a virtual
 * machine fresh memory is what costs most (about 1.2 ms per MB first touched
 * here); yet a span is only read at the two ends of each passage found.  So a
 * span is kept as its gap after the previous token's end and its length, a
 * byte each, and every 32nd token records where the token before it ended: a
 * span is a walk of at most 32 steps from there.  A gap or length of 255
 * bytes or more (a long URL, a run of punctuation) is kept whole in a short
 * list of exceptions. */
#ifndef ND_SPANS_H
#define ND_SPANS_H

#include "nd.h"

#define ND_SPAN_STRIDE 32

typedef struct {
    uint32_t tok, start, end;
} nd_span_exception;

/* A document's packed spans; the arrays point into memory the caller owns. */
typedef struct {
    const uint32_t *mark;            /* n / 32 + 1: the end of token 32 i - 1 (0 for i = 0) */
    const nd_span_exception *exc;    /* nexc, by token */
    const uint8_t *gl;               /* 2 n: gap, length (255, 255: see exc) */
    uint32_t nexc;
} nd_packed_spans;

/* Bytes nd_spans_pack needs for these n spans (a multiple of 4); *nexc gets
 * how many of them are exceptions, for nd_spans_pack. */
size_t nd_spans_packed_bytes(const nd_span *sp, size_t n, size_t *nexc);

/* Packs the n spans (nexc of them exceptions) into mem (nd_spans_packed_bytes
 * bytes, 4-byte aligned); *out points into mem. */
void nd_spans_pack(const nd_span *sp, size_t n, size_t nexc, void *mem, nd_packed_spans *out);

/* Token t's span. */
nd_span nd_spans_get(const nd_packed_spans *p, size_t t);

#endif
