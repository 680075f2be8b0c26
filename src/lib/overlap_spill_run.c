/* overlap_spill_run.c - overlap --memory, the finding and aligning half (see
 * overlap_spill.h):
 *   1. ranges of anchor hashes that fit (by their top 16 bits, counted as
 *      the occurrences were spread) are read back and listed by
 *      nd_anchor_pairs in partial mode; the candidate entries and the
 *      dropped (boilerplate) occurrences collect in buffers that spill to
 *      sorted runs;
 *   2. the dropped occurrences, merged in (document, position) order, mask
 *      the words of their documents in place in the document file
 *      (nd_overlap_mask on each document, numbered as in the corpus;
 *      overlap_spill_finish.c);
 *   3. the candidate entries, merged in (a, b) order, are combined
 *      (nd_anchor_pair_combine) into the candidates one call over all the
 *      anchors gives, and cut into batches of consecutive candidates whose
 *      documents fit; each batch is read back and aligned by
 *      nd_overlap_align, streaming to the sink in order: the one-process
 *      output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align.h"
#include "doc_pack.h"
#include "lsh.h"
#include "overlap_spill.h"
#include "overlap_spill_run.h"

/* ---------- sorting by radix, as band records ---------- */

static int sort_doc_pos(nd_anchor *a, size_t n)
{
    _Static_assert(sizeof(nd_anchor) == sizeof(nd_band_rec), "anchors sort as band records");
    nd_band_rec *r = (nd_band_rec *)a;
    for (size_t i = 0; i < n; i++) {
        nd_anchor x = a[i];
        r[i] = (nd_band_rec){(uint64_t)x.doc << 32 | x.pos, (uint32_t)x.hash, (uint32_t)(x.hash >> 32)};
    }
    int rc = nd_sort_band_recs(r, n);
    for (size_t i = 0; i < n; i++) {
        nd_band_rec y = r[i];
        a[i] = (nd_anchor){(uint64_t)y.pad << 32 | y.doc, (uint32_t)(y.key >> 32), (uint32_t)y.key};
    }
    return rc;
}

/* By (a, b), stable: a pair's entries keep the order they came in. */
static int sort_pairs(nd_anchor_pair *p, size_t n)
{
    _Static_assert(sizeof(nd_anchor_pair) == sizeof(nd_band_rec), "pairs sort as band records");
    nd_band_rec *r = (nd_band_rec *)p;
    for (size_t i = 0; i < n; i++) {
        nd_anchor_pair x = p[i];
        r[i] = (nd_band_rec){(uint64_t)x.a << 32 | x.b, x.shared, x.related};
    }
    int rc = nd_sort_band_recs(r, n);
    for (size_t i = 0; i < n; i++) {
        nd_band_rec y = r[i];
        p[i] = (nd_anchor_pair){(uint32_t)(y.key >> 32), (uint32_t)y.key, y.doc, y.pad};
    }
    return rc;
}

/* ---------- 1. anchors ---------- */

static int spill_pairs(run_ctx *c, nd_error *err)
{
    if (sort_pairs(c->pairs, c->npairs)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sorting candidates");
    int rc = nd_runs_add(&c->pruns, c->pairs, c->npairs, err);
    c->npairs = 0;
    return rc;
}

int nd_spill_drops(run_ctx *c, nd_error *err)
{
    if (nd_sort_u64(c->drop, c->ndrop)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sorting boilerplate");
    int rc = nd_runs_add(&c->druns, c->drop, c->ndrop, err);
    c->ndrop = 0;
    return rc;
}

static int add_pairs(run_ctx *c, const nd_anchor_pair *p, size_t n, nd_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (c->npairs == c->pairs_max && spill_pairs(c, err)) return err->code;
        if (nd_grow((void **)&c->pairs, &c->pairs_cap, c->npairs + 1, sizeof *c->pairs))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping candidates");
        c->pairs[c->npairs++] = p[i];
    }
    return NEARDUP_OK;
}

static int add_drops(run_ctx *c, const nd_anchor *d, size_t n, nd_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (c->ndrop == c->drop_max && nd_spill_drops(c, err)) return err->code;
        if (nd_grow((void **)&c->drop, &c->drop_cap, c->ndrop + 1, sizeof *c->drop))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping boilerplate");
        c->drop[c->ndrop++] = d[i].hash; /* doc << 32 | pos, as nd_anchor_pairs leaves them */
    }
    return NEARDUP_OK;
}

static void add_stats(nd_anchor_stats *t, const nd_anchor_stats *a)
{
    t->anchors += a->anchors;
    t->dropped += a->dropped;
    t->dropped_occ += a->dropped_occ;
    t->sentence_anchors += a->sentence_anchors;
    t->sentence_dropped += a->sentence_dropped;
    t->spread += a->spread;
    t->series_dropped += a->series_dropped;
    t->star += a->star;
    if (a->max_df_seen > t->max_df_seen) t->max_df_seen = a->max_df_seen;
}

static int cmp_extent(const void *x, const void *y)
{
    const nd_spill_extent *a = x, *b = y;
    if (a->part != b->part) return a->part < b->part ? -1 : 1;
    return (a->off > b->off) - (a->off < b->off);
}

/* The occurrences whose hashes' top 16 bits lie in [h0, h1): the extents of
 * their partitions read back, in (doc, pos) order. */
static int read_range(run_ctx *c, const size_t *first_ext, uint32_t h0, uint32_t h1, nd_anchor *occ, size_t *n,
                      nd_anchor *buf, nd_error *err)
{
    nd_spill_store *s = c->s;
    size_t m = 0;
    uint32_t p0 = h0 >> 8, p1 = (h1 - 1) >> 8;
    for (size_t e = first_ext[p0]; e < first_ext[p1 + 1]; e++) {
        const nd_spill_extent *x = &s->ext[e];
        if (nd_pread_all(s->anc_fd, buf, x->n * sizeof *buf, x->off))
            return nd_fail(err, NEARDUP_E_IO, "cannot read anchors back from the temporary directory: %s",
                           strerror(errno));
        for (uint32_t i = 0; i < x->n; i++) {
            uint32_t h = (uint32_t)(buf[i].hash >> 48);
            if (h >= h0 && h < h1) occ[m++] = buf[i];
        }
    }
    *n = m;
    if (p0 != p1 && sort_doc_pos(occ, m)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sorting anchors");
    return NEARDUP_OK;
}

/* One range of anchor hashes, [h0, h1) by their top 16 bits: tot
 * occurrences (every rank's under mpirun).  live 0: this rank has failed
 * and only takes part in the exchanges, with nothing to send. */
static int one_range(run_ctx *c, const size_t *first_ext, uint32_t h0, uint32_t h1, uint64_t tot, nd_anchor *buf,
                     const nd_anchor_scope *scope, int live, nd_error *err)
{
    const nd_spill_dist *d = c->dist;
    nd_anchor *occ = NULL, *mine = NULL;
    size_t n = 0;
    int rc = NEARDUP_OK;
    if (live) {
        occ = nd_map_alloc(tot * sizeof *occ);
        rc = occ ? read_range(c, first_ext, h0, h1, occ, &n, buf, err)
                 : nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading anchors back");
        if (rc) n = 0;
    }
    if (d) { /* to the owners of their hashes */
        for (size_t i = 0; i < n; i++) occ[i].doc += (uint32_t)c->base;
        d->by_hash(d->user, occ, n, &mine, &n);
    }
    nd_anchor *at = d ? mine : occ;
    nd_anchor_pair *p = NULL;
    size_t np = 0;
    nd_anchor_stats as = {0};
    if (!rc && n &&
        nd_anchor_pairs(at, n, c->o->max_df, c->o->max_df_sentence, c->split, c->o->star_boilerplate, c->threads,
                        scope, &p, &np, &as))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory listing candidate pairs");
    if (rc) { /* nothing found to pass on */
        np = 0;
        as.dropped_occ = 0;
    } else if (n) {
        add_stats(&c->st->anchors, &as);
    }
    if (d) { /* dropped occurrences to their documents' owners, kept in this rank's numbers; candidates to a's */
        nd_anchor *dm = NULL;
        size_t ndm = 0;
        d->by_doc(d->user, at, as.dropped_occ, &dm, &ndm);
        for (size_t i = 0; i < ndm; i++) {
            uint64_t doc = (dm[i].hash >> 32) - c->base;
            dm[i].hash = doc << 32 | (uint32_t)dm[i].hash;
        }
        if (!rc) rc = add_drops(c, dm, ndm, err);
        free(dm);
        nd_anchor_pair *pm = NULL;
        size_t npm = 0;
        d->by_a(d->user, p, np, &pm, &npm);
        free(p);
        p = pm;
        np = rc ? 0 : npm;
    } else if (!rc) {
        rc = add_drops(c, at, as.dropped_occ, err);
    }
    if (!rc && np) rc = add_pairs(c, p, np, err);
    c->ss->groups += !rc;
    free(p);
    free(mine);
    if (occ) nd_map_free(occ, tot * sizeof *occ);
    return rc;
}

/* rc: the run's status so far (under mpirun a failed rank still takes part
 * in every range's exchanges); returns it. */
static int anchor_phase(run_ctx *c, const uint64_t *pre, int rc, nd_error *err)
{
    nd_spill_store *s = c->s;
    qsort(s->ext, s->next, sizeof *s->ext, cmp_extent);
    size_t first_ext[ND_SPILL_PARTS + 1];
    for (size_t p = 0, e = 0; p <= ND_SPILL_PARTS; p++) {
        while (e < s->next && s->ext[e].part < p) e++;
        first_ext[p] = e;
    }
    /* nd_anchor_pairs holds about 40 bytes an occurrence (and its pairs):
     * an eighth of the budget */
    uint64_t max_occ = s->budget / 8 / 40;
    if (max_occ < 65536) max_occ = 65536;
    nd_anchor_scope scope = c->o->scope;
    scope.partial = 1;
    nd_anchor *buf = malloc(s->pcap * sizeof *buf);
    if (!buf && !rc) rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (uint32_t h0 = 0; h0 < ND_SPILL_PREFIXES && !(rc && !c->dist);) {
        uint64_t tot = pre[h0];
        uint32_t h1 = h0 + 1;
        while (h1 < ND_SPILL_PREFIXES && tot + pre[h1] <= max_occ) tot += pre[h1++];
        if (tot > max_occ) { /* every rank's counts: all of them stop here */
            if (!rc)
                rc = nd_fail(err, NEARDUP_E_NOMEM, "--memory %.0f MiB is too small for the anchors: %llu of their "
                             "occurrences share one 1/65536 of the hash space and need about %.0f MiB at once; give "
                             "at least %.0f MiB", (s->memory + s->aside) / 1048576.0, (unsigned long long)tot,
                             tot * 40 / 1048576.0, nd_spill_memory_for(s, tot * 40 * 8) / 1048576.0 + 1);
            break;
        }
        if (tot) {
            int grc = one_range(c, first_ext, h0, h1, tot, buf, &scope, !rc, err);
            if (!rc) rc = grc;
        }
        h0 = h1;
    }
    free(buf);
    return rc;
}

/* ---------- 2. the documents finished: overlap_spill_finish.c ---------- */

/* ---------- 3. the candidates, aligned in batches ---------- */

/* Document d's record bytes (a corpus number; under mpirun another rank's too). */
static uint64_t rec_bytes(const run_ctx *c, uint32_t d)
{
    return c->rec_all ? c->rec_all[d] : c->s->off[d + 1] - c->s->off[d];
}

static uint64_t doc_cost(const run_ctx *c, uint32_t d)
{
    return rec_bytes(c, d) + sizeof(nd_doc_ref) + 2 * sizeof(uint64_t); /* the k-grams are in the record */
}

static int run_batch(run_ctx *c, nd_error *err)
{
    if (!c->ncand) return NEARDUP_OK;
    nd_spill_store *s = c->s;
    qsort(c->docs, c->ndocs, sizeof *c->docs, nd_cmp_u32);
    /* this rank's documents are docs[lo, hi) (all of them in one process),
     * the others' fetched */
    size_t lo = 0, hi = c->ndocs;
    if (c->dist) {
        while (lo < c->ndocs && c->docs[lo] < c->base) lo++;
        for (hi = lo; hi < c->ndocs && c->docs[hi] < c->base + s->n;) hi++;
    }
    uint64_t total = 0;
    for (size_t i = lo; i < hi; i++) total += rec_bytes(c, c->docs[i]);
    char *buf = malloc(total ? (size_t)total : 1);
    nd_doc_ref *ref = malloc((c->ndocs ? c->ndocs : 1) * sizeof *ref);
    uint32_t *want = c->dist ? malloc((c->ndocs - (hi - lo) + 1) * sizeof *want) : NULL;
    int rc = buf && ref && (want || !c->dist) ? NEARDUP_OK
                                              : nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading a batch of documents");
    if (!rc && c->dist) {
        size_t nw = 0;
        for (size_t i = 0; i < c->ndocs; i++)
            if (i < lo || i >= hi) want[nw++] = c->docs[i];
        const nd_doc_ref *got = NULL;
        int any;
        c->dist->fetch(c->dist->user, s, want, nw, 1, &got, &any);
        for (size_t i = 0, k = 0; i < c->ndocs; i++)
            if (i < lo || i >= hi) ref[i] = got[k++];
    }
    /* documents of consecutive numbers are consecutive in the file: read together */
    size_t at = 0;
    for (size_t i = lo; !rc && i < hi;) {
        size_t j = i + 1;
        while (j < hi && c->docs[j] == c->docs[j - 1] + 1) j++;
        uint64_t from = s->off[c->docs[i] - c->base], to = s->off[c->docs[j - 1] - c->base + 1];
        if (to > from && nd_pread_all(s->doc_fd, buf + at, (size_t)(to - from), from))
            rc = nd_fail(err, NEARDUP_E_IO, "cannot read documents back from the temporary directory: %s",
                         strerror(errno));
        for (size_t k = i; !rc && k < j; k++) {
            nd_doc_unpack(buf + at, &ref[k], NULL, NULL, NULL);
            at += (size_t)rec_bytes(c, c->docs[k]);
        }
        i = j;
    }
    for (size_t i = 0; !rc && i < c->ncand; i++) { /* to the batch's numbers */
        uint32_t *a = bsearch(&c->cand[i].a, c->docs, c->ndocs, sizeof *c->docs, nd_cmp_u32);
        uint32_t *b = bsearch(&c->cand[i].b, c->docs, c->ndocs, sizeof *c->docs, nd_cmp_u32);
        c->cand[i].a = (uint32_t)(a - c->docs);
        c->cand[i].b = (uint32_t)(b - c->docs);
    }
    if (!rc) {
        nd_doc_store sub = {0};
        sub.n = c->ndocs;
        sub.doc = ref;
        sub.global = c->docs;
        nd_overlap_pair *none = NULL;
        size_t np = 0;
        nd_overlap_stats bst;
        rc = nd_overlap_align(&sub, &c->bo, c->cand, c->ncand, c->threads, c->sink, &none, &np, &bst, err);
        c->streamed += np;
        c->st->candidates += bst.candidates;
        c->st->t_align += bst.t_align;
        c->ss->batches++;
    }
    free(buf);
    free(ref);
    free(want);
    c->ncand = c->ndocs = 0;
    c->batch_bytes = 0;
    if (++c->stamp == 0) { /* the marks wrapped round: none is this batch's */
        memset(c->mark, 0, c->total * sizeof *c->mark);
        c->stamp = 1;
    }
    return rc;
}

static int add_doc(run_ctx *c, uint32_t d, nd_error *err)
{
    if (c->mark[d] == c->stamp) return NEARDUP_OK;
    if (nd_grow((void **)&c->docs, &c->docs_cap, c->ndocs + 1, sizeof *c->docs))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    c->mark[d] = c->stamp;
    c->docs[c->ndocs++] = d;
    c->batch_bytes += doc_cost(c, d);
    return NEARDUP_OK;
}

static int add_cand(run_ctx *c, nd_anchor_pair p, nd_error *err)
{
    uint64_t need = (c->mark[p.a] != c->stamp ? doc_cost(c, p.a) : 0) +
                    (p.b != p.a && c->mark[p.b] != c->stamp ? doc_cost(c, p.b) : 0);
    if (c->ncand && (c->batch_bytes + need > c->batch_max || c->ncand == c->cand_max) && run_batch(c, err))
        return err->code;
    if (!c->ncand) {
        need = doc_cost(c, p.a) + (p.b != p.a ? doc_cost(c, p.b) : 0);
        if (need > c->batch_max) { /* a document is never split */
            c->ss->big_doc = doc_cost(c, p.a) >= doc_cost(c, p.b) ? p.a : p.b;
            c->ss->big_need = need;
            /* under mpirun a batch is a share of the budget (ranks' batches are served at once) */
            uint64_t ranks = c->dist && c->dist->ranks ? c->dist->ranks : 1;
            return nd_fail(err, NEARDUP_E_NOMEM, "--memory %.0f MiB%s is too small to align two documents that "
                           "share a candidate (numbers %u and %u): together they need about %.1f MiB; a document "
                           "is never split, so give at least %.0f MiB", (c->s->memory + c->s->aside) / 1048576.0,
                           ranks > 1 ? " (each rank's)" : "", p.a, p.b, need / 1048576.0,
                           nd_spill_memory_for(c->s, 2 * ranks * need) / 1048576.0 + 1);
        }
    }
    if (nd_grow((void **)&c->cand, &c->cand_cap, c->ncand + 1, sizeof *c->cand))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (add_doc(c, p.a, err) || add_doc(c, p.b, err)) return err->code;
    c->cand[c->ncand++] = p;
    return NEARDUP_OK;
}

/* The entries e[0, n) of one pair, combined, filtered as nd_overlap_run
 * filters its candidates, and batched. */
static int one_pair(run_ctx *c, const nd_anchor_pair *e, size_t n, nd_error *err)
{
    nd_anchor_pair p;
    int kind = nd_anchor_pair_combine(e, n, &p);
    if (!kind) return NEARDUP_OK;
    c->st->anchors.star_pairs += (uint64_t)(kind == 2);
    if ((c->o->min_b || c->o->min_shared > 1) && (p.b < c->o->min_b || p.shared < c->o->min_shared))
        return NEARDUP_OK;
    return add_cand(c, p, err);
}

static int cand_phase(run_ctx *c, nd_error *err)
{
    nd_anchor_pair *e = NULL;
    size_t ne = 0, ecap = 0;
    int rc = NEARDUP_OK, got = 0;
    nd_runs_merge *mg = NULL;
    size_t i = 0;
    if (c->pruns.nruns) { /* spilled: the rest joins the runs, all merged */
        if ((rc = spill_pairs(c, err))) return rc;
        free(c->pairs);
        c->pairs = NULL;
        c->pairs_cap = 0;
        if (!(mg = nd_runs_merge_open(&c->pruns, nd_anchor_pair_cmp, (size_t)4 << 20, err))) return err->code;
    } else if (sort_pairs(c->pairs, c->npairs)) {
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sorting candidates");
    }
    for (;;) {
        const nd_anchor_pair *x = NULL;
        if (mg) {
            const void *v;
            if ((got = nd_runs_merge_next(mg, &v, err)) < 0) {
                rc = err->code;
                break;
            }
            if (got) x = v;
        } else if (i < c->npairs) {
            x = &c->pairs[i++];
        }
        if (ne && (!x || x->a != e[0].a || x->b != e[0].b)) {
            if ((rc = one_pair(c, e, ne, err))) break;
            ne = 0;
        }
        if (!x) break;
        if (nd_grow((void **)&e, &ecap, ne + 1, sizeof *e)) {
            rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
            break;
        }
        e[ne++] = *x;
    }
    nd_runs_merge_free(mg);
    free(e);
    if (!rc) rc = run_batch(c, err);
    return rc;
}

/* Under mpirun: whether any rank failed (collective); a rank that did not
 * gets an error saying another did. */
static int agree(run_ctx *c, int rc, nd_error *err)
{
    uint64_t failed = rc != 0;
    c->dist->sum(c->dist->user, &failed, 1);
    if (failed && !rc) {
        c->ss->peer_failed = 1;
        rc = nd_fail(err, NEARDUP_E_INTERNAL, "stopped: another rank failed");
    }
    return rc;
}

static int run(nd_spill_store *s, const nd_overlap_opts *o, uint32_t split, const nd_spill_dist *dist,
               unsigned threads, const nd_overlap_sink *sink, size_t *npairs, nd_overlap_stats *st,
               nd_spill_ostats *ss, nd_error *err)
{
    memset(st, 0, sizeof *st);
    memset(ss, 0, sizeof *ss);
    *npairs = 0;
    double t0 = nd_now();
    run_ctx c = {.s = s, .o = o, .bo = *o, .split = split, .threads = threads, .sink = sink, .st = st, .ss = ss,
                 .stamp = 1, .dist = dist, .base = dist ? dist->base : 0, .total = dist ? dist->total : s->n};
    c.bo.progress = 0;
    nd_runs_init(&c.pruns, sizeof(nd_anchor_pair), s->tmpdir);
    nd_runs_init(&c.druns, sizeof(uint64_t), s->tmpdir);
    /* shares of the budget: candidate entries a quarter (and their sort's
     * scratch), boilerplate a sixteenth; a batch half, its candidates a
     * sixteenth */
    c.pairs_max = (size_t)(s->budget / 4 / (2 * sizeof(nd_anchor_pair)));
    c.drop_max = (size_t)(s->budget / 16 / (2 * sizeof(uint64_t)));
    c.batch_max = s->budget / 2 / (dist && dist->ranks ? dist->ranks : 1);
    c.cand_max = (size_t)(s->budget / 16 / sizeof(nd_anchor_pair));
    if (c.pairs_max < 4096) c.pairs_max = 4096;
    if (c.drop_max < 4096) c.drop_max = 4096;
    if (c.cand_max < 4096) c.cand_max = 4096;
    int rc = NEARDUP_OK;
    for (uint32_t p = 0; !rc && p < ND_SPILL_PARTS; p++) {
        if (s->pn[p] && (rc = nd_spill_flush_part(s, p, err))) break;
    }
    if (!rc) rc = nd_spill_flush_docs(s, err);
    free(s->pbuf); /* the partitions' buffers go back */
    s->pbuf = NULL;
    ss->doc_bytes = s->doc_bytes;
    ss->anc_bytes = s->anc_bytes;
    /* under mpirun the ranges are cut by every rank's counts: the same on all */
    if (dist) dist->sum(dist->user, s->pre, ND_SPILL_PREFIXES);
    if (!rc || dist) rc = anchor_phase(&c, s->pre, rc, err);
    ss->pair_runs = c.pruns.nruns;
    ss->drop_runs = c.druns.nruns;
    if (!rc) rc = nd_spill_finish_docs(&c, err);
    st->t_anchor = nd_now() - t0;
    if (dist) rc = agree(&c, rc, err);
    int serving = dist && !rc; /* no rank failed: all of them fetch and serve */
    /* what a batch costs is known for every rank's documents */
    if (serving) dist->sizes(dist->user, s->off, s->n, &c.rec_all);
    if (!rc && !(c.mark = calloc(c.total ? c.total : 1, sizeof *c.mark)))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (!rc) rc = cand_phase(&c, err);
    /* under mpirun, this rank's batches are done (or it failed): it serves the
     * others' until theirs are */
    for (int any = serving; any;) {
        const nd_doc_ref *none;
        dist->fetch(dist->user, s, NULL, 0, 0, &none, &any);
    }
    if (serving) rc = agree(&c, rc, err);
    ss->pair_runs = c.pruns.nruns;
    free(c.pairs);
    free(c.drop);
    free(c.cand);
    free(c.docs);
    free(c.mark);
    free(c.rec_all);
    nd_runs_free(&c.pruns);
    nd_runs_free(&c.druns);
    st->pairs = c.streamed;
    *npairs = c.streamed;
    return rc;
}

int nd_spill_overlap(nd_spill_store *s, const nd_overlap_opts *o, uint32_t split, unsigned threads,
                     const nd_overlap_sink *sink, size_t *npairs, nd_overlap_stats *st, nd_spill_ostats *ss,
                     nd_error *err)
{
    return run(s, o, split, NULL, threads, sink, npairs, st, ss, err);
}

int nd_spill_overlap_dist(nd_spill_store *s, const nd_overlap_opts *o, const nd_spill_dist *dist, unsigned threads,
                          const nd_overlap_sink *sink, size_t *npairs, nd_overlap_stats *st, nd_spill_ostats *ss,
                          nd_error *err)
{
    return run(s, o, 0, dist, threads, sink, npairs, st, ss, err);
}
