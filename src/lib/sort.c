/* sort.c - stable sorts of the plain arrays the pipeline sorts.
 *
 * Band records and pair lists run to millions of entries, with hash keys.  One
 * stable counting pass on the top bits spreads them into buckets of a few
 * keys, each finished by insertion sort; a bucket that grows large (keys that
 * are not uniform) is finished by a byte-wise LSD radix sort, so the worst
 * case stays linear.  Stable: records with equal keys keep their document
 * order, which makes candidate output deterministic.  Several times faster
 * than qsort's comparison callbacks, and than an LSD sort of every byte. */
#include <stdlib.h>
#include <string.h>

#include "lsh.h"
#include "nd.h"

/* Counts the 8 byte histograms of the keys in one sweep. */
static void histograms(const void *base, size_t n, size_t stride, size_t (*cnt)[256])
{
    memset(cnt, 0, 8 * sizeof cnt[0]);
    const unsigned char *p = base;
    for (size_t i = 0; i < n; i++, p += stride) {
        uint64_t k;
        memcpy(&k, p, 8);
        for (int b = 0; b < 8; b++) cnt[b][(k >> (8 * b)) & 0xff]++;
    }
}

/* Sorts n records of `stride` bytes whose first 8 bytes are a uint64 key.
 * tmp must hold n records.  Returns where the sorted data ended up. */
static void *radix_sort(void *a, void *tmp, size_t n, size_t stride)
{
    size_t cnt[8][256];
    histograms(a, n, stride, cnt);
    unsigned char *src = a, *dst = tmp;
    for (int b = 0; b < 8; b++) {
        if (n == 0 || cnt[b][0] == n) continue; /* all keys share this byte */
        size_t pos[256], sum = 0;
        int constant = 0;
        for (int v = 0; v < 256; v++) {
            pos[v] = sum;
            sum += cnt[b][v];
            if (cnt[b][v] == n) constant = 1;
        }
        if (constant) continue;
        const unsigned char *p = src;
        for (size_t i = 0; i < n; i++, p += stride) {
            uint64_t k;
            memcpy(&k, p, 8);
            memcpy(dst + stride * pos[(k >> (8 * b)) & 0xff]++, p, stride);
        }
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* Bits of the first bucketing pass: about 8 keys a bucket, 256 to 1M buckets. */
static unsigned bucket_bits(size_t n)
{
    unsigned bits = 8;
    while (bits < 20 && ((size_t)1 << (bits + 3)) < n) bits++;
    return bits;
}

static void insertion_sort_u64(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--) a[j] = a[j - 1];
        a[j] = x;
    }
}

/* LSD radix sort of plain uint64 values (direct stores, no memcpy per key). */
static void radix_u64(uint64_t *a, uint64_t *tmp, size_t n)
{
    size_t cnt[8][256];
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++) cnt[b][(a[i] >> (8 * b)) & 0xff]++;
    uint64_t *src = a, *dst = tmp;
    for (int b = 0; b < 8; b++) {
        if (cnt[b][(a[0] >> (8 * b)) & 0xff] == n) continue; /* constant byte */
        size_t pos[256], sum = 0;
        for (int v = 0; v < 256; v++) pos[v] = sum, sum += cnt[b][v];
        for (size_t i = 0; i < n; i++) dst[pos[(src[i] >> (8 * b)) & 0xff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
}

/* One stable pass on the top bits of the keys' used range (hash values are
 * uniform; pair keys a << 32 | b use only the low bits of a, so the top bits
 * are taken below the highest bit set in any key) into buckets of about 8
 * keys, each finished by insertion sort; a large bucket (keys that are not
 * uniform) is finished by the LSD sort, so the worst case stays O(n).  About
 * 3n steps instead of the 8 passes of a full LSD sort. */
int nd_sort_u64(uint64_t *a, size_t n)
{
    if (n < 64) {
        insertion_sort_u64(a, n);
        return NEARDUP_OK;
    }
    uint64_t any = 0;
    for (size_t i = 0; i < n; i++) any |= a[i];
    if (!any) return NEARDUP_OK; /* all zero */
    unsigned top = 63 - (unsigned)__builtin_clzll(any); /* every key < 2^(top + 1) */
    unsigned bits = bucket_bits(n);
    if (bits > top + 1) bits = top + 1;
    unsigned shift = top + 1 - bits;
    size_t nb = (size_t)1 << bits;
    uint64_t *tmp = malloc(n * sizeof *tmp);
    size_t *cnt = calloc(nb + 1, sizeof *cnt);
    if (!tmp || !cnt) {
        free(tmp);
        free(cnt);
        return NEARDUP_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) cnt[(a[i] >> shift) + 1]++;
    for (size_t v = 0; v < nb; v++) cnt[v + 1] += cnt[v];
    for (size_t i = 0; i < n; i++) tmp[cnt[a[i] >> shift]++] = a[i];
    /* cnt[v] is now the end of bucket v */
    for (size_t v = 0, lo = 0; v < nb; lo = cnt[v++]) {
        size_t m = cnt[v] - lo;
        if (m <= 32) insertion_sort_u64(tmp + lo, m);
        else radix_u64(tmp + lo, a + lo, m); /* a's slice is free scratch now */
    }
    memcpy(a, tmp, n * sizeof *a);
    free(tmp);
    free(cnt);
    return NEARDUP_OK;
}

static void insertion_sort_recs(nd_band_rec *a, size_t n)
{
    for (size_t i = 1; i < n; i++) { /* stable: only strictly greater keys move */
        nd_band_rec x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1].key > x.key; j--) a[j] = a[j - 1];
        a[j] = x;
    }
}

/* As nd_sort_u64: one stable pass on the top bits into buckets of about 8
 * records, each finished by insertion sort (stable) - or, when the keys are
 * not uniform and a bucket of distinct keys grows large, by the LSD sort.  A
 * bucket of equal keys (identical documents) costs insertion sort O(m): no
 * record moves.  Three sweeps over the data instead of the LSD sort's nine. */
int nd_sort_band_recs(nd_band_rec *a, size_t n)
{
    if (n < 64) { /* the aligner sorts many tiny arrays */
        insertion_sort_recs(a, n);
        return NEARDUP_OK;
    }
    unsigned bits = bucket_bits(n);
    size_t nb = (size_t)1 << bits;
    nd_band_rec *tmp = malloc(n * sizeof *tmp);
    size_t *cnt = calloc(nb + 1, sizeof *cnt);
    if (!tmp || !cnt) {
        free(tmp);
        free(cnt);
        return NEARDUP_E_NOMEM;
    }
    unsigned shift = 64 - bits;
    for (size_t i = 0; i < n; i++) cnt[(a[i].key >> shift) + 1]++;
    for (size_t v = 0; v < nb; v++) cnt[v + 1] += cnt[v];
    for (size_t i = 0; i < n; i++) tmp[cnt[a[i].key >> shift]++] = a[i];
    /* cnt[v] is now the end of bucket v */
    for (size_t v = 0, lo = 0; v < nb; lo = cnt[v++]) {
        size_t m = cnt[v] - lo;
        if (m < 2) continue;
        int equal = 1;
        for (size_t i = lo + 1; equal && i < cnt[v]; i++) equal = tmp[i].key == tmp[lo].key;
        if (equal) continue;
        if (m <= 48) {
            insertion_sort_recs(tmp + lo, m);
        } else { /* a's slice is free scratch now */
            void *r = radix_sort(tmp + lo, a + lo, m, sizeof *a);
            if (r != tmp + lo) memcpy(tmp + lo, r, m * sizeof *a);
        }
    }
    memcpy(a, tmp, n * sizeof *a);
    free(tmp);
    free(cnt);
    return NEARDUP_OK;
}

int nd_cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

int nd_cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}
