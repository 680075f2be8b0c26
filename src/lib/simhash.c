/* simhash.c - 64-bit SimHash fingerprints (Charikar 2002) and the pairs
 * within Hamming distance D, found with permuted tables (Manku, Jain and
 * Das Sarma, WWW 2007), never by comparing all pairs.
 *
 * Tables: the 64 bits are cut into D + 2 blocks.  Two fingerprints at most D
 * bits apart differ in at most D blocks, so they agree exactly on at least
 * two blocks (pigeonhole).  Each of the C(D + 2, 2) tables keys every
 * fingerprint by one pair of blocks; fingerprints sharing a key are compared
 * (popcount of the xor).  Keys of two blocks hold about 128 / (D + 2) bits,
 * so buckets stay small even for millions of documents. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"

uint64_t nd_simhash(const uint64_t *shingles, size_t m, uint64_t seed)
{
    /* Every shingle occurrence votes once per bit, so a shingle's weight is
     * its count in the document. */
    int32_t v[64] = {0};
    for (size_t i = 0; i < m; i++) {
        uint64_t h = nd_fmix64(shingles[i] ^ seed);
        for (int b = 0; b < 64; b++) v[b] += (int32_t)((h >> b) & 1) * 2 - 1;
    }
    uint64_t fp = 0;
    for (int b = 0; b < 64; b++)
        if (v[b] > 0) fp |= UINT64_C(1) << b;
    return fp;
}

/* Bits [lo, hi) of x, moved down. */
static inline uint64_t bits(uint64_t x, unsigned lo, unsigned hi)
{
    uint64_t mask = hi - lo >= 64 ? ~UINT64_C(0) : ((UINT64_C(1) << (hi - lo)) - 1);
    return (x >> lo) & mask;
}

int nd_simhash_pairs(const uint64_t *fp, const uint8_t *live, size_t n, unsigned d, nd_pair **out,
                     size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (d > 16) d = 16;
    unsigned nb = d + 2, edge[19];
    for (unsigned i = 0; i <= nb; i++) edge[i] = 64 * i / nb;
    size_t nlive = 0;
    for (size_t i = 0; i < n; i++) nlive += live[i] != 0;
    nd_band_rec *r = malloc((nlive ? nlive : 1) * sizeof *r);
    nd_pair *p = NULL;
    size_t np = 0, cap = 0;
    if (!r) return NEARDUP_E_NOMEM;
    for (unsigned x = 0; x < nb; x++)
        for (unsigned y = x + 1; y < nb; y++) {
            size_t m = 0;
            unsigned wy = edge[y + 1] - edge[y];
            for (size_t i = 0; i < n; i++) {
                if (!live[i]) continue;
                uint64_t key = bits(fp[i], edge[x], edge[x + 1]) << wy | bits(fp[i], edge[y], edge[y + 1]);
                r[m++] = (nd_band_rec){key, (uint32_t)i, 0};
            }
            if (nd_sort_band_recs(r, m)) goto nomem;
            for (size_t i = 0; i < m;) {
                size_t j = i + 1;
                while (j < m && r[j].key == r[i].key) j++;
                for (size_t a = i; a < j; a++)
                    for (size_t b = a + 1; b < j; b++) {
                        if (__builtin_popcountll(fp[r[a].doc] ^ fp[r[b].doc]) > (int)d) continue;
                        if (nd_grow((void **)&p, &cap, np + 1, sizeof *p)) goto nomem;
                        p[np++] = (nd_pair){r[a].doc, r[b].doc}; /* stable sort: a < b */
                    }
                i = j;
            }
        }
    free(r);
    *nout = nd_pairs_unique(p, np);
    *out = p;
    return NEARDUP_OK;
nomem:
    free(r);
    free(p);
    return NEARDUP_E_NOMEM;
}

double nd_simhash_distance_for(double j)
{
    if (j <= 0) return 32; /* unrelated: half the bits */
    double c = 2 * j / (1 + j);
    return 64 * acos(c > 1 ? 1 : c) / 3.14159265358979323846;
}
