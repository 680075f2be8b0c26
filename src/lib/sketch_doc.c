/* sketch_doc.c - the per-document kernel: tokens -> word n-gram shingles ->
 * MinHash signature, SimHash, digest and LSH band keys (sketch.h); the
 * sketching workers' thread state, and the plain worker (signature and
 * digest) dedup --memory (spill.c) and the MPI driver run.  One
 * function for every caller, so that the corpus sketcher, the bounded-memory
 * sketcher, the index and the public sketcher give the same signatures
 * (tests/test_golden.c pins that they agree). */
#include <stdlib.h>

#include "lsh.h"
#include "minhash.h"
#include "record.h"
#include "shingle.h"
#include "simhash.h"
#include "sketch.h"
#include "tokenize.h"

int nd_sketch_doc(const nd_tokens *tok, const nd_doc_sketch_opts *o, uint64_t **scratch, size_t *cap,
                  nd_doc_sketch *out, nd_doc_sketch_times *t)
{
    double t0 = t ? nd_now() : 0;
    size_t m = nd_shingle_count(tok->n, o->ngram);
    if (nd_grow((void **)scratch, cap, m ? m : 1, sizeof **scratch)) return NEARDUP_E_NOMEM;
    uint64_t *sh = *scratch;
    nd_shingle(tok->hash, tok->n, o->ngram, o->seeds->shingle_seed, sh);
    if (o->simhash) *out->simhash = nd_simhash(sh, m, o->seeds->sketch_seed); /* with repeats */
    if (o->distinct) m = nd_hash_set(sh, m);
    double t1 = t ? nd_now() : 0, t2 = t1;
    if (o->digest) { /* exact duplicates, timed apart: not sketching */
        nd_digest_tokens(tok, out->digest);
        if (t) t2 = nd_now();
    }
    nd_minhash_sig(o->mh, sh, m, out->sig);
    double t3 = t ? nd_now() : 0, t4 = t3;
    if (o->bands) { /* LSH's stage, timed apart */
        nd_lsh_band_keys(out->sig, o->bands, o->rows, o->band_seed, out->bandkey);
        if (t) t4 = nd_now();
    }
    out->nshingles = m;
    if (t) {
        t->shingle += t1 - t0;
        t->digest += t2 - t1;
        t->sketch += t3 - t2;
        t->band_keys += t4 - t3;
    }
    return NEARDUP_OK;
}

void nd_sketch_thread_free(void *u, void *p)
{
    nd_sketch_thread *ts = p;
    if (!ts) return;
    free(ts->sh);
    nd_minhasher_free(ts->mh);
    free(ts);
}

void *nd_sketch_thread_init(void *u)
{
    const nd_sketch_opts *o = *(const nd_sketch_opts *const *)u;
    nd_sketch_thread *ts = calloc(1, sizeof *ts);
    if (ts && !(ts->mh = nd_minhasher_new(o->k, o->seeds.sketch_seed))) nd_sketch_thread_free(u, ts), ts = NULL;
    return ts;
}

/* ---------- the plain worker: signature and digest ---------- */


typedef nd_sketch_batch batch_out;


static void *batch_init(void *u) { return calloc(1, sizeof(batch_out)); }

static void batch_reset(void *u, void *p)
{
    batch_out *b = p;
    b->n = 0;
    b->t_shingle = b->t_digest = b->t_sketch = 0;
    b->big_need = 0;
}

static void batch_free(void *u, void *p)
{
    batch_out *b = p;
    free(b->sig);
    free(b->nsh);
    free(b->dg);
    free(b);
}

/* The kernel of sketch.c's worker (nd_sketch_doc) without the options
 * --memory does not take (sets, SimHash, band keys): shingles, digest, MinHash. */
static int sketch_doc(void *u, void *tsp, void *bop, uint64_t doc, const nd_doc *d,
                      const nd_tokens *tok, nd_error *err)
{
    const nd_sketch_opts *so = *(const nd_sketch_opts *const *)u;
    nd_sketch_thread *ts = tsp;
    batch_out *b = bop;
    unsigned k = so->k;
    if (nd_grow((void **)&b->nsh, &b->cap, b->n + 1, sizeof *b->nsh) ||
        !(b->sig = realloc(b->sig, b->cap * k * sizeof *b->sig)) ||
        !(b->dg = realloc(b->dg, b->cap * ND_DIGEST_BYTES)))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sketching record %s", d->id);
    nd_doc_sketch_opts ko = {.ngram = so->ngram, .seeds = &so->seeds, .mh = ts->mh, .digest = 1};
    nd_doc_sketch out = {.sig = b->sig + b->n * k, .digest = b->dg + b->n * ND_DIGEST_BYTES};
    nd_doc_sketch_times t = {0};
    if (nd_sketch_doc(tok, &ko, &ts->sh, &ts->cap, &out, &t))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sketching record %s", d->id);
    size_t m = out.nshingles;
    b->nsh[b->n] = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
    b->n++;
    /* what this record held while it was sketched: its tokens (hash and
     * span, 16 bytes) and shingles (8) a word, and its bytes about five
     * times (batch, parsed text, reader, tokenizer); measured on one 41 MB
     * record of 6M words: 343 MB peak for JSONL, 261 MB for a plain file */
    uint64_t need = 24 * (uint64_t)tok->n + 5 * (uint64_t)d->text_len;
    if (need > b->big_need) b->big_need = need, b->big_doc = doc;
    b->t_shingle += t.shingle;
    b->t_digest += t.digest;
    b->t_sketch += t.sketch;
    return NEARDUP_OK;
}

void nd_sketch_worker_fns(nd_pipeline_fns *f)
{
    f->thread_init = nd_sketch_thread_init;
    f->thread_free = nd_sketch_thread_free;
    f->batch_init = batch_init;
    f->batch_reset = batch_reset;
    f->batch_free = batch_free;
    f->doc = sketch_doc;
}
