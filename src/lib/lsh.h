/* lsh.h - signatures -> band records -> candidate pairs, by sorting (lsh.c). */
#ifndef ND_LSH_H
#define ND_LSH_H

#include "nd.h"

/* Bands and rows (bands * rows <= k) minimising the probability of a false
 * positive plus a false negative at threshold t (see lsh.c for the formula). */
void nd_lsh_params(double t, unsigned k, unsigned *bands, unsigned *rows);
/* The S-curve: the probability 1 - (1 - s^rows)^bands that a pair of
 * Jaccard s shares a band, so becomes a candidate. */
double nd_lsh_p_candidate(double s, unsigned bands, unsigned rows);
/* The expected error rates of banding at threshold t (neardup explain):
 * *fn, the mean probability that a pair of Jaccard uniform in [t, 1] never
 * becomes a candidate (a lost pair); *fp, the mean probability that a pair
 * of Jaccard uniform in [0, t) does (verified and dropped: time, not
 * precision). */
void nd_lsh_rates(double t, unsigned bands, unsigned rows, double *fn, double *fp);

typedef struct {
    uint64_t key; /* hash of (band index, the band's rows) */
    uint32_t doc;
    uint32_t pad;
} nd_band_rec;

/* The seed of band keys, from the sketch seed: one definition, so that
 * `pairs`, `dedup` and the index always agree on band keys. */
static inline uint64_t nd_band_seed(uint64_t sketch_seed)
{
    return sketch_seed ^ UINT64_C(0x62616e6473); /* "bands" */
}

/* Band b's record of one signature. */
nd_band_rec nd_lsh_band_record(const uint32_t *sig, unsigned b, unsigned rows, uint64_t seed,
                               uint32_t doc);

/* The keys of all bands of one signature (those of nd_lsh_band_record) into key[0..bands). */
void nd_lsh_band_keys(const uint32_t *sig, unsigned bands, unsigned rows, uint64_t seed, uint64_t *key);
/* Writes the bands band records of one signature. */
void nd_lsh_band_records(const uint32_t *sig, unsigned bands, unsigned rows, uint64_t seed,
                         uint32_t doc, nd_band_rec *out);

typedef struct {
    uint32_t a, b; /* a < b, document indexes in input order */
} nd_pair;

int nd_sort_band_recs(nd_band_rec *a, size_t n); /* by key; stable (sort.c) */

/* Sorts recs by key (stable: give them in document order) and returns every
 * pair of documents that share a key, each pair once, sorted by (a, b).  A
 * bucket of more than max_bucket documents yields only pairs that connect its
 * members (first-to-each and neighbours), not all of them: use SIZE_MAX where
 * every pair is wanted.  *pairs is malloc'ed (caller frees).
 * Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_lsh_candidates(nd_band_rec *recs, size_t nrec, size_t max_bucket, nd_pair **pairs,
                      size_t *npairs);

/* The bucket pairs of recs (sorted by key first, stably), appended to *pairs
 * (n used, cap allocated) without removing duplicates: for callers that band
 * one band at a time and call nd_pairs_unique once at the end. */
int nd_lsh_append_candidates(nd_band_rec *recs, size_t nrec, size_t max_bucket, nd_pair **pairs,
                             size_t *n, size_t *cap);

/* Sorts pairs by (a, b) and removes duplicates; returns the new count. */
size_t nd_pairs_unique(nd_pair *p, size_t n);

#endif
