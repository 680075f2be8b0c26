/* simhash.h - SimHash fingerprints (simhash.c) and exact-duplicate digests (exact.c). */
#ifndef ND_SIMHASH_H
#define ND_SIMHASH_H

#include "nd.h"
#include "tokenize.h"
#include "lsh.h"

/* Charikar SimHash of a document's shingles (with repeats: a shingle weighs
 * its count). */
uint64_t nd_simhash(const uint64_t *shingles, size_t m, uint64_t seed);
/* The expected Hamming distance of the 64-bit SimHashes of two documents of
 * Jaccard j (of equal size, shingles counted once): a bit differs with
 * probability angle / pi (Charikar 2002), and the sets' cosine is
 * 2j / (1 + j), so 64 arccos(2j / (1 + j)) / pi. */
double nd_simhash_distance_for(double j);

/* Every pair of live documents whose fingerprints are at most d bits apart,
 * by permuted tables (never all pairs); sorted by (a, b), each once. */
int nd_simhash_pairs(const uint64_t *fp, const uint8_t *live, size_t n, unsigned d, nd_pair **out,
                     size_t *nout);

#define ND_DIGEST_BYTES 16

/* XXH3-128 of the token hash stream: equal for documents whose
 * normalised words are equal. */
void nd_digest_tokens(const nd_tokens *t, uint8_t out[ND_DIGEST_BYTES]);

/* rep[i] = the first live document (input order) with i's digest, or i.
 * Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_exact_groups(const uint8_t *digest, const uint8_t *live, size_t n, uint32_t *rep);

#endif
