/* sketch.c - the corpus to MinHash signatures, on the threaded pipeline.
 *
 * Workers shingle and sketch into per-batch buffers; the collector appends
 * them in input order.  Only signatures stay in memory, never the text. */
#include <stdlib.h>
#include <string.h>

#include "sketch.h"

typedef struct {
    const nd_sketch_opts *o;
    nd_sketches *out;
} ctx;

typedef struct {
    uint64_t *sh; /* shingle scratch */
    size_t cap;
    nd_minhasher *mh;
} thread_state;

typedef struct {
    /* per record, all in one mapping of map_bytes (batch_grow) */
    uint64_t *bk;        /* band keys */
    uint64_t *fp;        /* SimHash fingerprints */
    uint32_t *sig;       /* up to n * k */
    uint32_t *nsh;
    uint8_t *dg;         /* digests */
    size_t n, cap, map_bytes;
    uint64_t *set;       /* sets of this batch, concatenated */
    size_t *set_len;     /* per record */
    size_t set_n, set_cap, len_cap;
    double t_shingle, t_digest, t_sketch, t_band_keys;
} batch_out;

static void thread_free(void *u, void *p)
{
    thread_state *ts = p;
    if (!ts) return;
    free(ts->sh);
    nd_minhasher_free(ts->mh);
    free(ts);
}

static void *thread_init(void *u)
{
    const nd_sketch_opts *o = ((const ctx *)u)->o;
    thread_state *ts = calloc(1, sizeof(thread_state));
    if (ts && !(ts->mh = nd_minhasher_new(o->k, o->seeds.sketch_seed))) thread_free(u, ts), ts = NULL;
    return ts;
}

static void *batch_init(void *u) { return calloc(1, sizeof(batch_out)); }

static void batch_reset(void *u, void *p)
{
    batch_out *b = p;
    b->n = b->set_n = 0;
    b->t_shingle = b->t_digest = b->t_sketch = b->t_band_keys = 0;
}

static void batch_free(void *u, void *p)
{
    batch_out *b = p;
    nd_map_free(b->bk, b->map_bytes);
    free(b->set);
    free(b->set_len);
    free(b);
}

/* Makes room for need records.  All per-record arrays share one mapping:
 * a typical batch fits one 2 MiB page where five heap blocks cost ~150 first
 * touches of 4 KiB pages per slot (~11 us each on a paravirtualised VM). */
static int batch_grow(batch_out *b, const nd_sketch_opts *o, size_t need)
{
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < need) cap *= 2;
    size_t nbk = o->bands, nfp = o->simhash ? 1 : 0, ndg = o->digest ? ND_DIGEST_BYTES : 0;
    size_t bytes = cap * ((nbk + nfp) * sizeof(uint64_t) + (o->k + 1) * sizeof(uint32_t) + ndg);
    char *m = nd_map_alloc(bytes);
    if (!m) return -1;
    batch_out nb = *b; /* 8-byte arrays first, so every array is aligned */
    nb.bk = (uint64_t *)m;
    nb.fp = nb.bk + cap * nbk;
    nb.sig = (uint32_t *)(nb.fp + cap * nfp);
    nb.nsh = nb.sig + cap * o->k;
    nb.dg = (uint8_t *)(nb.nsh + cap);
    if (b->n) {
        memcpy(nb.bk, b->bk, b->n * nbk * sizeof *b->bk);
        memcpy(nb.fp, b->fp, b->n * nfp * sizeof *b->fp);
        memcpy(nb.sig, b->sig, b->n * o->k * sizeof *b->sig);
        memcpy(nb.nsh, b->nsh, b->n * sizeof *b->nsh);
        memcpy(nb.dg, b->dg, b->n * ndg);
    }
    nd_map_free(b->bk, b->map_bytes);
    nb.cap = cap;
    nb.map_bytes = bytes;
    *b = nb;
    return 0;
}

/* Records arrive in order within a batch, so index = count so far; bad
 * records are filled in by collect as empty. */
static int sketch_doc(void *u, void *tsp, void *bop, uint64_t doc, const nd_doc *d,
                      const nd_tokens *tok, nd_error *err)
{
    ctx *c = u;
    thread_state *ts = tsp;
    batch_out *b = bop;
    unsigned k = c->o->k;
    double t0 = nd_now();
    size_t m = nd_shingle_count(tok->n, c->o->ngram);
    if (nd_grow((void **)&ts->sh, &ts->cap, m ? m : 1, sizeof *ts->sh) || batch_grow(b, c->o, b->n + 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sketching record %s", d->id);
    nd_shingle(tok->hash, tok->n, c->o->ngram, c->o->seeds.shingle_seed, ts->sh);
    if (c->o->simhash) b->fp[b->n] = nd_simhash(ts->sh, m, c->o->seeds.sketch_seed); /* with repeats */
    if (c->o->keep_sets) m = nd_hash_set(ts->sh, m);
    double t1 = nd_now(), t2 = t1;
    if (c->o->digest) { /* exact duplicates, timed apart: not sketching */
        nd_digest_tokens(tok, b->dg + b->n * ND_DIGEST_BYTES);
        t2 = nd_now();
    }
    nd_minhash_sig(ts->mh, ts->sh, m, b->sig + b->n * k);
    double t3 = nd_now(), t4 = t3;
    if (c->o->bands) { /* LSH's stage, timed apart */
        nd_lsh_band_keys(b->sig + b->n * k, c->o->bands, c->o->rows, c->o->band_seed, b->bk + b->n * c->o->bands);
        t4 = nd_now();
    }
    b->nsh[b->n] = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
    if (c->o->keep_sets) {
        if (nd_grow((void **)&b->set, &b->set_cap, b->set_n + m, sizeof *b->set) ||
            nd_grow((void **)&b->set_len, &b->len_cap, b->n + 1, sizeof *b->set_len))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping shingle sets");
        memcpy(b->set + b->set_n, ts->sh, m * sizeof *ts->sh);
        b->set_n += m;
        b->set_len[b->n] = m;
    }
    b->n++;
    b->t_shingle += t1 - t0;
    b->t_digest += t2 - t1;
    b->t_sketch += t3 - t2;
    b->t_band_keys += t4 - t3;
    return NEARDUP_OK;
}

static int grow_out(nd_sketches *s, uint64_t need, int sets, int fp, int dg)
{
    if (need <= s->cap) return 0;
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < need) cap *= 2;
    uint32_t *sig = nd_map_realloc(s->sig, s->sig_cap * s->k * sizeof *sig, cap * s->k * sizeof *sig);
    if (!sig) return -1;
    s->sig = sig;
    s->sig_cap = cap;
    if (s->bands) { /* all bands in one mapping: band b at b * cap */
        if (!s->bandkey && (!(s->bandkey = calloc(s->bands, sizeof *s->bandkey)) ||
                            !(s->bk_mapped = calloc(s->bands, sizeof *s->bk_mapped))))
            return -1;
        uint64_t *bk = nd_map_alloc((size_t)s->bands * cap * sizeof *bk);
        if (!bk) return -1;
        for (unsigned b = 0; b < s->bands; b++) {
            if (s->bandkey[b]) memcpy(bk + b * cap, s->bandkey[b], s->n * sizeof *bk);
            s->bk_mapped[b] = s->n * sizeof *bk; /* the copy mapped them in */
        }
        if (s->bandkey[0]) nd_map_free(s->bandkey[0], (size_t)s->bands * s->bk_cap * sizeof *bk);
        for (unsigned b = 0; b < s->bands; b++) s->bandkey[b] = bk + b * cap;
        s->bk_cap = cap;
    }
    if (fp) {
        uint64_t *f = realloc(s->simhash, cap * sizeof *f);
        if (!f) return -1;
        s->simhash = f;
    }
    if (dg) {
        uint8_t *g = realloc(s->digest, cap * ND_DIGEST_BYTES);
        if (!g) return -1;
        s->digest = g;
    }
    uint32_t *nsh = realloc(s->nshingles, cap * sizeof *nsh);
    if (!nsh) return -1;
    s->nshingles = nsh;
    if (sets) {
        uint64_t *off = realloc(s->set_off, (cap + 1) * sizeof *off);
        if (!off) return -1;
        s->set_off = off;
    }
    s->cap = cap;
    return 0;
}

/* The collector cannot tell which records of the batch were skipped from the
 * worker's dense output alone, so it asks the corpus info it is given. */
typedef struct {
    ctx c;
    const nd_corpus_info *ci;
} collect_ctx;

static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    collect_ctx *cc = u;
    nd_sketches *s = cc->c.out;
    batch_out *b = bop;
    unsigned k = s->k;
    int sets = cc->c.o->keep_sets;
    if (grow_out(s, first + n, sets, cc->c.o->simhash, cc->c.o->digest) ||
        (sets && nd_grow((void **)&s->set, &s->set_cap, s->set_len + b->set_n, sizeof *s->set)))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping signatures");
    if (sets && first == 0) s->set_off[0] = 0;
    nd_prefault_ahead(s->sig, &s->sig_mapped, (first + n) * k * sizeof *s->sig, s->cap * k * sizeof *s->sig);
    for (unsigned band = 0; band < s->bands; band++)
        nd_prefault_ahead(s->bandkey[band], &s->bk_mapped[band], (first + n) * sizeof **s->bandkey,
                          s->cap * sizeof **s->bandkey);
    size_t j = 0, setpos = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = first + i;
        if (cc->ci->skipped[r] || j >= b->n) {
            memset(s->sig + r * k, 0xff, k * sizeof *s->sig);
            s->nshingles[r] = 0;
            if (s->simhash) s->simhash[r] = 0;
            if (s->digest) memset(s->digest + r * ND_DIGEST_BYTES, 0, ND_DIGEST_BYTES);
            for (unsigned band = 0; band < s->bands; band++) s->bandkey[band][r] = 0;
            if (sets) s->set_off[r + 1] = s->set_len;
            continue;
        }
        memcpy(s->sig + r * k, b->sig + j * k, k * sizeof *s->sig);
        s->nshingles[r] = b->nsh[j];
        if (s->simhash) s->simhash[r] = b->fp[j];
        if (s->digest) memcpy(s->digest + r * ND_DIGEST_BYTES, b->dg + j * ND_DIGEST_BYTES, ND_DIGEST_BYTES);
        for (unsigned band = 0; band < s->bands; band++) s->bandkey[band][r] = b->bk[j * s->bands + band];
        if (sets) {
            memcpy(s->set + s->set_len, b->set + setpos, b->set_len[j] * sizeof *s->set);
            setpos += b->set_len[j];
            s->set_len += b->set_len[j];
            s->set_off[r + 1] = s->set_len;
        }
        j++;
    }
    s->n = first + n;
    s->t_shingle += b->t_shingle;
    s->t_digest += b->t_digest;
    s->t_sketch += b->t_sketch;
    s->t_band_keys += b->t_band_keys;
    return NEARDUP_OK;
}

int nd_sketch_corpus(nd_reader *r, const nd_pipeline_opts *po, const nd_sketch_opts *so,
                     nd_sketches *out, nd_corpus_info *ci, nd_error *err)
{
    memset(out, 0, sizeof *out);
    out->k = so->k;
    out->bands = so->bands;
    out->rows = so->rows;
    out->band_seed = so->band_seed;
    collect_ctx cc = {{so, out}, ci};
    nd_pipeline_fns f = {
        .user = &cc,
        .thread_init = thread_init,
        .thread_free = thread_free,
        .batch_init = batch_init,
        .batch_reset = batch_reset,
        .batch_free = batch_free,
        .doc = sketch_doc,
        .collect = collect,
    };
    return nd_pipeline_run(r, po, &f, ci, err);
}

void nd_sketches_free(nd_sketches *s)
{
    if (s->sig) nd_map_free(s->sig, s->sig_cap * s->k * sizeof *s->sig);
    free(s->nshingles);
    free(s->set);
    free(s->set_off);
    free(s->simhash);
    free(s->digest);
    if (s->bandkey && s->bandkey[0]) nd_map_free(s->bandkey[0], (size_t)s->bands * s->bk_cap * sizeof **s->bandkey);
    free(s->bandkey);
    free(s->bk_mapped);
    memset(s, 0, sizeof *s);
}
