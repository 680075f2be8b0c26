/* passage_clusters_spill.c - nd_passage_clusters with the passages on disk
 * (see passage_clusters_spill.h for the design).  Every step keeps the
 * unbounded one's rules: the sweep's join test, the witnesses' order
 * (rank, document, start) and the clusters' (their first witness), the
 * source and the series filter of describe() in passage_clusters.c; only
 * the component numbers differ (piece numbers here, passage numbers
 * there), and they order nothing but ties, which the unbounded run leaves
 * to qsort. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "offmap.h"
#include "passage_clusters_spill.h"
#include "runs.h"

/* An interval (one side of a passage; node: the passage's number) or,
 * after the sweep, a piece (a document's run of joined intervals; node:
 * the piece's number). */
typedef struct {
    uint32_t doc, tok, tok_end, start, end, node;
} ivl;

/* A piece with its component's root and its document's rank. */
typedef struct {
    uint32_t root, rank, doc, tok, tok_end, start, end;
} rooted;

/* A piece keyed by its component's first witness k (rank, document, start). */
typedef struct {
    uint32_t krank, kdoc, ktok, root, rank, doc, tok, tok_end, start, end;
} keyed;

/* A component's summary, keyed so too: what head() gets. */
typedef struct {
    uint32_t krank, kdoc, ktok, root;
    uint32_t n, ndocs, nseries, keep, src_x;
    uint32_t sdoc, stok, stok_end, sstart, send;
} summary;

struct nd_pcluster_spill {
    pthread_mutex_t mu;
    const char *tmpdir;
    ivl *buf;
    size_t n, cap;
    uint64_t passages;
    nd_runs iv;
    int failed;
    nd_error err;
    uint64_t runs, bytes;
};

static int cmp_u32(uint32_t x, uint32_t y) { return (x > y) - (x < y); }

static int by_doc_tok(const void *x, const void *y)
{
    const ivl *a = x, *b = y;
    int c;
    if ((c = cmp_u32(a->doc, b->doc)) || (c = cmp_u32(a->tok, b->tok)) || (c = cmp_u32(a->tok_end, b->tok_end)))
        return c;
    return cmp_u32(a->node, b->node);
}

/* Pieces of one component by rank, then document and start (as
 * passage_clusters.c's by_root_rank; tok_end breaks what it leaves to
 * qsort). */
static int by_rank(uint32_t ra, uint32_t da, uint32_t ta, uint32_t ea, uint32_t rb, uint32_t db, uint32_t tb,
                   uint32_t eb)
{
    int c;
    if ((c = cmp_u32(ra, rb)) || (c = cmp_u32(da, db)) || (c = cmp_u32(ta, tb))) return c;
    return cmp_u32(ea, eb);
}

static int by_root_rank(const void *x, const void *y)
{
    const rooted *a = x, *b = y;
    int c = cmp_u32(a->root, b->root);
    return c ? c : by_rank(a->rank, a->doc, a->tok, a->tok_end, b->rank, b->doc, b->tok, b->tok_end);
}

static int by_key(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    int c;
    if ((c = cmp_u32(a->krank, b->krank)) || (c = cmp_u32(a->kdoc, b->kdoc)) || (c = cmp_u32(a->ktok, b->ktok)) ||
        (c = cmp_u32(a->root, b->root)))
        return c;
    return by_rank(a->rank, a->doc, a->tok, a->tok_end, b->rank, b->doc, b->tok, b->tok_end);
}

static int by_summary(const void *x, const void *y)
{
    const summary *a = x, *b = y;
    int c;
    if ((c = cmp_u32(a->krank, b->krank)) || (c = cmp_u32(a->kdoc, b->kdoc)) || (c = cmp_u32(a->ktok, b->ktok)))
        return c;
    return cmp_u32(a->root, b->root);
}

nd_pcluster_spill *nd_pcluster_spill_new(size_t buf_bytes, const char *tmpdir)
{
    nd_pcluster_spill *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->tmpdir = tmpdir;
    s->cap = buf_bytes / sizeof(ivl);
    if (s->cap < 1024) s->cap = 1024;
    s->buf = malloc(s->cap * sizeof *s->buf);
    nd_runs_init(&s->iv, sizeof(ivl), tmpdir);
    if (!s->buf || pthread_mutex_init(&s->mu, NULL)) {
        free(s->buf);
        free(s);
        return NULL;
    }
    return s;
}

void nd_pcluster_spill_free(nd_pcluster_spill *s)
{
    if (!s) return;
    pthread_mutex_destroy(&s->mu);
    free(s->buf);
    nd_runs_free(&s->iv);
    free(s);
}

/* Sorts a buffer of n records and appends it to r as a run. */
static int spill(nd_runs *r, void *buf, size_t n, size_t rec, int (*cmp)(const void *, const void *),
                 nd_pcluster_spill *s, nd_error *err)
{
    if (!n) return NEARDUP_OK;
    qsort(buf, n, rec, cmp);
    s->runs++;
    s->bytes += (uint64_t)n * rec;
    return nd_runs_add(r, buf, n, err);
}

/* A passage's two intervals into the buffer,
 * which spills when full (node: the passage's number); the caller holds the
 * lock.  0 or -1. */
static int put_passage(nd_pcluster_spill *s, ivl x, ivl y)
{
    if (s->passages >= (UINT32_MAX - 1) / 2) { /* the parents are 32-bit */
        nd_fail(&s->err, NEARDUP_E_NOMEM, "too many passages for the clusters (more than %u)", (UINT32_MAX - 1) / 2);
        return -1;
    }
    if (s->n + 2 > s->cap) {
        if (spill(&s->iv, s->buf, s->n, sizeof(ivl), by_doc_tok, s, &s->err)) return -1;
        s->n = 0;
    }
    x.node = y.node = (uint32_t)s->passages++;
    s->buf[s->n++] = x;
    s->buf[s->n++] = y;
    return 0;
}

int nd_pcluster_spill_add(nd_pcluster_spill *s, const nd_overlap_pair *p, const nd_doc_ref *da,
                          const nd_doc_ref *db)
{
    pthread_mutex_lock(&s->mu);
    int rc = s->failed ? -1 : 0;
    for (size_t k = 0; !rc && k < p->np; k++) {
        const nd_passage *q = &p->p[k];
        rc = put_passage(s, (ivl){p->a, q->a_tok, q->a_tok_end, nd_offmap_start(da->map, da->nmap, q->a_start),
                                  nd_offmap_end(da->map, da->nmap, q->a_end), 0},
                         (ivl){p->b, q->b_tok, q->b_tok_end, nd_offmap_start(db->map, db->nmap, q->b_start),
                               nd_offmap_end(db->map, db->nmap, q->b_end), 0});
    }
    if (rc) s->failed = 1;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int nd_pcluster_spill_add_links(nd_pcluster_spill *s, const nd_link *l, size_t n)
{
    pthread_mutex_lock(&s->mu);
    int rc = s->failed ? -1 : 0;
    for (size_t k = 0; !rc && k < n; k++)
        rc = put_passage(s, (ivl){l[k].a, l[k].a_tok, l[k].a_tok_end, l[k].a_start, l[k].a_end, 0},
                         (ivl){l[k].b, l[k].b_tok, l[k].b_tok_end, l[k].b_start, l[k].b_end, 0});
    if (rc) s->failed = 1;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int nd_pcluster_spill_error(const nd_pcluster_spill *s, nd_error *err)
{
    if (!s->failed) return 0;
    *err = s->err;
    return s->err.code ? s->err.code : NEARDUP_E_NOMEM;
}

uint64_t nd_pcluster_spill_count(const nd_pcluster_spill *s) { return s->passages; }

/* A buffer of records appended to runs when full. */
typedef struct {
    nd_runs r;
    char *buf;
    size_t n, cap, rec;
    int (*cmp)(const void *, const void *); /* NULL: written as they come */
} sorter;

static int sorter_init(sorter *t, size_t rec, size_t bytes, int (*cmp)(const void *, const void *), const char *tmpdir)
{
    nd_runs_init(&t->r, rec, tmpdir);
    t->rec = rec;
    t->cap = bytes / rec < 256 ? 256 : bytes / rec;
    t->n = 0;
    t->cmp = cmp;
    t->buf = malloc(t->cap * rec);
    return t->buf ? 0 : -1;
}

static int by_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static int sorter_flush(sorter *t, nd_pcluster_spill *s, nd_error *err)
{
    int rc = NEARDUP_OK;
    if (t->n && t->cmp == by_u64) { /* radix sorted */
        if (nd_sort_u64((uint64_t *)(void *)t->buf, t->n)) rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
        s->runs++;
        s->bytes += (uint64_t)t->n * t->rec;
        if (!rc) rc = nd_runs_add(&t->r, t->buf, t->n, err);
    } else if (t->n && t->cmp) rc = spill(&t->r, t->buf, t->n, t->rec, t->cmp, s, err);
    else if (t->n) {
        s->bytes += (uint64_t)t->n * t->rec;
        rc = nd_runs_add(&t->r, t->buf, t->n, err);
    }
    t->n = 0;
    return rc;
}

static int sorter_put(sorter *t, const void *rec, nd_pcluster_spill *s, nd_error *err)
{
    if (t->n == t->cap) {
        int rc = sorter_flush(t, s, err);
        if (rc) return rc;
    }
    memcpy(t->buf + t->n++ * t->rec, rec, t->rec);
    return NEARDUP_OK;
}

/* The buffer goes back; the runs stay for merging. */
static void sorter_done(sorter *t)
{
    free(t->buf);
    t->buf = NULL;
}

static void sorter_free(sorter *t)
{
    free(t->buf);
    t->buf = NULL;
    nd_runs_free(&t->r);
}

/* Step 1: the sweep over the intervals by (document, start): the pieces
 * to pc, in that order, numbered so (node), and each interval's passage
 * and piece to pp (passage << 32 | piece), for joining the two pieces of
 * each passage after. */
static int sweep(nd_pcluster_spill *s, unsigned min_ov, size_t buf_bytes, sorter *pc, sorter *pp, nd_error *err)
{
    nd_runs_merge *m = nd_runs_merge_open(&s->iv, by_doc_tok, buf_bytes, err);
    if (!m) return err->code;
    const void *rp;
    int got, rc = NEARDUP_OK, have = 0;
    ivl cur = {0};
    uint32_t end = 0, piece = 0;
    while (!rc && (got = nd_runs_merge_next(m, &rp, err)) > 0) {
        const ivl *v = rp;
        uint64_t link;
        if (have && v->doc == cur.doc) {
            uint32_t e = v->tok_end < end ? v->tok_end : end;
            if (e >= v->tok && e - v->tok >= min_ov) {
                if (v->tok_end > end) end = v->tok_end;
                if (v->tok_end > cur.tok_end) cur.tok_end = v->tok_end;
                if (v->start < cur.start) cur.start = v->start;
                if (v->end > cur.end) cur.end = v->end;
                link = (uint64_t)v->node << 32 | cur.node;
                rc = sorter_put(pp, &link, s, err);
                continue;
            }
        }
        if (have && (rc = sorter_put(pc, &cur, s, err))) break;
        cur = *v;
        cur.node = piece++; /* fewer than the intervals: 32 bits */
        end = v->tok_end;
        have = 1;
        link = (uint64_t)v->node << 32 | cur.node;
        rc = sorter_put(pp, &link, s, err);
    }
    if (!rc && got < 0) rc = err->code;
    if (!rc && have) rc = sorter_put(pc, &cur, s, err);
    if (!rc) rc = sorter_flush(pc, s, err);
    if (!rc) rc = sorter_flush(pp, s, err);
    nd_runs_merge_free(m);
    return rc;
}

/* Step 1b: the pieces of each passage (its two sides; by passage number
 * in pp) joined in parent, over the pieces. */
static int join_pieces(nd_pcluster_spill *s, sorter *pp, size_t buf_bytes, uint32_t *parent, nd_error *err)
{
    nd_runs_merge *m = nd_runs_merge_open(&pp->r, by_u64, buf_bytes, err);
    if (!m) return err->code;
    const void *rp;
    int got, have = 0;
    uint64_t first = 0;
    while ((got = nd_runs_merge_next(m, &rp, err)) > 0) {
        uint64_t v = *(const uint64_t *)rp;
        if (have && v >> 32 == first >> 32) nd_uf_unite(parent, (uint32_t)first, (uint32_t)v);
        else first = v, have = 1;
    }
    nd_runs_merge_free(m);
    return got < 0 ? err->code : NEARDUP_OK;
}

/* Step 2: each piece with its component's root and its rank, sorted by
 * (root, rank) into out. */
static int root_pieces(nd_pcluster_spill *s, const nd_pcluster_opts *o, uint32_t *parent, sorter *pc, sorter *out,
                       nd_error *err)
{
    size_t cap = pc->cap;
    ivl *in = (ivl *)pc->buf; /* the pieces' buffer, reused for reading them back */
    uint64_t total = pc->r.bytes / sizeof(ivl), at = 0;
    int rc = NEARDUP_OK;
    while (!rc && at < total) {
        size_t n = total - at < cap ? (size_t)(total - at) : cap;
        if (nd_pread_all(pc->r.fd, in, n * sizeof(ivl), at * sizeof(ivl)))
            return nd_fail(err, NEARDUP_E_IO, "cannot read back from the temporary directory: %s", strerror(errno));
        for (size_t i = 0; !rc && i < n; i++) {
            rooted r = {nd_uf_find(parent, in[i].node), o->rank ? o->rank[in[i].doc] : in[i].doc, in[i].doc, in[i].tok,
                        in[i].tok_end, in[i].start, in[i].end};
            rc = sorter_put(out, &r, s, err);
        }
        at += n;
    }
    if (!rc) rc = sorter_flush(out, s, err);
    return rc;
}

/* Step 3: the components in turn (by root, their pieces by rank): each
 * piece keyed by its component's first one into pk, and the component's
 * summary (with describe()'s verdict) into sm. */
typedef struct {
    summary s;
    uint32_t *stamp; /* per series: the last component seen in it, + 1 */
    size_t nstamp;
    uint32_t comp;
} component;

static int close_component(component *c, const nd_pcluster_opts *o, nd_pcluster_spill *s, sorter *sm, nd_error *err)
{
    summary *x = &c->s;
    x->keep = x->ndocs >= 2 && x->src_x != UINT32_MAX && (!o->series || x->nseries >= 2 || o->within_series);
    c->comp++;
    return sorter_put(sm, x, s, err);
}

static int key_pieces(nd_pcluster_spill *s, const nd_pcluster_opts *o, sorter *rt, size_t buf_bytes, sorter *pk,
                      sorter *sm, uint64_t *ncomp, nd_error *err)
{
    nd_runs_merge *m = nd_runs_merge_open(&rt->r, by_root_rank, buf_bytes, err);
    if (!m) return err->code;
    component c = {{0}, NULL, 0, 0};
    const void *rp;
    int got, rc = NEARDUP_OK, have = 0;
    uint32_t last_doc = 0;
    while (!rc && (got = nd_runs_merge_next(m, &rp, err)) > 0) {
        const rooted *r = rp;
        if (!have || r->root != c.s.root) {
            if (have && (rc = close_component(&c, o, s, sm, err))) break;
            c.s = (summary){r->rank, r->doc, r->tok, r->root, 0, 0, 0, 0, UINT32_MAX, 0, 0, 0, 0, 0};
            have = 1;
        }
        if (!c.s.n || r->doc != last_doc) c.s.ndocs++; /* a document's pieces are adjacent: rank is distinct */
        last_doc = r->doc;
        if (c.s.src_x == UINT32_MAX && (!o->split || r->doc >= o->split)) {
            c.s.src_x = c.s.n;
            c.s.sdoc = r->doc, c.s.stok = r->tok, c.s.stok_end = r->tok_end, c.s.sstart = r->start, c.s.send = r->end;
        }
        if (o->series) {
            uint32_t sr = o->series[r->doc];
            if (sr >= c.nstamp) {
                size_t old = c.nstamp;
                if (nd_grow((void **)&c.stamp, &c.nstamp, (size_t)sr + 1, sizeof *c.stamp)) {
                    rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory making the clusters");
                    break;
                }
                memset(c.stamp + old, 0, (c.nstamp - old) * sizeof *c.stamp);
            }
            if (c.stamp[sr] != c.comp + 1) {
                c.stamp[sr] = c.comp + 1;
                c.s.nseries++;
            }
        }
        c.s.n++;
        keyed k = {c.s.krank, c.s.kdoc, c.s.ktok, r->root, r->rank, r->doc, r->tok, r->tok_end, r->start, r->end};
        rc = sorter_put(pk, &k, s, err);
    }
    if (!rc && got < 0) rc = err->code;
    if (!rc && have) rc = close_component(&c, o, s, sm, err);
    if (!rc) rc = sorter_flush(pk, s, err);
    if (!rc) rc = sorter_flush(sm, s, err);
    *ncomp = c.comp;
    free(c.stamp);
    nd_runs_merge_free(m);
    return rc;
}

/* Step 4: the summaries and the pieces, both by first witness, side by side
 * to the sink (a component left out: its pieces skipped). */
static int emit(const sorter *pk, const sorter *sm, size_t buf_bytes, const nd_pcluster_sink *sink, uint64_t *nc,
                nd_error *err)
{
    nd_runs_merge *ms = nd_runs_merge_open(&sm->r, by_summary, buf_bytes / 4, err);
    nd_runs_merge *mp = ms ? nd_runs_merge_open(&pk->r, by_key, buf_bytes, err) : NULL;
    int rc = mp ? NEARDUP_OK : err->code, got = 0;
    const void *rp;
    size_t i = 0;
    while (!rc && (got = nd_runs_merge_next(ms, &rp, err)) > 0) {
        summary x = *(const summary *)rp;
        nd_pcluster c = {0, x.n, x.src_x, x.ndocs, x.nseries};
        nd_witness src = {x.sdoc, x.stok, x.stok_end, x.sstart, x.send};
        if (x.keep && sink->head(sink->user, i, &c, &src)) rc = nd_fail(err, NEARDUP_E_IO, "cannot write the clusters");
        for (uint32_t k = 0; !rc && k < x.n; k++) {
            if ((got = nd_runs_merge_next(mp, &rp, err)) <= 0) {
                rc = got < 0 ? err->code : nd_fail(err, NEARDUP_E_IO, "the clusters' pieces ended early");
                break;
            }
            const keyed *p = rp;
            nd_witness w = {p->doc, p->tok, p->tok_end, p->start, p->end};
            if (x.keep && sink->witness(sink->user, k, &w)) rc = nd_fail(err, NEARDUP_E_IO, "cannot write the clusters");
        }
        if (!rc && x.keep) {
            if (sink->end(sink->user, i)) rc = nd_fail(err, NEARDUP_E_IO, "cannot write the clusters");
            i++;
        }
    }
    if (!rc && got < 0) rc = err->code;
    *nc = i;
    nd_runs_merge_free(ms);
    nd_runs_merge_free(mp);
    return rc;
}

int nd_pcluster_spill_build(nd_pcluster_spill *s, const nd_pcluster_opts *o, size_t buf_bytes,
                            const nd_pcluster_sink *sink, nd_pcluster_spill_stats *st, nd_error *err)
{
    memset(st, 0, sizeof *st);
    int rc = nd_pcluster_spill_error(s, err);
    if (rc) return rc;
    unsigned min_ov = o->min_overlap ? o->min_overlap : 1;
    if (buf_bytes < ((size_t)64 << 10)) buf_bytes = (size_t)64 << 10;
    rc = spill(&s->iv, s->buf, s->n, sizeof(ivl), by_doc_tok, s, err);
    free(s->buf); /* the collecting buffer back before the build's */
    s->buf = NULL;
    s->n = 0;
    if (rc) return rc;
    sorter pc, pp, rt, pk, sm;
    memset(&pc, 0, sizeof pc), memset(&pp, 0, sizeof pp), memset(&rt, 0, sizeof rt), memset(&pk, 0, sizeof pk);
    memset(&sm, 0, sizeof sm);
    nd_runs_init(&pc.r, sizeof(ivl), s->tmpdir), nd_runs_init(&rt.r, sizeof(rooted), s->tmpdir);
    nd_runs_init(&pp.r, sizeof(uint64_t), s->tmpdir);
    nd_runs_init(&pk.r, sizeof(keyed), s->tmpdir), nd_runs_init(&sm.r, sizeof(summary), s->tmpdir);
    uint64_t np = s->passages, ncomp = 0, nc = 0, npc;
    uint32_t *parent = NULL;
    if (sorter_init(&pc, sizeof(ivl), buf_bytes / 2, NULL, s->tmpdir) ||
        sorter_init(&pp, sizeof(uint64_t), buf_bytes / 2, by_u64, s->tmpdir))
        goto nomem;
    if ((rc = sweep(s, min_ov, buf_bytes, &pc, &pp, err))) goto done;
    nd_runs_free(&s->iv); /* the intervals are used up */
    sorter_done(&pp);
    st->pieces = npc = pc.r.bytes / sizeof(ivl);
    if (!(parent = malloc((npc ? npc : 1) * sizeof *parent))) goto nomem;
    for (uint64_t i = 0; i < npc; i++) parent[i] = (uint32_t)i;
    if ((rc = join_pieces(s, &pp, buf_bytes, parent, err))) goto done;
    sorter_free(&pp);
    if (sorter_init(&rt, sizeof(rooted), buf_bytes, by_root_rank, s->tmpdir)) goto nomem;
    if ((rc = root_pieces(s, o, parent, &pc, &rt, err))) goto done;
    free(parent), parent = NULL;
    sorter_free(&pc), sorter_done(&rt);
    if (sorter_init(&pk, sizeof(keyed), buf_bytes, by_key, s->tmpdir) ||
        sorter_init(&sm, sizeof(summary), buf_bytes / 4, by_summary, s->tmpdir))
        goto nomem;
    if ((rc = key_pieces(s, o, &rt, buf_bytes, &pk, &sm, &ncomp, err))) goto done;
    sorter_free(&rt), sorter_done(&pk), sorter_done(&sm);
    rc = emit(&pk, &sm, buf_bytes, sink, &nc, err);
    goto done;
nomem:
    rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory making the clusters");
done:
    st->passages = np;
    st->components = ncomp;
    st->clusters = nc;
    st->runs = s->runs;
    st->bytes = s->bytes;
    free(parent);
    sorter_free(&pc), sorter_free(&pp), sorter_free(&rt), sorter_free(&pk), sorter_free(&sm);
    return rc;
}
