/* reuse_summary.c - summaries among a pair's seeds (see reuse.h): a
 * summary's seeds lie close together in the summary and far apart in its
 * source, so they are clustered again with the narrow gap in one text and
 * the wide one in the other; what looks like a summary takes the place of
 * the narrow gap's fragments. */
#include <stdlib.h>

#include "align.h"
#include "reuse_pair.h"

#define SUMMARY_MAXGAP 24 /* sentences a summary may skip in its source between seeds */
#define SUMMARY_RATIO 3.0 /* a summary's side at least this many times shorter */
/* Sentences of a summary that seed: two similar sentence pairs are what two
 * texts on one story (or two filled-in templates) share anyway; on news-40k
 * `overlap --edited` listed 1,371 pairs it did not before the summary pass
 * with 2, nearly all templates and same-story articles, and 745 with 3. */
#define SUMMARY_SENTENCES 3

static int cmp_frag_a(const void *x, const void *y)
{
    const frag *p = x, *q = y;
    return p->a0 != q->a0 ? (p->a0 < q->a0 ? -1 : 1) : (p->b0 < q->b0 ? -1 : p->b0 > q->b0);
}

static int cmp_frag_b(const void *x, const void *y)
{
    const frag *p = x, *q = y;
    return p->b0 != q->b0 ? (p->b0 < q->b0 ? -1 : 1) : (p->a0 < q->a0 ? -1 : p->a0 > q->a0);
}

/* Fragment p takes in q: both ranges widen to hold q's. */
static void absorb(frag *p, const frag *q)
{
    if (q->a0 < p->a0) p->a0 = q->a0;
    if (q->a1 > p->a1) p->a1 = q->a1;
    if (q->b0 < p->b0) p->b0 = q->b0;
    if (q->b1 > p->b1) p->b1 = q->b1;
    p->explained &= q->explained;
    p->weight += q->weight;
}

/* A summary's sentences condense its source as a whole: fragments close
 * together in the summary (side 0: A, 1: B) are one passage, whatever their
 * order in the source. */
static void merge_summary(pairctx *c, int side)
{
    if (c->nf < 2) return;
    qsort(c->f, c->nf, sizeof *c->f, side ? cmp_frag_b : cmp_frag_a);
    size_t w = 0;
    for (size_t i = 1; i < c->nf; i++) {
        frag *p = &c->f[w], *q = &c->f[i];
        uint32_t pend = side ? p->b1 : p->a1, qstart = side ? q->b0 : q->a0;
        if (qstart <= pend + MAXGAP + 1) {
            absorb(p, q);
            /* the seeds stay with the first fragment's record: crossing
             * checks see only those, which errs on keeping the passage */
        } else {
            c->f[++w] = *q;
        }
    }
    c->nf = w + 1;
}

/* A summary of most of a document is a summary of the document: summary
 * f[k] (side: its summary's text) then spans all of its source that the
 * other n - 1 fragments of f leave (up to their ranges in the source). */
static void whole_source(const pairctx *c, frag *f, size_t n, size_t k)
{
    int side = (int)f[k].summary - 1;
    const nd_reuse_text *L = c->t[!side];
    uint32_t *lo = side ? &f[k].a0 : &f[k].b0, *hi = side ? &f[k].a1 : &f[k].b1;
    if (2 * frag_tokens(L, *lo, *hi) < L->ustart[L->nunit]) return;
    uint32_t from = 0, to = L->nunit - 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t o0 = side ? f[i].a0 : f[i].b0, o1 = side ? f[i].a1 : f[i].b1;
        if (i == k || (o1 >= *lo && o0 <= *hi)) continue;
        if (o1 < *lo && o1 + 1 > from) from = o1 + 1;
        if (o0 > *hi && o0 - 1 < to) to = o0 - 1;
    }
    *lo = from;
    *hi = to;
    f[k].keep = side ? 1 : 2;
}

/* Do f's seeds lie in SUMMARY_SENTENCES sentences of text side at least? */
static int seeds_span_units(const pairctx *c, const frag *f, int side)
{
    const seed *s = &c->fs[f->s0];
    unsigned got = 0;
    for (uint32_t k = 0; k < f->nseed; k++) {
        int seen = 0;
        for (uint32_t j = 0; j < k && !seen; j++) seen = (side ? s[j].b : s[j].a) == (side ? s[k].b : s[k].a);
        if (!seen && ++got >= SUMMARY_SENTENCES) return 1;
    }
    return 0;
}

/* Is f a summary (side: its summarising text) against its source: the
 * summary's side several times shorter, SUMMARY_SENTENCES of its sentences
 * drawing on the source? */
static int summary_shaped(const pairctx *c, const frag *f, int side)
{
    double la = frag_tokens(c->t[0], f->a0, f->a1), lb = frag_tokens(c->t[1], f->b0, f->b1);
    if (!(side ? lb * SUMMARY_RATIO <= la : la * SUMMARY_RATIO <= lb)) return 0;
    return seeds_span_units(c, f, side);
}

static int frags_clash(const frag *f, const frag *g)
{
    return (f->a0 <= g->a1 && g->a0 <= f->a1) || (f->b0 <= g->b1 && g->b0 <= f->b1);
}

/* Does one exact passage cover most of summary f's summary side?  Then f is
 * a copy with a stray seed far off in the other text. */
static int one_copy(const pairctx *c, const frag *f, int side)
{
    const nd_reuse_text *A = c->t[0], *B = c->t[1];
    uint32_t a0 = A->ustart[f->a0], a1 = A->ustart[f->a1 + 1], b0 = B->ustart[f->b0], b1 = B->ustart[f->b1 + 1];
    uint32_t len = side ? b1 - b0 : a1 - a0;
    for (size_t e = 0; e < c->nexact; e++) {
        const nd_passage *x = &c->exact[e];
        if (!overlaps(x->a_tok, x->a_tok_end, a0, a1) || !overlaps(x->b_tok, x->b_tok_end, b0, b1)) continue;
        uint32_t lo = side ? (x->b_tok > b0 ? x->b_tok : b0) : (x->a_tok > a0 ? x->a_tok : a0);
        uint32_t hi = side ? (x->b_tok_end < b1 ? x->b_tok_end : b1) : (x->a_tok_end < a1 ? x->a_tok_end : a1);
        if (2 * (hi - lo) > len) return 1;
    }
    return 0;
}

/* The seeds inside f's two ranges. */
static size_t seeds_inside(const pairctx *c, const frag *f)
{
    size_t n = 0;
    for (size_t i = 0; i < c->ns; i++)
        n += c->s[i].a >= f->a0 && c->s[i].a <= f->a1 && c->s[i].b >= f->b0 && c->s[i].b <= f->b1;
    return n;
}

/* Where unit u lies against [u0, u1]: -1 before, 0 inside, 1 after. */
static int side_of(uint32_t u, uint32_t u0, uint32_t u1) { return u < u0 ? -1 : u > u1 ? 1 : 0; }

/* Does one of summary f's seeds outside its strongest narrow fragment (the
 * one with most seeds inside f) extend that fragment without crossing it?
 * A rewrite whose only other seeds lie before it in one text and after it
 * in the other is a rewrite with stray seeds, what two texts on one story
 * share anyway (as in crosses), not a summary of a longer stretch. */
static int extends_narrow(const pairctx *c, const frag *f, const frag *narrow, size_t n)
{
    const frag *g = NULL;
    size_t most = 0;
    for (size_t i = 0; i < n; i++) {
        const frag *h = &narrow[i];
        if (h->a0 < f->a0 || h->a1 > f->a1 || h->b0 < f->b0 || h->b1 > f->b1) continue;
        size_t k = seeds_inside(c, h);
        if (k > most) most = k, g = h;
    }
    if (!g) return 1;
    for (size_t i = 0; i < c->ns; i++) {
        const seed *s = &c->s[i];
        if (s->a < f->a0 || s->a > f->a1 || s->b < f->b0 || s->b > f->b1) continue;
        int pa = side_of(s->a, g->a0, g->a1), pb = side_of(s->b, g->b0, g->b1);
        if ((pa || pb) && pa * pb >= 0) return 1;
    }
    return 0;
}

/* Summaries: a summary condenses a long stretch of its source into a few
 * sentences, so its seeds lie close together in the summary and far apart
 * in the source.  Seeds are clustered again with the narrow gap in one text
 * and the wide one in the other (each text taken as the summary in turn);
 * the fragments summary-shaped take the place of the narrow fragments
 * (c->f) they clash with. */
int nd_reuse_summaries(pairctx *c)
{
    frag *narrow = c->f;
    size_t nnarrow = c->nf;
    frag *keep = NULL;
    size_t nkeep = 0, kcap = 0;
    int rc = NEARDUP_OK;
    for (int side = 0; side < 2 && !rc; side++) {
        c->f = NULL;
        c->nf = c->fcap = 0;
        rc = nd_reuse_detect(c, side ? SUMMARY_MAXGAP : MAXGAP, side ? MAXGAP : SUMMARY_MAXGAP, side);
        size_t w = 0;
        for (size_t i = 0; !rc && i < c->nf; i++)
            if (summary_shaped(c, &c->f[i], side)) c->f[i].summary = (uint32_t)side + 1, c->f[w++] = c->f[i];
        c->nf = w;
        if (!rc) merge_summary(c, side);
        for (size_t i = 0; !rc && i < c->nf; i++) {
            if (one_copy(c, &c->f[i], side) || !extends_narrow(c, &c->f[i], narrow, nnarrow)) continue;
            if (nkeep == kcap && nd_grow((void **)&keep, &kcap, nkeep + 1, sizeof *keep)) rc = NEARDUP_E_NOMEM;
            else keep[nkeep++] = c->f[i];
        }
        free(c->f);
    }
    /* of summaries overlapping in a text (each text the other's summary),
     * the stronger stays; then the narrow fragments no summary covers or
     * takes in */
    if (nkeep > 1) qsort(keep, nkeep, sizeof *keep, nd_reuse_cmp_frag_weight);
    size_t w = 0;
    for (size_t i = 0; i < nkeep; i++) {
        int clash = 0;
        for (size_t j = 0; j < w && !clash; j++) clash = frags_clash(&keep[i], &keep[j]);
        if (!clash) keep[w++] = keep[i];
    }
    nkeep = w;
    if (!rc && nkeep + nnarrow > kcap && nd_grow((void **)&keep, &kcap, nkeep + nnarrow, sizeof *keep))
        rc = NEARDUP_E_NOMEM;
    /* A narrow fragment beside a summary in the summary's text (within the
     * narrow gap) is more of it, however far off in the source it lies
     * (the wide gap split it off): it joins the summary, as merge_summary
     * joins the summary's own pieces. */
    size_t nsum = nkeep;
    for (size_t i = 0; !rc && i < nnarrow; i++) {
        frag *q = &narrow[i];
        int clash = 0;
        for (size_t j = 0; j < nkeep && !clash; j++) clash = frags_clash(q, &keep[j]);
        for (size_t j = 0; j < nsum && !clash; j++) {
            frag *p = &keep[j];
            int side = (int)p->summary - 1;
            uint32_t p0 = side ? p->b0 : p->a0, p1 = side ? p->b1 : p->a1;
            uint32_t q0 = side ? q->b0 : q->a0, q1 = side ? q->b1 : q->a1;
            if (q0 > p1 + MAXGAP + 1 || p0 > q1 + MAXGAP + 1) continue;
            absorb(p, q);
            clash = 1;
        }
        if (!clash) keep[nkeep++] = *q;
    }
    /* a narrow fragment kept before a summary grew over it goes */
    size_t w2 = nsum;
    for (size_t i = nsum; i < nkeep; i++) {
        int clash = 0;
        for (size_t j = 0; j < nsum && !clash; j++) clash = frags_clash(&keep[i], &keep[j]);
        if (!clash) keep[w2++] = keep[i];
    }
    nkeep = w2;
    for (size_t j = 0; j < nsum; j++) whole_source(c, keep, nkeep, j);
    free(narrow);
    c->f = keep;
    c->nf = nkeep;
    c->fcap = kcap;
    return rc;
}
