/* sketch.c - the corpus to MinHash signatures, on the threaded pipeline.
 *
 * Workers shingle and sketch into per-batch buffers; the collector appends
 * them in input order.  Only signatures stay in memory, never the text. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "minhash.h"
#include "reader.h"
#include "record.h"
#include "simhash.h"
#include "sketch.h"
#include "tokenize.h"

typedef struct {
    const nd_sketch_opts *o;
    nd_sketches *out;
} ctx;

typedef nd_sketch_thread thread_state;

/* Per batch: only what collect must still append in order (the shingle
 * sets of keep_sets); signatures, band keys, counts, fingerprints and
 * digests go straight into the corpus arrays at the record's index (the
 * engine's reserve hook sizes them), so the reading thread copies nothing
 * and no batch maps arrays of its own to fill (their fresh pages were a
 * sixth of the worker's time). */
typedef struct {
    uint64_t *bk;        /* one document's band keys, before they go to their bands */
    size_t n;            /* records sketched */
    uint64_t *set;       /* sets of this batch, concatenated */
    size_t *set_len;     /* per record sketched */
    size_t set_n, set_cap, len_cap;
    double t_shingle, t_digest, t_sketch, t_band_keys;
} batch_out;

typedef struct {
    ctx c;
    const nd_corpus_info *ci;
} collect_ctx;

static void *batch_init(void *u)
{
    const collect_ctx *cc = u;
    batch_out *b = calloc(1, sizeof *b);
    if (b && !(b->bk = malloc((cc->c.o->bands ? cc->c.o->bands : 1) * sizeof *b->bk))) {
        free(b);
        return NULL;
    }
    return b;
}

static void batch_reset(void *u, void *p)
{
    batch_out *b = p;
    b->n = b->set_n = 0;
    b->t_shingle = b->t_digest = b->t_sketch = b->t_band_keys = 0;
}

static void batch_free(void *u, void *p)
{
    batch_out *b = p;
    free(b->bk);
    free(b->set);
    free(b->set_len);
    free(b);
}

/* Worker: record doc's results at index doc of the corpus arrays (reserved
 * before its batch was handed out; no other thread writes that index). */
static int sketch_doc(void *u, void *tsp, void *bop, uint64_t doc, const nd_doc *d,
                      const nd_tokens *tok, nd_error *err)
{
    collect_ctx *cc = u;
    const nd_sketch_opts *o = cc->c.o;
    nd_sketches *s = cc->c.out;
    thread_state *ts = tsp;
    batch_out *b = bop;
    unsigned k = o->k;
    nd_doc_sketch_opts ko = {o->ngram, &o->seeds, ts->mh, o->keep_sets, o->simhash, o->digest,
                             o->bands, o->rows, o->band_seed};
    nd_doc_sketch out = {s->sig + doc * k, o->simhash ? &s->simhash[doc] : NULL,
                         o->digest ? s->digest + doc * ND_DIGEST_BYTES : NULL, o->bands ? b->bk : NULL, 0};
    nd_doc_sketch_times t = {0};
    if (nd_sketch_doc(tok, &ko, &ts->sh, &ts->cap, &out, o->untimed ? NULL : &t))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sketching record %s", d->id);
    for (unsigned band = 0; band < o->bands; band++) s->bandkey[band][doc] = b->bk[band];
    size_t m = out.nshingles;
    s->nshingles[doc] = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
    if (o->keep_sets) {
        if (nd_grow((void **)&b->set, &b->set_cap, b->set_n + m, sizeof *b->set) ||
            nd_grow((void **)&b->set_len, &b->len_cap, b->n + 1, sizeof *b->set_len))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping shingle sets");
        memcpy(b->set + b->set_n, ts->sh, m * sizeof *ts->sh);
        b->set_n += m;
        b->set_len[b->n] = m;
    }
    b->n++;
    b->t_shingle += t.shingle;
    b->t_digest += t.digest;
    b->t_sketch += t.sketch;
    b->t_band_keys += t.band_keys;
    return NEARDUP_OK;
}

/* Worker: the batch's records that were not sketched (bad, skipped) are
 * empty: no shingles, every lane 0xffffffff, zero keys. */
static int batch_done(void *u, void *tsp, void *bop, uint64_t first, size_t n, const uint8_t *done,
                      nd_error *err)
{
    collect_ctx *cc = u;
    nd_sketches *s = cc->c.out;
    unsigned k = s->k;
    for (size_t i = 0; i < n; i++) {
        if (done[i]) continue;
        uint64_t r = first + i;
        memset(s->sig + r * k, 0xff, k * sizeof *s->sig);
        s->nshingles[r] = 0;
        if (s->simhash) s->simhash[r] = 0;
        if (s->digest) memset(s->digest + r * ND_DIGEST_BYTES, 0, ND_DIGEST_BYTES);
        for (unsigned band = 0; band < s->bands; band++) s->bandkey[band][r] = 0;
    }
    return NEARDUP_OK;
}

/* Room for need records in every per-record array.  The signatures grow by
 * mremap (no copy); the bands' one mapping is copied band by band. */
static int grow_out(nd_sketches *s, uint64_t need, int sets, int fp, int dg)
{
    if (need <= s->cap) return 0;
    size_t cap = s->cap ? s->cap : 65536; /* address space: mapped in as written; and each growth
                                              * holds the workers back (nd_pipeline_fns.reserve) */
    while (cap < need) cap *= 2;
    uint32_t *sig = nd_map_realloc(s->sig, s->sig_cap * s->k * sizeof *sig, cap * s->k * sizeof *sig);
    if (!sig) return -1;
    s->sig = sig;
    s->sig_cap = cap;
    if (s->bands && cap > s->bk_cap) { /* all bands in one mapping: band b at b * bk_cap */
        if (!s->bandkey && (!(s->bandkey = calloc(s->bands, sizeof *s->bandkey)) ||
                            !(s->bk_mapped = calloc(s->bands, sizeof *s->bk_mapped))))
            return -1;
        /* Room for many more documents than asked, in 4 KiB pages: only the
         * keys written are mapped in, so a large capacity costs address
         * space only, and the bands need not be copied to a larger mapping
         * (in 2 MiB pages each band's short stretch mapped a whole page, and
         * every doubling copied them: 6 MB of fresh pages for news-40k) */
        size_t bcap = cap, budget = ((size_t)64 << 20) / ((size_t)s->bands * sizeof(uint64_t));
        if (bcap < budget) bcap = budget;
        uint64_t *bk = nd_map_alloc((size_t)s->bands * bcap * sizeof *bk);
        if (!bk) return -1;
#ifdef MADV_NOHUGEPAGE
        (void)madvise(bk, (size_t)s->bands * bcap * sizeof *bk, MADV_NOHUGEPAGE); /* a hint */
#endif
        for (unsigned b = 0; b < s->bands; b++) {
            if (s->bandkey[b]) memcpy(bk + b * bcap, s->bandkey[b], s->n * sizeof *bk);
            s->bk_mapped[b] = s->n * sizeof *bk; /* the copy mapped them in */
        }
        if (s->bandkey[0]) nd_map_free(s->bandkey[0], (size_t)s->bands * s->bk_cap * sizeof *bk);
        for (unsigned b = 0; b < s->bands; b++) s->bandkey[b] = bk + b * bcap;
        s->bk_cap = bcap;
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

/* Main thread, no worker writing (nd_pipeline_fns.reserve). */
static int reserve(void *u, uint64_t need, uint64_t *cap, nd_error *err)
{
    collect_ctx *cc = u;
    nd_sketches *s = cc->c.out;
    /* bandkey copies s->n records per band: every record below need has
     * been handed out, and those past the collected ones are copied too */
    uint64_t n = s->n;
    s->n = s->cap < need ? s->cap : need;
    int bad = grow_out(s, need, cc->c.o->keep_sets, cc->c.o->simhash, cc->c.o->digest);
    s->n = n;
    if (bad) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping signatures");
    *cap = s->cap;
    return NEARDUP_OK;
}

/* Main thread, in input order: only the shingle sets still need it. */
static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    collect_ctx *cc = u;
    nd_sketches *s = cc->c.out;
    batch_out *b = bop;
    if (cc->c.o->keep_sets) {
        if (nd_grow((void **)&s->set, &s->set_cap, s->set_len + b->set_n, sizeof *s->set))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping signatures");
        if (first == 0) s->set_off[0] = 0;
        size_t j = 0, setpos = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t r = first + i;
            if (!cc->ci->skipped[r] && j < b->n) {
                memcpy(s->set + s->set_len, b->set + setpos, b->set_len[j] * sizeof *s->set);
                setpos += b->set_len[j];
                s->set_len += b->set_len[j];
                j++;
            }
            s->set_off[r + 1] = s->set_len;
        }
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
        .reserve = reserve,
        .batch_done = batch_done,
        .user = &cc,
        .thread_init = nd_sketch_thread_init,
        .thread_free = nd_sketch_thread_free,
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
