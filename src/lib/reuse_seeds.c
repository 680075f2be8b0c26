/* reuse_seeds.c - the rewritten-passage aligner's seeds and extension on
 * one pair (reuse_pair.h): the pair's vocabulary and tf-isf weights, the
 * sentence pairs that seed passages, their clusters split by gaps until
 * their fragments are similar as wholes, the strongest of overlapping
 * fragments, and each fragment grown by its neighbouring sentences. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reuse.h"
#include "reuse_pair.h"

/* A sentence next to a fragment joins it when this much of its weight is
 * words of the other fragment. */
#define GROW_CONTAINED 0.5

/* The pair's vocabulary (one sort of both texts' entries), isf weights of
 * every entry, each unit's norm, and B's postings by term id. */
int nd_reuse_weigh(pairctx *c)
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
int nd_reuse_find_seeds(pairctx *c, double seed_cos, double seed_dice)
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
int nd_reuse_units_sim(pairctx *c, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1, const uint8_t *skip,
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
        int rc = c->summary < 0 ? nd_reuse_units_sim(c, f.a0, f.a1, f.b0, f.b1, NULL, &f.sim)
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
void nd_reuse_mark_units(pairctx *c, int side, uint32_t u0, uint32_t u1, int add)
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
                nd_reuse_mark_units(c, !side, w0, w1, 1);
                if (*lo > 0 && c->cover[side][*lo - 1] < 0 && !taken(c, f, side, *lo - 1) &&
                    contained(c, side, *lo - 1) >= GROW_CONTAINED)
                    (*lo)--, changed = 1;
                if (*hi + 1 < c->t[side]->nunit && c->cover[side][*hi + 1] < 0 && !taken(c, f, side, *hi + 1) &&
                    contained(c, side, *hi + 1) >= GROW_CONTAINED)
                    (*hi)++, changed = 1;
                nd_reuse_mark_units(c, !side, w0, w1, -1);
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
