/* align_internal.h - what the aligner's two files share: align_seeds.c finds
 * the seeds of a pair (the word k-grams both texts hold), align.c turns them
 * into segments, chains and passages.  Not part of any stage's interface. */
#ifndef ND_ALIGN_INTERNAL_H
#define ND_ALIGN_INTERNAL_H

#include "align.h"

typedef struct {
    uint32_t a, b; /* A[a, a+k) == B[b, b+k) */
} nd_align_seed;

/* All (a, b) positions where A and B share a k-gram, in no particular order,
 * into *s (cap *cap, grown as needed; *nout of them): the shared keys come
 * from a merge of the two sorted k-gram lists, by the widest block merge this
 * CPU runs (merge: ND_MERGE_* of nd_align_opts).  A k-gram in more than
 * MAX_OCC (32) places of either text seeds nothing.  0 or NEARDUP_E_NOMEM. */
int nd_align_find_seeds(const nd_kgrams *ga, const nd_kgrams *gb, unsigned merge, nd_align_seed **s, size_t *cap,
                        size_t *nout);

#endif
