/* reuse.c - the rewritten-passage aligner on two prepared texts (see
 * reuse.h): the fragments (reuse_seeds.c, reuse_summary.c) made passages,
 * merged with the exact aligner's, one passage per stretch, neighbours
 * joined. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "reuse.h"
#include "reuse_pair.h"

/* An exact passage this faithful is a quote (see crosses). */
#define QUOTE_IDENTITY 0.9

/* Is token i of text t a content word whose term is marked in c->cnt? */
static int marked(const pairctx *c, const nd_reuse_text *t, uint32_t i)
{
    if (t->term[i] & ND_TERM_STOP) return 0;
    uint32_t lo = 0, hi = c->nv, term = t->term[i] & ND_TERM_MASK;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (c->vterm[mid] < term) lo = mid + 1;
        else hi = mid;
    }
    return lo < c->nv && c->vterm[lo] == term && c->cnt[lo];
}

/* Trims [*t0, *t1) of text side to its first and last content words found
 * in the other fragment (units [o0, o1] of the other text); returns how many
 * of its content words are found. */
static uint32_t trim(pairctx *c, int side, uint32_t *t0, uint32_t *t1, uint32_t o0, uint32_t o1)
{
    const nd_reuse_text *t = c->t[side];
    nd_reuse_mark_units(c, !side, o0, o1, 1);
    while (*t0 < *t1 && !marked(c, t, *t0)) (*t0)++;
    while (*t1 > *t0 && !marked(c, t, *t1 - 1)) (*t1)--;
    uint32_t found = 0;
    for (uint32_t i = *t0; i < *t1; i++) found += (uint32_t)marked(c, t, i);
    nd_reuse_mark_units(c, !side, o0, o1, -1);
    return found;
}

/* Does f's one seed outside exact passages lie before the marked exact
 * passages in one text and after them in the other? */
static int crosses(const pairctx *c, const frag *f)
{
    const nd_reuse_text *A = c->t[0], *B = c->t[1];
    uint32_t ea0 = UINT32_MAX, ea1 = 0, eb0 = UINT32_MAX, eb1 = 0;
    for (size_t e = 0; e < c->nexact; e++) {
        if (!c->mark[e]) continue;
        const nd_passage *x = &c->exact[e];
        if (x->a_tok < ea0) ea0 = x->a_tok;
        if (x->a_tok_end > ea1) ea1 = x->a_tok_end;
        if (x->b_tok < eb0) eb0 = x->b_tok;
        if (x->b_tok_end > eb1) eb1 = x->b_tok_end;
    }
    for (size_t e = 0; e < c->nexact; e++)
        if (c->mark[e] && c->exact[e].identity < QUOTE_IDENTITY) return 0; /* an edited copy, not a quote */
    for (uint32_t k = 0; k < f->nseed; k++) {
        const seed *sd = &c->fs[f->s0 + k];
        if (sd->explained) continue;
        int pa = A->ustart[sd->a + 1] <= ea0 ? -1 : A->ustart[sd->a] >= ea1 ? 1 : 0;
        int pb = B->ustart[sd->b + 1] <= eb0 ? -1 : B->ustart[sd->b] >= eb1 ? 1 : 0;
        if (pa * pb < 0) return 1;
    }
    return 0;
}

static int to_passages(pairctx *c, const nd_align_opts *o, nd_passage **out, size_t *nout)
{
    const nd_reuse_text *A = c->t[0], *B = c->t[1];
    nd_passage *p = malloc((c->nf ? c->nf : 1) * sizeof *p);
    if (!p) return NEARDUP_E_NOMEM;
    size_t np = 0;
    for (size_t i = 0; i < c->nf; i++) {
        const frag *f = &c->f[i];
        /* the exact passages say it all, unless they are pieces of one summary */
        if (f->explained && !f->summary) continue;
        uint32_t a0 = A->ustart[f->a0], a1 = A->ustart[f->a1 + 1];
        uint32_t b0 = B->ustart[f->b0], b1 = B->ustart[f->b1 + 1];
        /* A fragment holding exact passages must earn what it adds to them:
         * its sentences outside them must be similar on their own. */
        int holds = 0;
        for (size_t e = 0; e < c->nexact; e++) {
            const nd_passage *x = &c->exact[e];
            c->mark[e] = (uint8_t)(overlaps(x->a_tok, x->a_tok_end, a0, a1) && overlaps(x->b_tok, x->b_tok_end, b0, b1));
            holds |= c->mark[e];
        }
        if (holds && !f->summary) {
            /* ... and one sentence pair of its own must extend them the same
             * way in both texts: one similar sentence before them in one text
             * and after them in the other is what two texts on one story
             * share anyway (rewrites that reorder sentences show more) */
            if (f->nseed - f->nexpl == 1 && crosses(c, f)) continue;
            double sim;
            int rc = nd_reuse_units_sim(c, f->a0, f->a1, f->b0, f->b1, c->mark, &sim);
            if (rc) {
                free(p);
                return rc;
            }
            if (sim < VALID_COS) continue;
        }
        uint32_t x0 = a0, x1 = a1, y0 = b0, y1 = b1;
        uint32_t fa = trim(c, 0, &x0, &x1, f->b0, f->b1), fb = trim(c, 1, &y0, &y1, f->a0, f->a1);
        if (f->keep != 1) a0 = x0, a1 = x1;
        if (f->keep != 2) b0 = y0, b1 = y1;
        uint32_t la = a1 - a0, lb = b1 - b0;
        if (la < o->min_words || lb < o->min_words) continue;
        uint32_t words = la > lb ? la : lb, matches = fa < fb ? fa : fb;
        p[np++] = (nd_passage){a0, a1, b0, b1, 0, 0, 0, 0, words, matches, (double)matches / words, 0, 0, 0,
                               /* >= 1: a summary's merged fragments keep the first one's seed counts */
                               f->nseed > f->nexpl ? f->nseed - f->nexpl : 1,
                               (float)f->sim};
    }
    *out = p;
    *nout = np;
    return NEARDUP_OK;
}

static int cmp_passage_tok(const void *x, const void *y)
{
    const nd_passage *p = x, *q = y;
    if (p->a_tok != q->a_tok) return p->a_tok < q->a_tok ? -1 : 1;
    if (p->b_tok != q->b_tok) return p->b_tok < q->b_tok ? -1 : 1;
    if (p->a_tok_end != q->a_tok_end) return p->a_tok_end > q->a_tok_end ? -1 : 1;
    return p->b_tok_end > q->b_tok_end ? -1 : p->b_tok_end < q->b_tok_end;
}

static uint32_t overlap_len(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
    uint32_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

static int cmp_passage_strength(const void *x, const void *y)
{
    const nd_passage *p = x, *q = y;
    if (p->matches != q->matches) return p->matches > q->matches ? -1 : 1;
    return cmp_passage_tok(x, y);
}

/* A stretch of one text is aligned with one stretch of the other: of two
 * passages sharing most of a range in either text (a text that repeats
 * itself, a sentence similar to two), the one with more matching words
 * stays. */
static size_t one_to_one(nd_passage *p, size_t n)
{
    if (n > 1) qsort(p, n, sizeof *p, cmp_passage_strength);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        const nd_passage *q = &p[i];
        int clash = 0;
        for (size_t j = 0; j < w && !clash; j++) {
            const nd_passage *r = &p[j];
            uint32_t oa = overlap_len(q->a_tok, q->a_tok_end, r->a_tok, r->a_tok_end);
            uint32_t ob = overlap_len(q->b_tok, q->b_tok_end, r->b_tok, r->b_tok_end);
            clash = 2 * oa > q->a_tok_end - q->a_tok || 2 * ob > q->b_tok_end - q->b_tok;
        }
        if (!clash) p[w++] = *q;
    }
    return w;
}

static int merge(const nd_passage *exact, size_t ne, nd_passage *edited, size_t nd, nd_passage **out, size_t *nout)
{
    nd_passage *p = malloc((ne + nd ? ne + nd : 1) * sizeof *p);
    if (!p) return NEARDUP_E_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < nd; i++) p[n++] = edited[i];
    for (size_t i = 0; i < ne; i++) {
        const nd_passage *e = &exact[i];
        int absorbed = 0;
        for (size_t j = 0; j < nd; j++) {
            nd_passage *d = &p[j];
            if (!overlaps(e->a_tok, e->a_tok_end, d->a_tok, d->a_tok_end) ||
                !overlaps(e->b_tok, e->b_tok_end, d->b_tok, d->b_tok_end))
                continue;
            if (e->a_tok < d->a_tok) d->a_tok = e->a_tok;
            if (e->a_tok_end > d->a_tok_end) d->a_tok_end = e->a_tok_end;
            if (e->b_tok < d->b_tok) d->b_tok = e->b_tok;
            if (e->b_tok_end > d->b_tok_end) d->b_tok_end = e->b_tok_end;
            absorbed = 1;
        }
        if (!absorbed) p[n++] = *e;
    }
    *out = p;
    *nout = nd_reuse_one_to_one(p, n);
    return NEARDUP_OK;
}

size_t nd_reuse_one_to_one(nd_passage *p, size_t n)
{
    n = one_to_one(p, n);
    if (n > 1) qsort(p, n, sizeof *p, cmp_passage_tok);
    return n;
}

/* The unit holding token t. */
static uint32_t unit_of_token(const nd_reuse_text *r, uint32_t t)
{
    uint32_t lo = 0, hi = r->nunit;
    while (lo + 1 < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (r->ustart[mid] <= t) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* Do token ranges [p0, p1) and [q0, q1) of r lie within one sentence of
 * each other (either first)? */
static int near(const nd_reuse_text *r, uint32_t p0, uint32_t p1, uint32_t q0, uint32_t q1)
{
    if (p0 > q0) {
        uint32_t t0 = p0, t1 = p1;
        p0 = q0, p1 = q1, q0 = t0, q1 = t1;
    }
    if (q0 < p1) return 1; /* overlapping */
    return unit_of_token(r, q0) <= unit_of_token(r, p1 - 1) + 2;
}

/* Passages next to each other in both texts (at most one sentence between
 * them in each, in either order: a rewrite moves clauses) are one passage,
 * its copied and rewritten stretches together.  p sorted by A; returns the
 * count. */
static size_t join_neighbours(const nd_reuse_text *a, const nd_reuse_text *b, nd_passage *p, size_t n)
{
    for (int changed = 1; changed && n > 1;) {
        changed = 0;
        size_t w = 0;
        for (size_t i = 1; i < n; i++) {
            nd_passage *x = &p[w], *y = &p[i];
            if (near(a, x->a_tok, x->a_tok_end, y->a_tok, y->a_tok_end) &&
                near(b, x->b_tok, x->b_tok_end, y->b_tok, y->b_tok_end)) {
                if (y->a_tok_end > x->a_tok_end) x->a_tok_end = y->a_tok_end;
                if (y->b_tok < x->b_tok) x->b_tok = y->b_tok;
                if (y->b_tok_end > x->b_tok_end) x->b_tok_end = y->b_tok_end;
                x->sentences = x->sentences + y->sentences ? x->sentences + y->sentences : 1; /* no longer a copy */
                x->matches += y->matches;
                changed = 1;
            } else {
                p[++w] = *y;
            }
        }
        n = w + 1;
    }
    return n;
}

/* cover[u]: the exact passage holding at least half of unit u's tokens, or -1. */
static void cover_units(const nd_reuse_text *t, const nd_passage *p, size_t np, int side, int32_t *cover)
{
    for (uint32_t u = 0; u < t->nunit; u++) cover[u] = -1;
    for (size_t i = 0; i < np; i++) {
        uint32_t t0 = side ? p[i].b_tok : p[i].a_tok, t1 = side ? p[i].b_tok_end : p[i].a_tok_end;
        for (uint32_t u = unit_of_token(t, t0); u < t->nunit && t->ustart[u] < t1; u++) {
            uint32_t s0 = t->ustart[u] > t0 ? t->ustart[u] : t0, s1 = t->ustart[u + 1] < t1 ? t->ustart[u + 1] : t1;
            if (2 * (s1 - s0) >= t->ustart[u + 1] - t->ustart[u]) cover[u] = (int32_t)i;
        }
    }
}

int nd_reuse_align(const nd_reuse_text *a, const nd_reuse_text *b, const nd_passage *exact, size_t nexact,
                   const nd_passage *explain, size_t nexplain, const nd_align_opts *o, nd_passage **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    pairctx c;
    memset(&c, 0, sizeof c);
    c.t[0] = a;
    c.t[1] = b;
    /* the copies explain sentences, be they shorter than min_words */
    if (!explain) explain = exact, nexplain = nexact;
    c.exact = explain;
    c.nexact = nexplain;
    c.mark = malloc(nexplain ? nexplain : 1);
    size_t na = a->eoff[a->nunit], nb = b->eoff[b->nunit];
    c.w[0] = malloc((na ? na : 1) * sizeof(float));
    c.w[1] = malloc((nb ? nb : 1) * sizeof(float));
    c.norm[0] = malloc((a->nunit ? a->nunit : 1) * sizeof(float));
    c.norm[1] = malloc((b->nunit ? b->nunit : 1) * sizeof(float));
    c.cover[0] = malloc((a->nunit ? a->nunit : 1) * sizeof(int32_t));
    c.cover[1] = malloc((b->nunit ? b->nunit : 1) * sizeof(int32_t));
    int rc = c.w[0] && c.w[1] && c.norm[0] && c.norm[1] && c.cover[0] && c.cover[1] && c.mark ? NEARDUP_OK : NEARDUP_E_NOMEM;
    nd_passage *ed = NULL;
    size_t ned = 0;
    /* no sentence in common: nothing rewritten to find (the gate overlap's
     * fingerprint anchors apply too, so align and overlap agree) */
    int related = a->nunit && b->nunit && nd_reuse_related(a->fp, a->nfp, b->fp, b->nfp);
    if (!rc && related) {
        cover_units(a, explain, nexplain, 0, c.cover[0]);
        cover_units(b, explain, nexplain, 1, c.cover[1]);
        rc = nd_reuse_weigh(&c);
        if (!rc) rc = nd_reuse_find_seeds(&c, SEED_COS, SEED_DICE);
        /* The narrow gap in both texts (rewrites), then the narrow gap in
         * one and the wide one in the other (summaries). */
        if (!rc && c.ns) rc = nd_reuse_detect(&c, MAXGAP, MAXGAP, -1);
        if (!rc && c.ns) rc = nd_reuse_summaries(&c);
        if (!rc && c.nf) rc = to_passages(&c, o, &ed, &ned);
    }
    if (!rc) rc = merge(exact, nexact, ed, ned, out, nout);
    if (!rc && related) *nout = join_neighbours(a, b, *out, *nout);
    free(ed);
    for (int s = 0; s < 2; s++) {
        free(c.w[s]);
        free(c.norm[s]);
        free(c.cover[s]);
    }
    free(c.s);
    free(c.f);
    free(c.mark);
    free(c.fs);
    free(c.vterm);
    free(c.eid[0]);
    free(c.eid[1]);
    free(c.post_off);
    free(c.post);
    free(c.postw);
    free(c.acc[0]);
    free(c.acc[1]);
    free(c.cnt);
    free(c.touch);
    return rc;
}
