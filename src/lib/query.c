/* query.c - documents against a reference index (query.h).
 *
 * dup: the document's LSH band keys are binary-searched in the index's
 * sorted band records; every reference sharing a key is scored on the
 * stored signatures, exactly as `pairs` scores a candidate, so the answer
 * equals `pairs` over references + queries restricted to query x reference
 * pairs.
 *
 * overlap: the document's winnowed anchors (the index stores the anchors
 * `neardup overlap` selects, with the same guarantee: every passage of >= W
 * words shared with a reference holds a shared anchor) are binary-searched
 * in the index's sorted anchor postings; anchors found in more than max_df
 * references are boilerplate: they give no candidates and their block of
 * words in the query is masked, as overlap.c masks them.  Each candidate
 * reference's text is decompressed from its zstd block (the thread's last
 * block is kept), tokenized and aligned with the query.
 *
 * Hits go to the caller's callback on the worker thread, into the caller's
 * per-batch state, which the collector hands back in input order (output
 * independent of the thread count). */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "anchors.h"
#include "edits.h"
#include "lsh.h"
#include "minhash.h"
#include "overlap.h"
#include "query.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

/* The engine's per-batch state around the caller's. */
typedef struct {
    void *user;
    double *lat;
    size_t nlat, lat_cap;
    uint64_t hits, cands, dropped;
} batch_out;

static void *batch_init(void *u)
{
    nd_query *q = u;
    batch_out *b = calloc(1, sizeof *b);
    if (b && q->batch_init && !(b->user = q->batch_init(q->user))) {
        free(b);
        return NULL;
    }
    return b;
}

static void batch_reset(void *u, void *p)
{
    nd_query *q = u;
    batch_out *b = p;
    if (q->batch_reset) q->batch_reset(q->user, b->user);
    b->nlat = b->hits = b->cands = b->dropped = 0;
}

static void batch_free(void *u, void *p)
{
    nd_query *q = u;
    batch_out *b = p;
    if (q->batch_free) q->batch_free(q->user, b->user);
    free(b->lat);
    free(b);
}

typedef struct {
    uint64_t *sh;
    size_t sh_cap;
    uint32_t *sig;
    nd_band_rec *keys;
    uint32_t *cand;
    size_t cand_cap;
    /* overlap */
    nd_tokenizer *tk;       /* for reference texts */
    nd_tokens rt;
    nd_index_texts *tx;
    nd_anchor_scratch anc;  /* the query's anchors */
    uint32_t *drop;         /* positions of its boilerplate anchors */
    size_t drop_cap;
    uint64_t *qh;           /* the query's token hashes, boilerplate masked */
    size_t qh_cap;
    nd_minhasher *mh;       /* --mode dup */
} thread_state;

static void *thread_init(void *u)
{
    nd_query *c = u;
    thread_state *ts = calloc(1, sizeof *ts);
    if (!ts) return NULL;
    ts->sig = malloc(c->ix->p.k * sizeof *ts->sig);
    ts->keys = malloc(c->ix->p.bands * sizeof *ts->keys);
    ts->mh = c->mode == ND_QUERY_OVERLAP ? NULL : nd_minhasher_new(c->ix->p.k, c->seeds.sketch_seed);
    if (!ts->sig || !ts->keys || (c->mode != ND_QUERY_OVERLAP && !ts->mh)) {
        nd_minhasher_free(ts->mh);
        free(ts->sig);
        free(ts->keys);
        free(ts);
        return NULL;
    }
    if (c->mode == ND_QUERY_OVERLAP) {
        /* lossy: a reference indexed under --lossy tokenizes as it did then */
        ts->tk = nd_tokenizer_create(c->seeds.token_seed, 1);
        if (ts->tk && c->seeds.keyed) nd_tokenizer_set_secret(ts->tk, c->seeds.token_secret);
        ts->tx = nd_index_texts_create();
        if (!ts->tk || !ts->tx) {
            nd_tokenizer_free(ts->tk);
            nd_index_texts_free(ts->tx);
            nd_minhasher_free(ts->mh);
            free(ts->sig);
            free(ts->keys);
            free(ts);
            return NULL;
        }
    }
    return ts;
}

static void thread_free(void *u, void *p)
{
    thread_state *ts = p;
    nd_minhasher_free(ts->mh);
    free(ts->sh);
    free(ts->sig);
    free(ts->keys);
    free(ts->cand);
    nd_tokenizer_free(ts->tk);
    nd_tokens_free(&ts->rt);
    nd_index_texts_free(ts->tx);
    nd_anchor_scratch_free(&ts->anc);
    free(ts->drop);
    free(ts->qh);
    free(ts);
}

/* References sharing at least one band key with sig, sorted, each once. */
static int candidates(const nd_query *c, thread_state *ts, size_t *n)
{
    const nd_index *ix = c->ix;
    nd_lsh_band_records(ts->sig, ix->p.bands, ix->p.rows, c->band_seed, 0, ts->keys);
    *n = 0;
    for (unsigned band = 0; band < ix->p.bands; band++) {
        const nd_band_rec *r;
        size_t m = nd_index_band_lookup(ix, ts->keys[band].key, &r);
        if (nd_grow((void **)&ts->cand, &ts->cand_cap, *n + m, sizeof *ts->cand)) return -1;
        for (size_t i = 0; i < m; i++) ts->cand[(*n)++] = r[i].doc;
    }
    if (*n) qsort(ts->cand, *n, sizeof *ts->cand, nd_cmp_u32); /* cand is NULL before the first hit */
    size_t u = 0;
    for (size_t i = 0; i < *n; i++)
        if (!u || ts->cand[i] != ts->cand[u - 1]) ts->cand[u++] = ts->cand[i];
    *n = u;
    return 0;
}

static int dup_doc(nd_query *c, thread_state *ts, batch_out *b, uint64_t doc, const nd_doc *d, const nd_tokens *tok,
                   nd_error *err)
{
    const nd_index *ix = c->ix;
    uint32_t nsh;
    size_t n;
    if (nd_index_sketch(tok, ix->p.ngram, ix->p.k, &c->seeds, ts->mh, &ts->sh, &ts->sh_cap, ts->sig, &nsh))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sketching record %s", d->id);
    if (!nsh) return NEARDUP_OK; /* empty documents never pair, as in `pairs` */
    if (candidates(c, ts, &n)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory for candidates");
    size_t nth = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = ts->cand[i];
        /* float, compared in float: what `pairs` prints and compares */
        float j = (float)nd_minhash_jaccard(ts->sig, ix->sig + (size_t)r * ix->p.k, ix->p.k);
        if (j < c->threshold) continue;
        nd_query_hit h = {.query = doc, .ref = r, .jaccard = j};
        int rc = c->hit(c->user, b->user, d, &h, nth++, err);
        if (rc) return rc;
        b->hits++;
    }
    return NEARDUP_OK;
}

/* ---------- --mode overlap ---------- */

/* The query's overlap anchors: candidates from postings of at most max_df
 * references; the positions of the others (boilerplate) go to ts->drop. */
static int overlap_candidates(const nd_query *c, thread_state *ts, batch_out *b, const nd_tokens *tok,
                              size_t *ncand, size_t *ndrop)
{
    const nd_index *ix = c->ix;
    unsigned n = ix->p.anchor_ngram;
    size_t na;
    *ncand = *ndrop = 0;
    if (nd_doc_anchors(tok, n, ix->p.anchor_w, c->seeds.anchor_seed, &ts->anc, &na) ||
        nd_grow((void **)&ts->drop, &ts->drop_cap, na ? na : 1, sizeof *ts->drop))
        return -1;
    for (size_t i = 0; i < na; i++) {
        const nd_index_anchor *r;
        size_t k = nd_index_anchor_lookup(ix, ts->anc.hash[i], &r);
        uint64_t df = 0; /* distinct references; postings are sorted by (hash, doc, pos) */
        for (size_t j = 0; j < k && df <= c->max_df; j++) df += !j || r[j].doc != r[j - 1].doc;
        if (df > c->max_df) {
            ts->drop[(*ndrop)++] = ts->anc.pos[i];
            continue;
        }
        if (nd_grow((void **)&ts->cand, &ts->cand_cap, *ncand + k, sizeof *ts->cand)) return -1;
        for (size_t j = 0; j < k; j++)
            if (!j || r[j].doc != r[j - 1].doc) ts->cand[(*ncand)++] = r[j].doc;
    }
    b->dropped += *ndrop;
    if (*ncand) qsort(ts->cand, *ncand, sizeof *ts->cand, nd_cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < *ncand; i++)
        if (!u || ts->cand[i] != ts->cand[u - 1]) ts->cand[u++] = ts->cand[i];
    *ncand = u;
    return 0;
}

/* Masks the query's boilerplate blocks: dropped anchors at most w apart are
 * one block, which reaches w - 1 n-grams beyond them (overlap.c explains). */
static void mask_query(const nd_index *ix, const uint32_t *drop, size_t n, uint64_t *h, size_t ntok)
{
    unsigned w = ix->p.anchor_w;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && drop[j] <= drop[j - 1] + w) j++;
        uint64_t from = drop[i] >= w - 1 ? drop[i] - (w - 1) : 0;
        uint64_t to = (uint64_t)drop[j - 1] + (w - 1) + ix->p.anchor_ngram;
        if (to > ntok) to = ntok;
        for (uint64_t t = from; t < to; t++) h[t] = nd_mask_word(t); /* matches no real word */
        i = j;
    }
}

static int overlap_doc(nd_query *c, thread_state *ts, batch_out *b, uint64_t doc, const nd_doc *d,
                       const nd_tokens *tok, nd_error *err)
{
    const nd_index *ix = c->ix;
    size_t ncand, ndrop;
    if (overlap_candidates(c, ts, b, tok, &ncand, &ndrop))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory for the anchors of record %.200s", d->id);
    if (!ncand) return NEARDUP_OK;
    b->cands += ncand;
    if (nd_grow((void **)&ts->qh, &ts->qh_cap, tok->n, sizeof *ts->qh))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory aligning record %.200s", d->id);
    memcpy(ts->qh, tok->hash, tok->n * sizeof *ts->qh);
    mask_query(ix, ts->drop, ndrop, ts->qh, tok->n);
    nd_tokens q = {ts->qh, tok->span, tok->n, 0};
    const nd_align_opts *ao = &c->align;
    nd_kgrams qg = {0};
    size_t nth = 0; /* the document's hits so far */
    /* the query's word ids, k-grams and the aligner's scratch serve all its candidates */
    uint32_t *qid = nd_word_ids(&q);
    nd_align_scratch *sc = nd_align_scratch_new();
    int rc = qid && sc && !nd_kgrams_make(qid, q.n, ao->seed_len, &qg) ? NEARDUP_OK : NEARDUP_E_NOMEM;
    for (size_t i = 0; !rc && i < ncand; i++) {
        uint32_t r = ts->cand[i];
        const char *text;
        size_t len, bad;
        if ((rc = nd_index_text(ix, ts->tx, r, &text, &len, err))) break;
        rc = nd_tokenize(ts->tk, text, len, &ts->rt, &bad, NULL);
        if (rc) {
            rc = nd_fail(err, rc, "%s: reference %s: cannot tokenize its stored text", ix->path, nd_index_id(ix, r));
            break;
        }
        nd_kgrams rg = {0};
        nd_passage *p = NULL;
        size_t np = 0;
        uint32_t *rid = nd_word_ids(&ts->rt);
        if (!rid || nd_kgrams_make(rid, ts->rt.n, ao->seed_len, &rg) ||
            nd_align_kgrams(&q, qid, &qg, &ts->rt, rid, &rg, ao, sc, &p, &np))
            rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory aligning record %.200s", d->id);
        if (!rc && np) {
            uint64_t shared = 0;
            for (size_t k = 0; k < np; k++) shared += p[k].matches;
            double ca = nd_passage_coverage(p, np, 0, q.n), cb = nd_passage_coverage(p, np, 1, ts->rt.n);
            nd_doc_words wq = {qid, q.span, NULL}, wr = {rid, ts->rt.span, NULL};
            const nd_map_run *rmap;
            size_t nrmap = nd_index_doc_map(ix, r, &rmap);
            nd_query_hit h = {doc, r, 0, p, np, shared, ca, cb, text, len, &wq, &wr, rmap, nrmap};
            rc = c->hit(c->user, b->user, d, &h, nth++, err);
            p = h.p; /* NULL when the callback kept them */
            b->hits++;
        }
        free(rid);
        nd_kgrams_free(&rg);
        free(p);
    }
    nd_kgrams_free(&qg);
    nd_align_scratch_free(sc);
    free(qid);
    if (rc && !err->msg[0]) nd_fail(err, rc, "out of memory aligning record %.200s", d->id);
    return rc;
}

static int query_doc(void *u, void *tsp, void *bop, uint64_t doc, const nd_doc *d, const nd_tokens *tok,
                     nd_error *err)
{
    nd_query *c = u;
    batch_out *b = bop;
    double t0 = nd_now();
    int rc = c->mode == ND_QUERY_DUP ? dup_doc(c, tsp, b, doc, d, tok, err)
                                       : overlap_doc(c, tsp, b, doc, d, tok, err);
    if (!rc && nd_grow((void **)&b->lat, &b->lat_cap, b->nlat + 1, sizeof *b->lat))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (!rc) b->lat[b->nlat++] = nd_now() - t0;
    return rc;
}

static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    nd_query *c = u;
    batch_out *b = bop;
    int rc = c->collect ? c->collect(c->user, b->user, err) : NEARDUP_OK;
    if (rc) return rc;
    if (nd_grow((void **)&c->lat, &c->lat_cap, c->nlat + b->nlat, sizeof *c->lat))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (b->nlat) memcpy(c->lat + c->nlat, b->lat, b->nlat * sizeof *b->lat);
    c->nlat += b->nlat;
    c->hits += b->hits;
    c->cands += b->cands;
    c->dropped += b->dropped;
    c->docs += b->nlat;
    return NEARDUP_OK;
}

int nd_query_run(nd_query *q, nd_reader *r, const nd_pipeline_opts *po, nd_corpus_info *ci, nd_error *err)
{
    q->band_seed = nd_index_band_seed(q->seeds.sketch_seed);
    nd_pipeline_fns f = {
        .user = q,
        .thread_init = thread_init,
        .thread_free = thread_free,
        .batch_init = batch_init,
        .batch_reset = batch_reset,
        .batch_free = batch_free,
        .doc = query_doc,
        .collect = collect,
    };
    return nd_pipeline_run(r, po, &f, ci, err);
}
