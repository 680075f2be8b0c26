/* pairs.c - signatures to verified near-duplicate pairs: LSH banding by
 * sorting, then each candidate scored once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sketch.h"

static float score(const nd_sketches *s, const nd_pairs_opts *o, uint32_t a, uint32_t b)
{
    if (o->verify_exact && s->set_off) {
        const uint64_t *sa = s->set + s->set_off[a], *sb = s->set + s->set_off[b];
        return (float)nd_set_jaccard(sa, s->set_off[a + 1] - s->set_off[a], sb,
                                     s->set_off[b + 1] - s->set_off[b]);
    }
    return (float)nd_minhash_jaccard(s->sig + (size_t)a * s->k, s->sig + (size_t)b * s->k, s->k);
}

#define ND_MAX_BAND_THREADS 64

/* A share of the bands: first, first + step, ... */
typedef struct {
    const nd_sketches *s;
    const nd_pairs_opts *o;
    uint64_t live;
    unsigned first, step, bands, rows;
    nd_pair *p; /* candidates, with repeats */
    size_t n, cap;
    uint64_t nrec;
    int rc;
} band_worker;

static void *band_main(void *arg)
{
    band_worker *w = arg;
    const nd_sketches *s = w->s;
    const nd_pairs_opts *o = w->o;
    nd_band_rec *recs = malloc((w->live ? w->live : 1) * sizeof *recs);
    if (!recs) {
        w->rc = NEARDUP_E_NOMEM;
        return NULL;
    }
    /* keys computed while sketching, when they were for these parameters */
    const uint64_t *keys = s->bandkey && s->bands == w->bands && s->rows == w->rows &&
                                   s->band_seed == o->band_seed ? s->bandkey : NULL;
    for (unsigned b = w->first; b < w->bands && !w->rc; b += w->step) {
        size_t nrec = 0;
        for (uint64_t i = 0; i < s->n; i++) {
            if (!s->nshingles[i]) continue; /* empty documents never pair */
            if (o->skip && o->skip[i] != i) continue;
            recs[nrec++] = keys ? (nd_band_rec){keys[i * w->bands + b], (uint32_t)i, 0}
                                : nd_lsh_band_record(s->sig + i * s->k, b, w->rows, o->band_seed, (uint32_t)i);
        }
        w->nrec += nrec;
        w->rc = nd_lsh_append_candidates(recs, nrec, o->max_bucket, &w->p, &w->n, &w->cap);
    }
    free(recs);
    return NULL;
}

int nd_find_pairs(const nd_sketches *s, const nd_pairs_opts *o, nd_scored_pair **out, size_t *nout,
                  nd_pairs_stats *st, nd_error *err)
{
    memset(st, 0, sizeof *st);
    *out = NULL;
    *nout = 0;
    unsigned bands = o->bands, rows = o->rows;
    if (!bands || !rows) nd_lsh_params(o->threshold, s->k, &bands, &rows);
    st->bands = bands;
    st->rows = rows;
    double t0 = nd_now();
    uint64_t live = 0;
    for (uint64_t i = 0; i < s->n; i++) live += s->nshingles[i] > 0 && (!o->skip || o->skip[i] == i);
    /* One band at a time: a band's records (16 bytes a document) stay in
     * cache and are reused, where all bands at once cost bands x 32 bytes a
     * document of fresh memory.  Keys of different bands never meet, so the
     * buckets - and the candidates - are the same.  Threads take every
     * nth band; the union of their candidates is sorted and made unique, so
     * the result does not depend on the thread count. */
    unsigned nt = o->threads ? o->threads : 1;
    if (nt > bands) nt = bands;
    band_worker w[ND_MAX_BAND_THREADS];
    pthread_t tid[ND_MAX_BAND_THREADS];
    if (nt > ND_MAX_BAND_THREADS) nt = ND_MAX_BAND_THREADS;
    int running[ND_MAX_BAND_THREADS] = {0};
    for (unsigned t = 0; t < nt; t++) {
        w[t] = (band_worker){.s = s, .o = o, .live = live, .first = t, .step = nt, .bands = bands, .rows = rows};
        if (t > 0) running[t] = pthread_create(&tid[t], NULL, band_main, &w[t]) == 0;
        if (t > 0 && !running[t]) band_main(&w[t]); /* no thread: do its share here */
    }
    band_main(&w[0]);
    for (unsigned t = 1; t < nt; t++)
        if (running[t]) pthread_join(tid[t], NULL);
    nd_pair *cand = NULL;
    size_t ncand = 0, cap = 0;
    int rc = NEARDUP_OK;
    for (unsigned t = 0; t < nt; t++) {
        if (w[t].rc) rc = w[t].rc;
        st->band_records += w[t].nrec;
        if (!rc && nd_grow((void **)&cand, &cap, ncand + w[t].n, sizeof *cand)) rc = NEARDUP_E_NOMEM;
        if (!rc && w[t].n) memcpy(cand + ncand, w[t].p, w[t].n * sizeof *cand);
        if (!rc) ncand += w[t].n;
        free(w[t].p);
    }
    if (rc) {
        free(cand);
        return nd_fail(err, rc, "out of memory forming candidate pairs");
    }
    ncand = nd_pairs_unique(cand, ncand);
    st->candidates = ncand;
    double t1 = nd_now();
    st->t_band = t1 - t0;
    nd_scored_pair *p = malloc((ncand ? ncand : 1) * sizeof *p);
    if (!p) {
        free(cand);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory scoring %zu candidates", ncand);
    }
    size_t n = 0;
    for (size_t i = 0; i < ncand; i++) {
        float j = score(s, o, cand[i].a, cand[i].b);
        /* compare in float: the printed value is the float, so a pair shown
         * as 0.8 is never dropped at -t 0.8 */
        if (j >= (float)o->threshold) p[n++] = (nd_scored_pair){cand[i].a, cand[i].b, j, -1};
    }
    free(cand);
    st->accepted = n;
    st->t_verify = nd_now() - t1;
    *out = p;
    *nout = n;
    return NEARDUP_OK;
}
