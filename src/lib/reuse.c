/* reuse.c - the rewritten-passage aligner on two prepared texts, and its
 * merge with the exact aligner (see reuse.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "edits.h"
#include "reuse.h"
#include "reuse_pair.h"
#include "tokenize.h"

/* Seeds: the thresholds of Sanchez-Perez et al. for cosine and Dice. */
#define SEED_COS 0.33
#define SEED_DICE 0.33
/* A cluster's fragments must be this similar as wholes. */
#define VALID_COS 0.34
/* A sentence next to a fragment joins it when this much of its weight is
 * words of the other fragment. */
#define GROW_CONTAINED 0.5
/* An exact passage this faithful is a quote (see crosses). */
#define QUOTE_IDENTITY 0.9



/* The pair's vocabulary (one sort of both texts' entries), isf weights of
 * every entry, each unit's norm, and B's postings by term id. */
static int weigh(pairctx *c)
{
    const nd_reuse_text *A = c->t[0], *B = c->t[1];
    size_t na = A->eoff[A->nunit], nb = B->eoff[B->nunit], n = na + nb;
    double N = (double)A->nunit + B->nunit;
    uint64_t *k = malloc((n ? n : 1) * sizeof *k);
    c->vterm = malloc((n ? n : 1) * sizeof *c->vterm);
    c->eid[0] = malloc((na ? na : 1) * sizeof(uint32_t));
    c->eid[1] = malloc((nb ? nb : 1) * sizeof(uint32_t));
    if (!k || !c->vterm || !c->eid[0] || !c->eid[1]) {
        free(k);
        return NEARDUP_E_NOMEM;
    }
    for (size_t i = 0; i < na; i++) k[i] = (uint64_t)A->eterm[i] << 32 | i;
    for (size_t i = 0; i < nb; i++) k[na + i] = (uint64_t)B->eterm[i] << 32 | (na + i);
    if (nd_sort_u64(k, n)) {
        free(k);
        return NEARDUP_E_NOMEM;
    }
    uint32_t nv = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && k[j] >> 32 == k[i] >> 32) j++;
        float isf = (float)log(N / (double)(j - i));
        for (size_t x = i; x < j; x++) {
            size_t e = (uint32_t)k[x];
            if (e < na) c->w[0][e] = A->etf[e] * isf, c->eid[0][e] = nv;
            else c->w[1][e - na] = B->etf[e - na] * isf, c->eid[1][e - na] = nv;
        }
        c->vterm[nv++] = (uint32_t)(k[i] >> 32);
        i = j;
    }
    free(k);
    c->nv = nv;
    c->post_off = calloc((size_t)nv + 1, sizeof *c->post_off);
    c->post = malloc((nb ? nb : 1) * sizeof *c->post);
    c->postw = malloc((nb ? nb : 1) * sizeof *c->postw);
    c->acc[0] = calloc(nv ? nv : 1, sizeof(double));
    c->acc[1] = calloc(nv ? nv : 1, sizeof(double));
    c->cnt = calloc(nv ? nv : 1, sizeof *c->cnt);
    c->touch = malloc((nv ? nv : 1) * sizeof *c->touch);
    if (!c->post_off || !c->post || !c->postw || !c->acc[0] || !c->acc[1] || !c->cnt || !c->touch)
        return NEARDUP_E_NOMEM;
    for (size_t e = 0; e < nb; e++) c->post_off[c->eid[1][e] + 1]++;
    for (uint32_t v = 0; v < nv; v++) c->post_off[v + 1] += c->post_off[v];
    for (uint32_t u = 0; u < B->nunit; u++)
        for (uint32_t e = B->eoff[u]; e < B->eoff[u + 1]; e++) {
            uint32_t at = c->post_off[c->eid[1][e]]++;
            c->post[at] = u;
            c->postw[at] = c->w[1][e];
        }
    for (uint32_t v = nv; v > 0; v--) c->post_off[v] = c->post_off[v - 1];
    c->post_off[0] = 0;
    for (int s = 0; s < 2; s++)
        for (uint32_t u = 0; u < c->t[s]->nunit; u++) {
            double q = 0;
            for (uint32_t e = c->t[s]->eoff[u]; e < c->t[s]->eoff[u + 1]; e++) q += (double)c->w[s][e] * c->w[s][e];
            c->norm[s][u] = (float)sqrt(q);
        }
    return NEARDUP_OK;
}

/* Sentence pairs similar enough to seed a passage: each sentence of A sums
 * its products over the sentences of B sharing a term (B's postings). */
static int find_seeds(pairctx *c, double seed_cos, double seed_dice)
{
    c->ns = 0;
    const nd_reuse_text *A = c->t[0], *B = c->t[1];
    double *dot = calloc(B->nunit ? B->nunit : 1, sizeof *dot);
    uint32_t *cnt = calloc(B->nunit ? B->nunit : 1, sizeof *cnt);
    uint32_t *touched = malloc((B->nunit ? B->nunit : 1) * sizeof *touched);
    size_t cap = 0;
    int rc = dot && cnt && touched ? NEARDUP_OK : NEARDUP_E_NOMEM;
    for (uint32_t u = 0; !rc && u < A->nunit; u++) {
        size_t nt = 0;
        for (uint32_t e = A->eoff[u]; e < A->eoff[u + 1]; e++) {
            uint32_t id = c->eid[0][e];
            double wa = c->w[0][e];
            for (uint32_t p = c->post_off[id]; p < c->post_off[id + 1]; p++) {
                uint32_t v = c->post[p];
                if (!cnt[v]) touched[nt++] = v;
                cnt[v]++;
                dot[v] += wa * c->postw[p];
            }
        }
        uint32_t ta = A->eoff[u + 1] - A->eoff[u];
        for (size_t i = 0; i < nt; i++) {
            uint32_t v = touched[i];
            double nrm = (double)c->norm[0][u] * c->norm[1][v];
            double cosv = nrm > 0 ? dot[v] / nrm : 0;
            double dice = 2.0 * cnt[v] / (double)(ta + B->eoff[v + 1] - B->eoff[v]);
            if (cosv > seed_cos && dice > seed_dice) {
                if (c->ns == cap && nd_grow((void **)&c->s, &cap, c->ns + 1, sizeof *c->s)) {
                    rc = NEARDUP_E_NOMEM;
                    break;
                }
                int32_t ca = c->cover[0][u], cb = c->cover[1][v];
                /* a sentence the exact aligner matched elsewhere is taken */
                if (ca == cb || (ca < 0 && cb < 0)) c->s[c->ns++] = (seed){u, v, ca >= 0};
            }
            dot[v] = 0;
            cnt[v] = 0;
        }
    }
    free(dot);
    free(cnt);
    free(touched);
    return rc;
}

/* Adds unit u of text side to the fragment vectors in c->acc. */
static void acc_unit(pairctx *c, int side, uint32_t u, uint32_t *nt)
{
    const nd_reuse_text *t = c->t[side];
    for (uint32_t e = t->eoff[u]; e < t->eoff[u + 1]; e++) {
        uint32_t id = c->eid[side][e];
        if (!c->cnt[id]++) c->touch[(*nt)++] = id;
        c->acc[side][id] += c->w[side][e];
    }
}

/* The cosine of the two vectors in c->acc (nt ids touched), which it clears. */
static double acc_cosine(pairctx *c, uint32_t nt)
{
    double dot = 0, qa = 0, qb = 0;
    for (uint32_t i = 0; i < nt; i++) {
        uint32_t id = c->touch[i];
        double wa = c->acc[0][id], wb = c->acc[1][id];
        dot += wa * wb;
        qa += wa * wa;
        qb += wb * wb;
        c->acc[0][id] = c->acc[1][id] = 0;
        c->cnt[id] = 0;
    }
    return qa > 0 && qb > 0 ? dot / sqrt(qa * qb) : 0;
}

/* Cosine of two fragments as wholes (unit ranges inclusive), leaving out
 * the units an exact passage marked in skip covers (skip NULL: none). */
static int units_sim(pairctx *c, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1, const uint8_t *skip,
                     double *out)
{
    uint32_t u0[2] = {a0, b0}, u1[2] = {a1, b1}, nt = 0;
    for (int s = 0; s < 2; s++)
        for (uint32_t u = u0[s]; u <= u1[s]; u++)
            if (!(skip && c->cover[s][u] >= 0 && skip[c->cover[s][u]])) acc_unit(c, s, u, &nt);
    *out = acc_cosine(c, nt);
    return NEARDUP_OK;
}

static int cmp_seed_a(const void *x, const void *y)
{
    const seed *p = x, *q = y;
    return p->a != q->a ? (p->a < q->a ? -1 : 1) : (p->b < q->b ? -1 : p->b > q->b);
}

static int cmp_seed_b(const void *x, const void *y)
{
    const seed *p = x, *q = y;
    return p->b != q->b ? (p->b < q->b ? -1 : 1) : (p->a < q->a ? -1 : p->a > q->a);
}

/* Cosine of a summary's fragment (side: the summary's text, units [u0, u1])
 * with the sentences of its source that its n seeds s point to (s sorted
 * here by their source sentences): a summary draws on some sentences of a
 * long stretch, and the sentences it leaves out between them would only
 * dilute the comparison. */
static int summary_sim(pairctx *c, int side, uint32_t u0, uint32_t u1, seed *s, size_t n, double *out)
{
    uint32_t nt = 0;
    qsort(s, n, sizeof *s, side ? cmp_seed_a : cmp_seed_b);
    for (size_t i = 0; i < n; i++) {
        uint32_t u = side ? s[i].a : s[i].b;
        if (!i || u != (side ? s[i - 1].a : s[i - 1].b)) acc_unit(c, !side, u, &nt);
    }
    for (uint32_t x = u0; x <= u1; x++) acc_unit(c, side, x, &nt);
    *out = acc_cosine(c, nt);
    return NEARDUP_OK;
}

static int push_frag(pairctx *c, frag f, const seed *s, size_t n)
{
    if (c->nfs + n > c->fscap && nd_grow((void **)&c->fs, &c->fscap, c->nfs + n, sizeof *c->fs))
        return NEARDUP_E_NOMEM;
    memcpy(c->fs + c->nfs, s, n * sizeof *s);
    f.s0 = (uint32_t)c->nfs;
    c->nfs += n;
    if (c->nf == c->fcap && nd_grow((void **)&c->f, &c->fcap, c->nf + 1, sizeof *c->f)) return NEARDUP_E_NOMEM;
    c->f[c->nf++] = f;
    return NEARDUP_OK;
}

/* Clusters s[0..n) with gaps of at most gap[0] sentences in A and gap[1]
 * in B, and keeps the clusters whose fragments are similar as wholes; a
 * cluster that is not is clustered again with smaller gaps. */
static int extend(pairctx *c, seed *s, size_t n, const unsigned gap[2])
{
    if (!n) return NEARDUP_OK;
    /* split along A, then each part along B; a part that splits is split
     * again from the top (its A gaps may have opened) */
    qsort(s, n, sizeof *s, cmp_seed_a);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && s[j].a - s[j - 1].a <= gap[0] + 1) j++;
        if (i > 0 || j < n) {
            int rc = extend(c, s + i, j - i, gap);
            if (rc) return rc;
            i = j;
            continue;
        }
        /* one cluster along A: split along B */
        qsort(s, n, sizeof *s, cmp_seed_b);
        size_t cut = 1;
        while (cut < n && s[cut].b - s[cut - 1].b <= gap[1] + 1) cut++;
        if (cut < n) {
            for (size_t x = 0; x < n;) {
                size_t y = x + 1;
                while (y < n && s[y].b - s[y - 1].b <= gap[1] + 1) y++;
                int rc = extend(c, s + x, y - x, gap);
                if (rc) return rc;
                x = y;
            }
            return NEARDUP_OK;
        }
        /* stable: a fragment pair */
        frag f = {UINT32_MAX, 0, s[0].b, s[n - 1].b, 0, (double)n, 1, (uint32_t)n, 0, 0, 0, 0};
        for (size_t x = 0; x < n; x++) {
            f.explained &= s[x].explained;
            f.nexpl += s[x].explained;
            if (s[x].a < f.a0) f.a0 = s[x].a;
            if (s[x].a > f.a1) f.a1 = s[x].a;
        }
        int rc = c->summary < 0 ? units_sim(c, f.a0, f.a1, f.b0, f.b1, NULL, &f.sim)
                 : summary_sim(c, c->summary, c->summary ? f.b0 : f.a0, c->summary ? f.b1 : f.a1, s, n, &f.sim);
        if (rc) return rc;
        if (f.sim >= VALID_COS) return push_frag(c, f, s, n);
        if (c->summary >= 0 && n > 1) {
            /* a summary: split its source side at its widest gap (stepping
             * a gap of 24 sentences down one at a time would cluster again
             * up to 24 times, mostly to the same seeds), the summary's gap
             * kept; when no source gap is left, narrow the summary's */
            int src = !c->summary;
            uint32_t widest = 0;
            if (src) qsort(s, n, sizeof *s, cmp_seed_b);
            else qsort(s, n, sizeof *s, cmp_seed_a);
            for (size_t x = 1; x < n; x++) {
                uint32_t d = src ? s[x].b - s[x - 1].b : s[x].a - s[x - 1].a;
                if (d > widest) widest = d;
            }
            unsigned smaller[2] = {gap[0], gap[1]};
            if (widest >= 2) smaller[src] = widest - 2;
            else if (smaller[!src]) smaller[!src]--;
            else return NEARDUP_OK;
            return extend(c, s, n, smaller);
        }
        if ((gap[0] || gap[1]) && n > 1) {
            unsigned smaller[2] = {gap[0] ? gap[0] - 1 : 0, gap[1] ? gap[1] - 1 : 0};
            return extend(c, s, n, smaller);
        }
        return NEARDUP_OK;
    }
    return NEARDUP_OK;
}

int nd_reuse_cmp_frag_weight(const void *x, const void *y)
{
    const frag *p = x, *q = y;
    if (p->weight != q->weight) return p->weight > q->weight ? -1 : 1;
    if (p->a0 != q->a0) return p->a0 < q->a0 ? -1 : 1;
    return p->b0 < q->b0 ? -1 : p->b0 > q->b0;
}

/* Of fragments overlapping in either text, the strongest stays (more seeds,
 * then more similar). */
static void resolve_overlaps(pairctx *c)
{
    for (size_t i = 0; i < c->nf; i++) c->f[i].weight = c->f[i].weight * c->f[i].sim;
    if (c->nf > 1) qsort(c->f, c->nf, sizeof *c->f, nd_reuse_cmp_frag_weight);
    size_t w = 0;
    for (size_t i = 0; i < c->nf; i++) {
        const frag *f = &c->f[i];
        int clash = 0;
        for (size_t j = 0; j < w && !clash; j++) {
            const frag *g = &c->f[j];
            clash = (f->a0 <= g->a1 && g->a0 <= f->a1) || (f->b0 <= g->b1 && g->b0 <= f->b1);
        }
        if (!clash) c->f[w++] = *f;
    }
    c->nf = w;
}

/* Marks (add > 0) or unmarks the term ids of units [u0, u1] of one text in
 * c->cnt: the window a neighbouring sentence is compared with. */
static void mark_units(pairctx *c, int side, uint32_t u0, uint32_t u1, int add)
{
    const nd_reuse_text *t = c->t[side];
    for (uint32_t e = t->eoff[u0]; e < t->eoff[u1 + 1]; e++) c->cnt[c->eid[side][e]] += (uint32_t)add;
}

/* The weighted fraction of unit u's (of text side) terms marked in c->cnt. */
static double contained(const pairctx *c, int side, uint32_t u)
{
    const nd_reuse_text *t = c->t[side];
    double in = 0, all = 0;
    for (uint32_t e = t->eoff[u]; e < t->eoff[u + 1]; e++) {
        double w = c->w[side][e];
        all += w;
        if (c->cnt[c->eid[side][e]]) in += w;
    }
    return all > 0 ? in / all : 0;
}

static int taken(const pairctx *c, const frag *self, int side, uint32_t u)
{
    for (size_t i = 0; i < c->nf; i++) {
        const frag *g = &c->f[i];
        if (g == self) continue;
        if (side ? (u >= g->b0 && u <= g->b1) : (u >= g->a0 && u <= g->a1)) return 1;
    }
    return 0;
}

/* Grows each fragment by the sentences next to it that are made mostly of
 * the other fragment's words: a rewrite's first and last sentences are
 * often too changed to seed, but they still draw on the same words. */
static int grow(pairctx *c)
{
    for (size_t i = 0; i < c->nf; i++) {
        frag *f = &c->f[i];
        for (int changed = 1; changed;) {
            changed = 0;
            for (int side = 0; side < 2; side++) {
                const nd_reuse_text *o = c->t[!side];
                uint32_t *lo = side ? &f->b0 : &f->a0, *hi = side ? &f->b1 : &f->a1;
                uint32_t olo = side ? f->a0 : f->b0, ohi = side ? f->a1 : f->b1;
                uint32_t w0 = olo ? olo - 1 : 0, w1 = ohi + 1 < o->nunit ? ohi + 1 : ohi;
                mark_units(c, !side, w0, w1, 1);
                if (*lo > 0 && c->cover[side][*lo - 1] < 0 && !taken(c, f, side, *lo - 1) &&
                    contained(c, side, *lo - 1) >= GROW_CONTAINED)
                    (*lo)--, changed = 1;
                if (*hi + 1 < c->t[side]->nunit && c->cover[side][*hi + 1] < 0 && !taken(c, f, side, *hi + 1) &&
                    contained(c, side, *hi + 1) >= GROW_CONTAINED)
                    (*hi)++, changed = 1;
                mark_units(c, !side, w0, w1, -1);
            }
        }
    }
    return NEARDUP_OK;
}

/* Runs seeding's output through extension with gaps gap_a in A and gap_b
 * in B; the fragments in c->f. */
int nd_reuse_detect(pairctx *c, unsigned gap_a, unsigned gap_b, int summary)
{
    c->summary = summary;
    c->nf = 0;
    seed *s = malloc((c->ns ? c->ns : 1) * sizeof *s);
    if (!s) return NEARDUP_E_NOMEM;
    memcpy(s, c->s, c->ns * sizeof *s);
    unsigned gap[2] = {gap_a, gap_b};
    int rc = extend(c, s, c->ns, gap);
    free(s);
    if (!rc) resolve_overlaps(c);
    if (!rc) rc = grow(c);
    return rc;
}

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
    mark_units(c, !side, o0, o1, 1);
    while (*t0 < *t1 && !marked(c, t, *t0)) (*t0)++;
    while (*t1 > *t0 && !marked(c, t, *t1 - 1)) (*t1)--;
    uint32_t found = 0;
    for (uint32_t i = *t0; i < *t1; i++) found += (uint32_t)marked(c, t, i);
    mark_units(c, !side, o0, o1, -1);
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
            int rc = units_sim(c, f->a0, f->a1, f->b0, f->b1, c->mark, &sim);
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
        rc = weigh(&c);
        if (!rc) rc = find_seeds(&c, SEED_COS, SEED_DICE);
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

int nd_align_texts(const char *a, const nd_tokens *ta, const char *b, const nd_tokens *tb, const nd_align_opts *o,
                   nd_passage **out, size_t *nout, nd_error *err)
{
    nd_align_opts def;
    if (!o) nd_align_opts_default(&def), o = &def;
    *out = NULL;
    *nout = 0;
    /* the word ids and k-grams of each text once, for every pass below */
    unsigned k = o->seed_len ? o->seed_len : 1;
    nd_kgrams ga = {0}, gb = {0};
    nd_passage *ex = NULL, *xp = NULL;
    size_t nex = 0, nxp = 0;
    nd_lang *l = NULL;
    nd_tokenizer *tk = NULL;
    uint32_t *ida = nd_word_ids(ta), *idb = nd_word_ids(tb);
    int rc = ida && idb ? nd_kgrams_make(ida, ta->n, k, &ga) : NEARDUP_E_NOMEM;
    if (!rc) rc = nd_kgrams_make(idb, tb->n, k, &gb);
    if (!rc) rc = nd_align_kgrams(ta, ida, &ga, tb, idb, &gb, o, NULL, &ex, &nex);
    if (!rc && o->verbatim) {
        *out = ex;
        *nout = nex;
        ex = NULL;
        goto done;
    }
    if (!rc && o->min_words > ND_REUSE_EXPLAIN_WORDS) { /* the shorter copies, which explain sentences */
        nd_align_opts x = *o;
        x.min_words = ND_REUSE_EXPLAIN_WORDS;
        rc = nd_align_kgrams(ta, ida, &ga, tb, idb, &gb, &x, NULL, &xp, &nxp);
    }
    if (!rc && !(l = nd_lang_create(o->language, err))) {
        rc = err ? err->code : NEARDUP_E_USAGE;
        goto done;
    }
    if (!rc && !(tk = nd_tokenizer_create(0, 1))) rc = NEARDUP_E_NOMEM;
    nd_reuse_text ra, rb;
    if (!rc) rc = nd_reuse_prepare(l, tk, a, ta, &ra);
    if (!rc && (rc = nd_reuse_prepare(l, tk, b, tb, &rb))) nd_reuse_text_free(&ra);
    if (!rc) {
        rc = nd_reuse_align(&ra, &rb, ex, nex, xp, nxp, o, out, nout);
        nd_reuse_text_free(&ra);
        nd_reuse_text_free(&rb);
    }
    /* how the words of the rewritten passages align (edits.c; the copies carry theirs) */
    for (size_t i = 0; !rc && i < *nout; i++)
        if ((*out)[i].sentences) rc = nd_passage_edits(&(*out)[i], 1, ida, idb, NULL);
    if (!rc) nd_passage_bytes(*out, *nout, ta->span, tb->span);
    if (rc) nd_fail(err, rc, "out of memory aligning two texts");
done:
    if (rc && *out) {
        free(*out);
        *out = NULL;
        *nout = 0;
    }
    nd_kgrams_free(&ga);
    nd_kgrams_free(&gb);
    free(ida);
    free(idb);
    free(ex);
    free(xp);
    nd_tokenizer_free(tk);
    nd_lang_free(l);
    return rc;
}
