/* api.c - the public library (include/neardup.h) over the internal stages:
 * a sketcher, a deduper and the aligner, each an opaque handle that owns all
 * its state, so separate handles work from separate threads. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "key.h"
#include "nd.h"

#define MAX_K 4096

void neardup_params_default(neardup_params *p)
{
    memset(p, 0, sizeof *p);
    p->ngram = 5;
    p->k = 128;
    p->threshold = 0.8;
    p->seed = NEARDUP_DEFAULT_SEED;
}

/* Seeds (and token secret) for p; -1 when p is invalid. */
static int seeds_for(const neardup_params *p, nd_seeds *s)
{
    if (!p->ngram || !p->k || p->k > MAX_K || !(p->threshold >= 0 && p->threshold <= 1)) return -1;
    if (!p->key) {
        nd_seeds_from_seed(s, p->seed);
        return 0;
    }
    nd_key key;
    nd_error err;
    if (nd_key_from_bytes(&key, p->key, &err)) return -1;
    nd_key_seeds(&key, s);
    sodium_memzero(&key, sizeof key);
    return 0;
}

static nd_tokenizer *tokenizer_for(const neardup_params *p, const nd_seeds *s)
{
    nd_tokenizer *tk = nd_tokenizer_create(s->token_seed, p->lossy);
    if (tk && s->keyed) nd_tokenizer_set_secret(tk, s->token_secret);
    return tk;
}

/* ---------- sketcher ---------- */

struct neardup_sketcher {
    neardup_params p;
    nd_seeds seeds;
    nd_tokenizer *tk;
    nd_tokens tok;
    uint64_t *sh;
    size_t sh_cap;
    nd_minhasher *mh;
};

neardup_sketcher *neardup_sketcher_create(const neardup_params *p)
{
    neardup_params def;
    if (!p) neardup_params_default(&def), p = &def;
    neardup_sketcher *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->p = *p;
    s->p.key = NULL; /* never kept: the derived seeds are */
    if (seeds_for(p, &s->seeds) || !(s->tk = tokenizer_for(p, &s->seeds)) ||
        !(s->mh = nd_minhasher_new(p->k, s->seeds.sketch_seed))) {
        neardup_sketcher_free(s);
        return NULL;
    }
    return s;
}

void neardup_sketcher_free(neardup_sketcher *s)
{
    if (!s) return;
    nd_tokenizer_free(s->tk);
    nd_minhasher_free(s->mh);
    nd_tokens_free(&s->tok);
    free(s->sh);
    sodium_memzero(&s->seeds, sizeof s->seeds);
    free(s);
}

int neardup_sketch(neardup_sketcher *s, const char *text, size_t len, uint32_t *sig, size_t *nshingles,
                   size_t *bad_offset)
{
    size_t bad = 0;
    int rc = nd_tokenize(s->tk, text, len, &s->tok, &bad, NULL);
    if (rc) {
        if (bad_offset) *bad_offset = bad;
        return rc;
    }
    size_t m = nd_shingle_count(s->tok.n, s->p.ngram);
    if (nd_grow((void **)&s->sh, &s->sh_cap, m ? m : 1, sizeof *s->sh)) return NEARDUP_E_NOMEM;
    nd_shingle(s->tok.hash, s->tok.n, s->p.ngram, s->seeds.shingle_seed, s->sh);
    nd_minhash_sig(s->mh, s->sh, m, sig);
    if (nshingles) *nshingles = m;
    return NEARDUP_OK;
}

double neardup_jaccard_estimate(const uint32_t *a, const uint32_t *b, unsigned k)
{
    return nd_minhash_jaccard(a, b, k);
}

/* ---------- deduper ---------- */

struct neardup_deduper {
    neardup_sketcher *sk;
    uint32_t *sig;
    uint8_t *empty;
    size_t n, cap;
    int finished;
    uint32_t *rep;
    neardup_pair *pairs;
    size_t npairs;
};

neardup_deduper *neardup_deduper_create(const neardup_params *p)
{
    neardup_deduper *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    if (!(d->sk = neardup_sketcher_create(p))) {
        free(d);
        return NULL;
    }
    return d;
}

void neardup_deduper_free(neardup_deduper *d)
{
    if (!d) return;
    neardup_sketcher_free(d->sk);
    free(d->sig);
    free(d->empty);
    free(d->rep);
    free(d->pairs);
    free(d);
}

int neardup_deduper_add(neardup_deduper *d, const char *text, size_t len, size_t *bad_offset)
{
    if (d->finished) return NEARDUP_E_USAGE;
    if (d->n >= UINT32_MAX - 1) return NEARDUP_E_INPUT;
    unsigned k = d->sk->p.k;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 256;
        uint32_t *s = realloc(d->sig, cap * k * sizeof *s);
        if (!s) return NEARDUP_E_NOMEM;
        d->sig = s;
        uint8_t *e = realloc(d->empty, cap);
        if (!e) return NEARDUP_E_NOMEM;
        d->empty = e;
        d->cap = cap;
    }
    size_t m = 0;
    int rc = neardup_sketch(d->sk, text, len, d->sig + d->n * k, &m, bad_offset);
    if (rc) return rc;
    d->empty[d->n++] = m == 0;
    return NEARDUP_OK;
}

int neardup_deduper_finish(neardup_deduper *d)
{
    if (d->finished) return NEARDUP_E_USAGE;
    unsigned k = d->sk->p.k, bands, rows;
    double t = d->sk->p.threshold;
    nd_lsh_params(t, k, &bands, &rows);
    nd_band_rec *recs = malloc((d->n ? d->n : 1) * bands * sizeof *recs);
    d->rep = malloc((d->n ? d->n : 1) * sizeof *d->rep);
    if (!recs || !d->rep) {
        free(recs);
        return NEARDUP_E_NOMEM;
    }
    size_t nrec = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->empty[i]) continue; /* texts without words never pair */
        nd_lsh_band_records(d->sig + i * k, bands, rows, nd_band_seed(d->sk->seeds.sketch_seed), (uint32_t)i,
                            recs + nrec);
        nrec += bands;
    }
    nd_pair *cand = NULL;
    size_t ncand = 0;
    int rc = nd_lsh_candidates(recs, nrec, SIZE_MAX, &cand, &ncand);
    free(recs);
    if (rc) return rc;
    d->pairs = malloc((ncand ? ncand : 1) * sizeof *d->pairs);
    nd_pair *keep = malloc((ncand ? ncand : 1) * sizeof *keep);
    if (!d->pairs || !keep) {
        free(cand);
        free(keep);
        return NEARDUP_E_NOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < ncand; i++) {
        double j = nd_minhash_jaccard(d->sig + (size_t)cand[i].a * k, d->sig + (size_t)cand[i].b * k, k);
        if ((float)j < (float)t) continue; /* compared as the command line does */
        d->pairs[n] = (neardup_pair){cand[i].a, cand[i].b, j};
        keep[n++] = cand[i];
    }
    free(cand);
    d->npairs = n;
    rc = nd_cluster(d->n, keep, n, d->rep);
    free(keep);
    if (rc) return rc;
    d->finished = 1;
    return NEARDUP_OK;
}

size_t neardup_deduper_count(const neardup_deduper *d) { return d->n; }

size_t neardup_deduper_representative(const neardup_deduper *d, size_t i)
{
    return d->finished && i < d->n ? d->rep[i] : (size_t)-1;
}

size_t neardup_deduper_pairs(const neardup_deduper *d, const neardup_pair **pairs)
{
    *pairs = d->finished ? d->pairs : NULL;
    return d->finished ? d->npairs : 0;
}

/* ---------- aligner ---------- */

int neardup_align(const neardup_params *p, const char *a, size_t alen, const char *b, size_t blen,
                  unsigned min_words, neardup_passage **out, size_t *nout, size_t *bad_offset, int *bad_side)
{
    neardup_params def;
    if (!p) neardup_params_default(&def), p = &def;
    *out = NULL;
    *nout = 0;
    nd_seeds s;
    if (seeds_for(p, &s)) return NEARDUP_E_USAGE;
    nd_tokenizer *tk = tokenizer_for(p, &s);
    nd_tokens ta = {0}, tb = {0};
    size_t bad = 0;
    int side = 0, rc = tk ? NEARDUP_OK : NEARDUP_E_NOMEM;
    if (!rc && (rc = nd_tokenize(tk, a, alen, &ta, &bad, NULL)) == NEARDUP_OK) {
        side = 1;
        rc = nd_tokenize(tk, b, blen, &tb, &bad, NULL);
    }
    if (rc == NEARDUP_E_UTF8) {
        if (bad_offset) *bad_offset = bad;
        if (bad_side) *bad_side = side;
    }
    nd_passage *ps = NULL;
    size_t np = 0;
    if (!rc) {
        nd_align_opts o;
        nd_align_opts_default(&o);
        o.seed_len = p->ngram;
        if (min_words) o.min_words = min_words;
        rc = nd_align(&ta, &tb, &o, &ps, &np);
    }
    if (!rc) {
        *out = malloc((np ? np : 1) * sizeof **out);
        if (!*out) rc = NEARDUP_E_NOMEM;
        for (size_t i = 0; !rc && i < np; i++)
            (*out)[i] = (neardup_passage){ps[i].a_start, ps[i].a_end, ps[i].b_start, ps[i].b_end, ps[i].words,
                                          ps[i].matches, ps[i].identity};
        if (!rc) *nout = np;
    }
    free(ps);
    nd_tokens_free(&ta);
    nd_tokens_free(&tb);
    nd_tokenizer_free(tk);
    sodium_memzero(&s, sizeof s);
    return rc;
}

void neardup_passages_free(neardup_passage *p) { free(p); }
