/* shingle.h - token hashes -> word n-gram hashes, and hash sets (shingle.c). */
#ifndef ND_SHINGLE_H
#define ND_SHINGLE_H

#include "nd.h"

/* Word n-gram hashes: out[i] = XXH3_64bits_withSeed(&tok[i], n * 8, seed) for
 * i in [0, ntok - n]; a text of 1..n-1 tokens gives one shingle over all its
 * tokens, an empty text none.  out must hold nd_shingle_count(ntok, n)
 * entries.  Returns the number written.  Duplicates are kept (sets are formed
 * by the consumers that need them). */
size_t nd_shingle_count(size_t ntok, unsigned n);
size_t nd_shingle(const uint64_t *tok, size_t ntok, unsigned n, uint64_t seed, uint64_t *out);
/* nd_shingle with the AVX-512 path (5-grams, CPUs with AVX-512F/DQ) only when
 * level >= ND_SIMD_AVX512 (see nd_tokenizer_simd); the same hashes. */
size_t nd_shingle_simd(const uint64_t *tok, size_t ntok, unsigned n, uint64_t seed, uint64_t *out, int level);

/* Sorts and uniques a hash array in place; returns the new length. */
size_t nd_hash_set(uint64_t *h, size_t n);

/* |A n B| / |A u B| of two sorted unique hash arrays (0 when both empty). */
double nd_set_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);
/* |A n B| of two sorted unique hash arrays. */
size_t nd_set_intersection(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

#endif
