/* lsh.c - banding of MinHash signatures into candidate pairs.
 *
 * Buckets are runs of equal keys in one sorted array of (band key, doc)
 * records: no pointer-heavy map, trivially spilled or partitioned. */
#include <math.h>
#include <stdlib.h>
#define XXH_INLINE_ALL /* one short hash a band: inlined, a third of the cost */
#include <xxhash.h>

#include "nd.h"

/* Probability that a pair of Jaccard s shares at least one of b bands of r rows. */
static double p_candidate(double s, unsigned b, unsigned r)
{
    return 1.0 - pow(1.0 - pow(s, r), b);
}

/* Simpson's rule, 64 intervals: the integrands are smooth polynomials. */
static double integrate(int want_fp, double lo, double hi, unsigned b, unsigned r)
{
    const int n = 64;
    double h = (hi - lo) / n, sum = 0;
    for (int i = 0; i <= n; i++) {
        double s = lo + i * h, p = p_candidate(s, b, r);
        double f = want_fp ? p : 1.0 - p;
        sum += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
    }
    return sum * h / 3;
}

/* Chooses (b, r), b * r <= k, minimising
 *     w_fp * FP(b, r) + w_fn * FN(b, r),
 *     FP = integral_0^t  1 - (1 - s^r)^b  ds   (pairs below t that collide)
 *     FN = integral_t^1  (1 - s^r)^b      ds   (pairs above t that never collide)
 * as datasketch does.  Every candidate is verified against t afterwards, so a
 * false positive costs only time while a false negative is a lost pair:
 * false negatives weigh 0.85 against 0.15: P(candidate) >= 0.98 at J = t + 0.1
 * for every t, at the price of more candidates to verify. */
void nd_lsh_params(double t, unsigned k, unsigned *bands, unsigned *rows)
{
    const double w_fp = 0.15, w_fn = 0.85;
    double best = INFINITY;
    *bands = 1;
    *rows = k;
    for (unsigned b = 1; b <= k; b++) {
        for (unsigned r = 1; b * r <= k; r++) {
            double e = w_fp * integrate(1, 0, t, b, r) + w_fn * integrate(0, t, 1, b, r);
            if (e < best - 1e-12) {
                best = e;
                *bands = b;
                *rows = r;
            }
        }
    }
}

double nd_lsh_p_candidate(double s, unsigned bands, unsigned rows) { return p_candidate(s, bands, rows); }

void nd_lsh_rates(double t, unsigned bands, unsigned rows, double *fn, double *fp)
{
    *fn = t < 1 ? integrate(0, t, 1, bands, rows) / (1 - t) : 0;
    *fp = t > 0 ? integrate(1, 0, t, bands, rows) / t : 0;
}

static inline uint64_t band_key(const uint32_t *sig, unsigned b, unsigned rows, uint64_t seed)
{
    return XXH3_64bits_withSeed(sig + (size_t)b * rows, rows * sizeof *sig, seed + b);
}

nd_band_rec nd_lsh_band_record(const uint32_t *sig, unsigned b, unsigned rows, uint64_t seed,
                               uint32_t doc)
{
    return (nd_band_rec){band_key(sig, b, rows, seed), doc, 0};
}

void nd_lsh_band_keys(const uint32_t *sig, unsigned bands, unsigned rows, uint64_t seed, uint64_t *key)
{
    for (unsigned b = 0; b < bands; b++) key[b] = band_key(sig, b, rows, seed);
}

void nd_lsh_band_records(const uint32_t *sig, unsigned bands, unsigned rows, uint64_t seed,
                         uint32_t doc, nd_band_rec *out)
{
    for (unsigned b = 0; b < bands; b++) out[b] = nd_lsh_band_record(sig, b, rows, seed, doc);
}

static int push_pair(nd_pair **p, size_t *n, size_t *cap, uint32_t a, uint32_t b)
{
    if (nd_grow((void **)p, cap, *n + 1, sizeof **p)) return -1;
    (*p)[(*n)++] = a < b ? (nd_pair){a, b} : (nd_pair){b, a};
    return 0;
}

/* Emits the pairs of one bucket.  A bucket larger than max_bucket (a mass of
 * identical or boilerplate documents) would emit a quadratic number of pairs;
 * there, each member is paired with the bucket's first member and its
 * predecessor only, which keeps every member connected for clustering. */
static int bucket_pairs(const nd_band_rec *r, size_t m, size_t max_bucket, nd_pair **p,
                        size_t *n, size_t *cap)
{
    if (m <= max_bucket) {
        for (size_t i = 0; i < m; i++)
            for (size_t j = i + 1; j < m; j++)
                if (r[i].doc != r[j].doc && push_pair(p, n, cap, r[i].doc, r[j].doc)) return -1;
        return 0;
    }
    for (size_t j = 1; j < m; j++) {
        if (r[0].doc != r[j].doc && push_pair(p, n, cap, r[0].doc, r[j].doc)) return -1;
        if (j > 1 && r[j - 1].doc != r[j].doc && push_pair(p, n, cap, r[j - 1].doc, r[j].doc))
            return -1;
    }
    return 0;
}

int nd_lsh_append_candidates(nd_band_rec *recs, size_t nrec, size_t max_bucket, nd_pair **pairs,
                             size_t *n, size_t *cap)
{
    if (nd_sort_band_recs(recs, nrec)) return NEARDUP_E_NOMEM;
    for (size_t i = 0; i < nrec;) {
        size_t j = i + 1;
        while (j < nrec && recs[j].key == recs[i].key) j++;
        if (j - i > 1 && bucket_pairs(recs + i, j - i, max_bucket, pairs, n, cap)) return NEARDUP_E_NOMEM;
        i = j;
    }
    return NEARDUP_OK;
}

int nd_lsh_candidates(nd_band_rec *recs, size_t nrec, size_t max_bucket, nd_pair **pairs,
                      size_t *npairs)
{
    nd_pair *p = NULL;
    size_t n = 0, cap = 0;
    *pairs = NULL;
    *npairs = 0;
    if (nd_lsh_append_candidates(recs, nrec, max_bucket, &p, &n, &cap)) {
        free(p);
        return NEARDUP_E_NOMEM;
    }
    *pairs = p;
    *npairs = nd_pairs_unique(p, n);
    return NEARDUP_OK;
}

static int cmp_pair(const void *x, const void *y)
{
    const nd_pair *a = x, *b = y;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

/* Pairs sort as one uint64 (a << 32 | b), so the radix sort applies. */
size_t nd_pairs_unique(nd_pair *p, size_t n)
{
    if (n == 0) return 0;
    uint64_t *k = malloc(n * sizeof *k);
    if (k) {
        for (size_t i = 0; i < n; i++) k[i] = (uint64_t)p[i].a << 32 | p[i].b;
        if (nd_sort_u64(k, n) == NEARDUP_OK) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (m == 0 || k[i] != k[m - 1]) k[m++] = k[i];
            for (size_t i = 0; i < m; i++) p[i] = (nd_pair){(uint32_t)(k[i] >> 32), (uint32_t)k[i]};
            free(k);
            return m;
        }
        free(k);
    }
    /* Out of memory for the keys: fall back to an in-place sort. */
    qsort(p, n, sizeof *p, cmp_pair);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || p[i].a != p[m - 1].a || p[i].b != p[m - 1].b) p[m++] = p[i];
    return m;
}
