/* passage_clusters.c - passages joined into reused-passage clusters by
 * union-find over (document, word range) intervals (see passage_clusters.h
 * for the design). */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "offmap.h"
#include "passage_clusters.h"
#include "record.h"

int nd_link_list_init(nd_link_list *l)
{
    memset(l, 0, sizeof *l);
    return pthread_mutex_init(&l->mu, NULL) ? -1 : 0;
}

void nd_link_list_free(nd_link_list *l)
{
    pthread_mutex_destroy(&l->mu);
    free(l->l);
    l->l = NULL;
    l->n = l->cap = 0;
}

int nd_link_list_add(nd_link_list *l, uint32_t a, uint32_t b, const nd_passage *p, size_t np)
{
    int rc = 0;
    pthread_mutex_lock(&l->mu);
    if (nd_grow((void **)&l->l, &l->cap, l->n + np, sizeof *l->l)) rc = -1;
    for (size_t i = 0; !rc && i < np; i++)
        l->l[l->n++] = (nd_link){a, b, p[i].a_tok, p[i].a_tok_end, p[i].b_tok, p[i].b_tok_end,
                                 p[i].a_start, p[i].a_end, p[i].b_start, p[i].b_end};
    pthread_mutex_unlock(&l->mu);
    return rc;
}

int nd_link_list_add_original(nd_link_list *l, uint32_t a, uint32_t b, const nd_passage *p, size_t np,
                              const nd_map_run *ma, size_t na, const nd_map_run *mb, size_t nb)
{
    nd_passage *q = malloc((np ? np : 1) * sizeof *q);
    if (!q) return -1;
    for (size_t k = 0; k < np; k++) {
        q[k] = p[k];
        nd_passage_to_original(&q[k], ma, na, mb, nb);
    }
    int rc = nd_link_list_add(l, a, b, q, np);
    free(q);
    return rc;
}

static int cmp_u32(uint32_t x, uint32_t y) { return (x > y) - (x < y); }

static int by_link(const void *x, const void *y)
{
    const nd_link *a = x, *b = y;
    int c;
    if ((c = cmp_u32(a->a, b->a)) || (c = cmp_u32(a->b, b->b)) || (c = cmp_u32(a->a_tok, b->a_tok)) ||
        (c = cmp_u32(a->b_tok, b->b_tok)) || (c = cmp_u32(a->a_tok_end, b->a_tok_end)))
        return c;
    return cmp_u32(a->b_tok_end, b->b_tok_end);
}

/* An interval: one side of a link (node 2 i: link i's A, 2 i + 1: its B). */
typedef struct {
    uint32_t doc, tok, tok_end, start, end, node;
} interval;

static int by_doc_tok(const void *x, const void *y)
{
    const interval *a = x, *b = y;
    int c;
    if ((c = cmp_u32(a->doc, b->doc)) || (c = cmp_u32(a->tok, b->tok)) || (c = cmp_u32(a->tok_end, b->tok_end)))
        return c;
    return cmp_u32(a->node, b->node);
}

/* A run of joined intervals of one document (a witness to be), with the
 * component it belongs to and its sort key. */
typedef struct {
    nd_witness w;
    uint32_t root, rank;
} piece;

static int by_root_rank(const void *x, const void *y)
{
    const piece *a = x, *b = y;
    int c;
    if ((c = cmp_u32(a->root, b->root)) || (c = cmp_u32(a->rank, b->rank)) || (c = cmp_u32(a->w.doc, b->w.doc)))
        return c;
    return cmp_u32(a->w.tok, b->w.tok);
}

/* Clusters by their first witness: (rank, document, start). */
typedef struct {
    nd_pcluster c;
    uint32_t rank, doc, tok;
} keyed_cluster;

static int by_first(const void *x, const void *y)
{
    const keyed_cluster *a = x, *b = y;
    int c;
    if ((c = cmp_u32(a->rank, b->rank)) || (c = cmp_u32(a->doc, b->doc))) return c;
    return cmp_u32(a->tok, b->tok);
}

static int by_u32(const void *x, const void *y) { return cmp_u32(*(const uint32_t *)x, *(const uint32_t *)y); }

/* Fills *kc from the witnesses p[0, n) of one component (by rank): returns
 * 1 when it is a cluster to report, 0 when it lies within one series. */
static int describe(const piece *p, size_t n, const nd_pcluster_opts *o, uint32_t *ser, keyed_cluster *kc)
{
    uint32_t ndocs = 0, nseries = 0;
    size_t source = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!i || p[i].w.doc != p[i - 1].w.doc) ndocs++; /* a document's pieces are adjacent: rank is distinct */
        if (source == SIZE_MAX && (!o->split || p[i].w.doc >= o->split)) source = i;
        if (o->series) ser[i] = o->series[p[i].w.doc];
    }
    if (o->series) {
        qsort(ser, n, sizeof *ser, by_u32);
        for (size_t i = 0; i < n; i++) nseries += !i || ser[i] != ser[i - 1];
        if (nseries < 2 && !o->within_series) return 0;
    }
    if (ndocs < 2 || source == SIZE_MAX) return 0;
    kc->c = (nd_pcluster){0, n, source, ndocs, nseries};
    kc->rank = p[0].rank, kc->doc = p[0].w.doc, kc->tok = p[0].w.tok;
    return 1;
}

int nd_passage_clusters(nd_link *links, size_t n, const nd_pcluster_opts *o, nd_pclusters *out)
{
    memset(out, 0, sizeof *out);
    if (n > (UINT32_MAX - 1) / 2) return NEARDUP_E_NOMEM;
    size_t ni = 2 * n, npc = 0, nkc = 0;
    unsigned min_ov = o->min_overlap ? o->min_overlap : 1;
    if (n) qsort(links, n, sizeof *links, by_link); /* links may be NULL when n == 0 */
    interval *iv = malloc((ni ? ni : 1) * sizeof *iv);
    uint32_t *parent = malloc((ni ? ni : 1) * sizeof *parent), *ser = malloc((ni ? ni : 1) * sizeof *ser);
    piece *pc = malloc((ni ? ni : 1) * sizeof *pc);
    keyed_cluster *kc = malloc((ni ? ni : 1) * sizeof *kc);
    if (!iv || !parent || !ser || !pc || !kc) goto nomem;
    for (size_t i = 0; i < n; i++) {
        const nd_link *l = &links[i];
        iv[2 * i] = (interval){l->a, l->a_tok, l->a_tok_end, l->a_start, l->a_end, (uint32_t)(2 * i)};
        iv[2 * i + 1] = (interval){l->b, l->b_tok, l->b_tok_end, l->b_start, l->b_end, (uint32_t)(2 * i + 1)};
        parent[2 * i] = parent[2 * i + 1] = (uint32_t)(2 * i);
    }
    qsort(iv, ni, sizeof *iv, by_doc_tok);
    /* the sweep: a document's intervals that overlap by min_ov words are one
     * run (a piece), all of one component */
    for (size_t i = 0; i < ni;) {
        size_t k = i + 1;
        uint32_t end = iv[i].tok_end;
        piece p = {{iv[i].doc, iv[i].tok, iv[i].tok_end, iv[i].start, iv[i].end}, 0, 0};
        for (; k < ni && iv[k].doc == iv[i].doc; k++) {
            uint32_t e = iv[k].tok_end < end ? iv[k].tok_end : end;
            if (e < iv[k].tok || e - iv[k].tok < min_ov) break;
            nd_uf_unite(parent, iv[i].node, iv[k].node);
            if (iv[k].tok_end > end) end = iv[k].tok_end;
            if (iv[k].tok_end > p.w.tok_end) p.w.tok_end = iv[k].tok_end;
            if (iv[k].start < p.w.start) p.w.start = iv[k].start;
            if (iv[k].end > p.w.end) p.w.end = iv[k].end;
        }
        p.root = iv[i].node; /* its component: found once every union is made */
        pc[npc++] = p;
        i = k;
    }
    for (size_t i = 0; i < npc; i++) {
        pc[i].root = nd_uf_find(parent, pc[i].root);
        pc[i].rank = o->rank ? o->rank[pc[i].w.doc] : pc[i].w.doc;
    }
    qsort(pc, npc, sizeof *pc, by_root_rank);
    for (size_t i = 0; i < npc;) {
        size_t k = i + 1;
        while (k < npc && pc[k].root == pc[i].root) k++;
        if (describe(pc + i, k - i, o, ser, &kc[nkc])) {
            kc[nkc].c.first = i; /* in pc for now */
            nkc++;
        }
        i = k;
    }
    qsort(kc, nkc, sizeof *kc, by_first);
    size_t nw = 0;
    for (size_t i = 0; i < nkc; i++) nw += kc[i].c.n;
    out->c = malloc((nkc ? nkc : 1) * sizeof *out->c);
    out->w = malloc((nw ? nw : 1) * sizeof *out->w);
    if (!out->c || !out->w) goto nomem;
    for (size_t i = 0, w = 0; i < nkc; i++) {
        nd_pcluster c = kc[i].c;
        for (size_t x = 0; x < c.n; x++) out->w[w + x] = pc[c.first + x].w;
        c.source += w;
        c.first = w;
        out->c[i] = c;
        w += c.n;
    }
    out->nc = nkc;
    out->nw = nw;
    free(iv), free(parent), free(ser), free(pc), free(kc);
    return NEARDUP_OK;
nomem:
    free(iv), free(parent), free(ser), free(pc), free(kc);
    nd_pclusters_free(out);
    return NEARDUP_E_NOMEM;
}

void nd_pclusters_free(nd_pclusters *c)
{
    free(c->c);
    free(c->w);
    memset(c, 0, sizeof *c);
}
