/* minhash.c - MinHash signatures.
 *
 * The default is one-permutation hashing (Li, Owen, Zhang 2012) with optimal
 * densification (Shrivastava, ICML 2017): each shingle is mixed once, the top
 * bits pick one of k bins and the low 32 bits compete for that bin's minimum.
 * Bins that no shingle reached borrow the value of a non-empty bin chosen by a
 * seeded probe sequence that depends only on (bin, attempt), so two documents
 * borrow from the same bins and Pr[lane equal] = Jaccard stays exact.  Cost:
 * one multiply-xorshift per shingle instead of k multiplies.
 *
 * The classic k-permutation scheme is kept for comparison (bench, tests). */
#include <string.h>

#include "nd.h"

#define ND_MAX_K 4096

/* The finaliser of MurmurHash3 (fmix64): a bijection on 64 bits, so distinct
 * shingles stay distinct and the seed re-randomises XXH3's output. */
static inline uint64_t fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

/* The bin an empty bin borrows from on this attempt. */
static inline unsigned probe(uint64_t seed, unsigned bin, unsigned attempt, unsigned k)
{
    uint64_t x = fmix64(seed ^ ((uint64_t)bin << 32 | attempt));
    return (unsigned)(((x >> 32) * k) >> 32);
}

void nd_minhash(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig)
{
    uint64_t filled[ND_MAX_K / 64];
    if (k > ND_MAX_K) k = ND_MAX_K;
    for (unsigned i = 0; i < k; i++) sig[i] = UINT32_MAX;
    if (m == 0) return;
    memset(filled, 0, (k + 63) / 64 * sizeof *filled);
    /* No branch on the comparison: which shingle wins a bin is random, so a
     * branch there mispredicted often enough to cost a third of the loop. */
    for (size_t i = 0; i < m; i++) {
        uint64_t x = fmix64(shingles[i] ^ seed);
        unsigned bin = (unsigned)(((x >> 32) * k) >> 32); /* Lemire's fast range */
        uint32_t v = (uint32_t)x, old = sig[bin];
        sig[bin] = v < old ? v : old;
        filled[bin >> 6] |= UINT64_C(1) << (bin & 63);
    }
    unsigned nfilled = 0;
    for (unsigned w = 0; w < (k + 63) / 64; w++) nfilled += (unsigned)__builtin_popcountll(filled[w]);
    if (nfilled == k) return;
    uint64_t dseed = fmix64(seed ^ UINT64_C(0x64656e7369667921)); /* "densify!" */
    for (unsigned i = 0; i < k; i++) {
        if (filled[i >> 6] >> (i & 63) & 1) continue;
        /* Terminates: at least one bin is filled; expected k / nfilled probes. */
        for (unsigned attempt = 0;; attempt++) {
            unsigned j = probe(dseed, i, attempt, k);
            if (filled[j >> 6] >> (j & 63) & 1) {
                sig[i] = sig[j];
                break;
            }
        }
    }
}

void nd_minhash_kperm(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig)
{
    uint64_t a[ND_MAX_K], b[ND_MAX_K];
    if (k > ND_MAX_K) k = ND_MAX_K;
    for (unsigned i = 0; i < k; i++) {
        a[i] = fmix64(seed + 2 * i) | 1; /* odd multipliers: multiply-shift hashing */
        b[i] = fmix64(seed + 2 * i + 1);
        sig[i] = UINT32_MAX;
    }
    for (size_t s = 0; s < m; s++) {
        uint64_t h = shingles[s];
        for (unsigned i = 0; i < k; i++) {
            uint32_t v = (uint32_t)((a[i] * h + b[i]) >> 32);
            if (v < sig[i]) sig[i] = v;
        }
    }
}

double nd_minhash_jaccard(const uint32_t *a, const uint32_t *b, unsigned k)
{
    unsigned eq = 0;
    for (unsigned i = 0; i < k; i++) eq += a[i] == b[i];
    return k ? (double)eq / k : 0.0;
}
