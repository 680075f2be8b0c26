/* shingle.c - word n-gram hashes from token hashes, and small set algebra on
 * sorted hash arrays.
 *
 * Each n-gram hash is XXH3 over its n 64-bit token hashes as they lie in
 * memory (little-endian on every machine we build for): one short hash per
 * shingle, no string built per n-gram.
 */
#define XXH_INLINE_ALL /* short keys: inlining XXH3 halves the per-token cost */
#include <xxhash.h>

#include "nd.h"

size_t nd_shingle_count(size_t ntok, unsigned n)
{
    if (ntok == 0 || n == 0) return 0;
    return ntok < n ? 1 : ntok - n + 1;
}

/* XXH3 over 40 bytes (5 token hashes), 8 shingles at a time with AVX-512:
 * XXH3_len_17to128_64b with len = 40 is four 64 x 64 -> 128-bit products
 * folded to 64 bits (XXH3_mix16B) and an avalanche.  AVX-512 has no
 * 128-bit product; it is built from four 32 x 32 -> 64 ones (vpmuludq).
 * Compiled for AVX-512F/DQ/BW/VL with a target attribute and used only when the
 * CPU has them; a test checks it against the library on random input. */
#include "xxh3_avx512.h"

#ifdef ND_HAVE_XXH3_AVX512
/* out[i] for i in [0, m - m % 8); returns how many it wrote. */
ND_AVX512_TARGET static size_t shingle5_avx512(const uint64_t *tok, size_t m,
                                                                        uint64_t seed, uint64_t *out)
{
    __m512i key[8];
    for (int q = 0; q < 8; q++) /* XXH3_mix16B: secret + seed, secret - seed */
        key[q] = _mm512_set1_epi64((long long)(XXH_readLE64(XXH3_kSecret + 8 * q) + (q & 1 ? 0 - seed : seed)));
    const __m512i acc0 = _mm512_set1_epi64((long long)(40 * XXH_PRIME64_1));
    size_t i = 0;
    for (; i + 8 <= m; i += 8) {
        __m512i t0 = _mm512_loadu_si512((const void *)(tok + i)), t1 = _mm512_loadu_si512((const void *)(tok + i + 1)),
                t2 = _mm512_loadu_si512((const void *)(tok + i + 2)), t3 = _mm512_loadu_si512((const void *)(tok + i + 3)),
                t4 = _mm512_loadu_si512((const void *)(tok + i + 4));
        /* input bytes 0, 24, 16, 8 with secret bytes 0, 16, 32, 48 */
        __m512i acc = _mm512_add_epi64(
            _mm512_add_epi64(acc0, nd_fold128_avx512(_mm512_xor_si512(t0, key[0]), _mm512_xor_si512(t1, key[1]))),
            _mm512_add_epi64(nd_fold128_avx512(_mm512_xor_si512(t3, key[2]), _mm512_xor_si512(t4, key[3])),
                             _mm512_add_epi64(nd_fold128_avx512(_mm512_xor_si512(t2, key[4]), _mm512_xor_si512(t3, key[5])),
                                              nd_fold128_avx512(_mm512_xor_si512(t1, key[6]), _mm512_xor_si512(t2, key[7])))));
        _mm512_storeu_si512((void *)(out + i), nd_xxh3_avalanche_avx512(acc));
    }
    return i;
}
#endif

size_t nd_shingle_simd(const uint64_t *tok, size_t ntok, unsigned n, uint64_t seed, uint64_t *out, int level)
{
    size_t m = nd_shingle_count(ntok, n);
    if (m == 0) return 0;
    size_t width = ntok < n ? ntok : n; /* a short text is one shingle of all its tokens */
    size_t i = 0;
#ifdef ND_HAVE_XXH3_AVX512
    if (width == 5 && m >= 8 && level >= ND_SIMD_AVX512 && nd_cpu_avx512())
        i = shingle5_avx512(tok, m, seed, out);
#endif
    for (; i < m; i++) out[i] = XXH3_64bits_withSeed(tok + i, width * sizeof *tok, seed);
    return m;
}

size_t nd_shingle(const uint64_t *tok, size_t ntok, unsigned n, uint64_t seed, uint64_t *out)
{
    return nd_shingle_simd(tok, ntok, n, seed, out, ND_SIMD_AVX512);
}

static void sift_down(uint64_t *h, size_t root, size_t end)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= end) return;
        if (child + 1 < end && h[child] < h[child + 1]) child++;
        if (h[root] >= h[child]) return;
        uint64_t t = h[root];
        h[root] = h[child];
        h[child] = t;
        root = child;
    }
}

size_t nd_hash_set(uint64_t *h, size_t n)
{
    if (n < 2) return n;
    if (nd_sort_u64(h, n) != NEARDUP_OK) {
        /* No memory for the radix sort's buffer: an in-place heap sort
         * still gives the set, only slower. */
        for (size_t start = n / 2; start-- > 0;) sift_down(h, start, n);
        for (size_t end = n - 1; end > 0; end--) {
            uint64_t t = h[0];
            h[0] = h[end];
            h[end] = t;
            sift_down(h, 0, end);
        }
    }
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (h[i] != h[w - 1]) h[w++] = h[i];
    return w;
}

size_t nd_set_intersection(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, c = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) i++;
        else if (a[i] > b[j]) j++;
        else { c++; i++; j++; }
    }
    return c;
}

double nd_set_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    if (na == 0 && nb == 0) return 0.0;
    size_t inter = nd_set_intersection(a, na, b, nb);
    return (double)inter / (double)(na + nb - inter);
}
