/* minhash.h - n-gram hashes -> k-lane MinHash signatures (minhash.c). */
#ifndef ND_MINHASH_H
#define ND_MINHASH_H

#include "nd.h"

/* One-permutation MinHash with optimal densification (Shrivastava 2017):
 * one mixing step per shingle, k bins, an empty bin borrowing the minimum of
 * the first filled bin of a seeded probe sequence.  A filled bin's lane is
 * its minimum's 32-bit value; a borrowing lane is a 32-bit hash of that
 * minimum's whole 64-bit mixed hash and of the lane, so that every lane of a
 * short document carries bits of its own (see lane_value in minhash.c).
 * sig gets k 32-bit lanes.  m == 0 gives an all-ones signature; callers
 * treat documents without shingles as "empty". */
void nd_minhash(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig);

/* The same signatures faster for documents with few shingles: a handle that
 * holds the seed's densification table (k x k x 2 bytes for k <= 256, built
 * in about k^2 ln k probes: 0.1-1 ms), read-only once made, so threads may
 * share one.  NULL when out of memory.  nd_minhasher_free(NULL) is a no-op. */
typedef struct nd_minhasher nd_minhasher;
nd_minhasher *nd_minhasher_new(unsigned k, uint64_t seed);
void nd_minhasher_free(nd_minhasher *mh);
/* nd_minhash(shingles, m, k, seed, sig) with mh's k and seed. */
void nd_minhash_sig(const nd_minhasher *mh, const uint64_t *shingles, size_t m, uint32_t *sig);
/* The same signature by the plain loop (nd_minhash's reference, for tests). */
void nd_minhash_ref(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig);

/* Classic k-permutation MinHash (k multiply-add per shingle), kept for the
 * benchmarks and the unbiasedness test that compares the two. */
void nd_minhash_kperm(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig);

/* Fraction of equal lanes: an unbiased estimate of Jaccard. */
double nd_minhash_jaccard(const uint32_t *a, const uint32_t *b, unsigned k);

#endif
