/* sketch_doc.c - the per-document kernel: tokens -> word n-gram shingles ->
 * MinHash signature, SimHash, digest and LSH band keys (sketch.h).  One
 * function for every caller, so that the corpus sketcher, the bounded-memory
 * sketcher, the index and the public sketcher give the same signatures
 * (tests/test_golden.c pins that they agree). */
#include "lsh.h"
#include "minhash.h"
#include "shingle.h"
#include "simhash.h"
#include <stdlib.h>

#include "minhash.h"
#include "shingle.h"
#include "simhash.h"
#include "sketch.h"
#include "tokenize.h"
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
