/* reuse_pair.h - what the rewritten-passage aligner's files share about
 * one pair: its seeds, fragments and context (reuse_seeds.c: seeding,
 * extension; reuse_summary.c: summaries; reuse.c: validation, passages). */
#ifndef ND_REUSE_PAIR_H
#define ND_REUSE_PAIR_H

#include "align.h"
#include "reuse.h"

#define MAXGAP 4 /* sentences a rewrite may leave out or add between seeds */
/* Seeds: the thresholds of Sanchez-Perez et al. for cosine and Dice. */
#define SEED_COS 0.33
#define SEED_DICE 0.33
/* A cluster's fragments must be this similar as wholes. */
#define VALID_COS 0.34

typedef struct {
    uint32_t a, b;    /* units */
    uint32_t explained; /* both units lie in the same exact passage */
} seed;

typedef struct {
    uint32_t a0, a1, b0, b1; /* unit ranges, inclusive */
    double sim;              /* fragments' cosine */
    double weight;           /* strength, to resolve overlaps */
    uint32_t explained;      /* every seed inside an exact passage */
    uint32_t nseed, nexpl;
    uint32_t s0;             /* its seeds: pairctx.fs[s0, s0 + nseed) */
    uint32_t keep;           /* 1: keep A's range untrimmed, 2: B's (a summarised document) */
    uint32_t summary;        /* 1: A summarises B's range, 2: B summarises A's; 0: a rewrite */
} frag;

typedef struct {
    const nd_reuse_text *t[2];
    float *w[2];    /* per entry: tf * isf */
    float *norm[2]; /* per unit */
    /* the pair's vocabulary: dense ids for the terms of both texts */
    uint32_t nv;
    uint32_t *vterm;    /* nv sorted terms */
    uint32_t *eid[2];   /* per entry: its term's id */
    uint32_t *post_off; /* nv + 1: B's entries of each term, */
    uint32_t *post;     /* as B unit numbers */
    float *postw;       /* and weights */
    double *acc[2];     /* per id, scratch (zero between uses) */
    uint32_t *cnt;      /* per id, scratch (zero between uses) */
    uint32_t *touch;    /* ids touched */
    seed *s;
    size_t ns;
    frag *f;
    size_t nf, fcap;
    int32_t *cover[2]; /* per unit: the exact passage covering most of it, or -1 */
    const nd_passage *exact;
    size_t nexact;
    uint8_t *mark; /* per exact passage, scratch */
    seed *fs;      /* the fragments' seeds */
    size_t nfs, fscap;
    int summary;   /* extension looks for summaries of text 0 or 1 (-1: rewrites) */
} pairctx;

static inline int overlaps(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1) { return a0 < b1 && b0 < a1; }

static inline uint32_t frag_tokens(const nd_reuse_text *t, uint32_t u0, uint32_t u1)
{
    return t->ustart[u1 + 1] - t->ustart[u0];
}

/* The pair's vocabulary (one sort of both texts' entries), isf weights of
 * every entry, each unit's norm, and B's postings by term id
 * (reuse_seeds.c, as the next three). */
int nd_reuse_weigh(pairctx *c);

/* The sentence pairs whose cosine and Dice pass seed_cos and seed_dice, in
 * c->s (after nd_reuse_weigh). */
int nd_reuse_find_seeds(pairctx *c, double seed_cos, double seed_dice);

/* Cosine of two fragments as wholes (unit ranges inclusive), leaving out
 * the units an exact passage marked in skip covers (skip NULL: none). */
int nd_reuse_units_sim(pairctx *c, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1, const uint8_t *skip,
                       double *out);

/* Marks (add > 0) or unmarks the term ids of units [u0, u1] of one text in
 * c->cnt. */
void nd_reuse_mark_units(pairctx *c, int side, uint32_t u0, uint32_t u1, int add);

/* Fragments by strength (weight, then position), for qsort. */
int nd_reuse_cmp_frag_weight(const void *x, const void *y);

/* Runs the seeds through extension with gaps gap_a in A and gap_b in B,
 * validating clusters as rewrites (summary -1) or as summaries of text 0
 * or 1 against the other; the fragments in c->f (replaced). */
int nd_reuse_detect(pairctx *c, unsigned gap_a, unsigned gap_b, int summary);

/* Replaces c->f, the narrow gap's fragments, by the summaries the seeds
 * show and the narrow fragments they leave (reuse_summary.c). */
int nd_reuse_summaries(pairctx *c);

#endif
