/* pairs.c - signatures to verified near-duplicate pairs: LSH banding by
 * sorting, then each candidate scored once. */
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
     * buckets - and the candidates - are the same. */
    nd_band_rec *recs = malloc((live ? live : 1) * sizeof *recs);
    if (!recs) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory for %llu band records",
                              (unsigned long long)live);
    nd_pair *cand = NULL;
    size_t ncand = 0, cap = 0;
    int rc = NEARDUP_OK;
    for (unsigned b = 0; b < bands && rc == NEARDUP_OK; b++) {
        size_t nrec = 0;
        for (uint64_t i = 0; i < s->n; i++) {
            if (!s->nshingles[i]) continue; /* empty documents never pair */
            if (o->skip && o->skip[i] != i) continue;
            recs[nrec++] = nd_lsh_band_record(s->sig + i * s->k, b, rows, o->band_seed, (uint32_t)i);
        }
        st->band_records += nrec;
        rc = nd_lsh_append_candidates(recs, nrec, o->max_bucket, &cand, &ncand, &cap);
    }
    free(recs);
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
