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

size_t nd_shingle(const uint64_t *tok, size_t ntok, unsigned n, uint64_t seed, uint64_t *out)
{
    size_t m = nd_shingle_count(ntok, n);
    if (m == 0) return 0;
    size_t width = ntok < n ? ntok : n; /* a short text is one shingle of all its tokens */
    for (size_t i = 0; i < m; i++) out[i] = XXH3_64bits_withSeed(tok + i, width * sizeof *tok, seed);
    return m;
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
