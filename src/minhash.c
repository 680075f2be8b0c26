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

/* The bin of a mixed hash: its top 32 bits scaled to [0, k) (Lemire's fast range). */
static inline unsigned bin_of(uint64_t x, unsigned k) { return (unsigned)(((x >> 32) * k) >> 32); }

/* The bin an empty bin borrows from on this attempt. */
static inline unsigned probe(uint64_t seed, unsigned bin, unsigned attempt, unsigned k)
{
    uint64_t x = fmix64(seed ^ ((uint64_t)bin << 32 | attempt));
    return bin_of(x, k);
}

/* The reference: the plain loop (a bit per bin marks it filled, one probe at
 * a time).  nd_minhash must give the same signature; a test checks it. */
void nd_minhash_ref(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig)
{
    uint64_t filled[ND_MAX_K / 64];
    if (k > ND_MAX_K) k = ND_MAX_K;
    for (unsigned i = 0; i < k; i++) sig[i] = UINT32_MAX;
    if (m == 0) return;
    memset(filled, 0, (k + 63) / 64 * sizeof *filled);
    for (size_t i = 0; i < m; i++) {
        uint64_t x = fmix64(shingles[i] ^ seed);
        unsigned bin = bin_of(x, k);
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

/* filled[w] bit i = lane 64 w + i is below UINT32_MAX, for k lanes. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
static void filled_bits(const uint32_t *sig, unsigned k, uint64_t *filled)
{
    unsigned b = 0;
    for (unsigned w = 0; w < (k + 63) / 64; w++) filled[w] = 0;
#if defined(__SSE2__)
    /* 4 lanes a compare: the scalar loop cost as much as the shingles of a
     * short document */
    for (; b + 16 <= k; b += 16) {
        __m128i ones = _mm_set1_epi32(-1);
        unsigned bits = 0;
        for (unsigned q = 0; q < 4; q++) {
            __m128i eq = _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(sig + b + 4 * q)), ones);
            bits |= (unsigned)_mm_movemask_ps(_mm_castsi128_ps(eq)) << (4 * q);
        }
        filled[b >> 6] |= (uint64_t)(~bits & 0xffff) << (b & 63);
    }
#endif
    for (; b < k; b++) filled[b >> 6] |= (uint64_t)(sig[b] != UINT32_MAX) << (b & 63);
}

/* The same signature as nd_minhash_ref, faster:
 * - no filled bit set per shingle (a read-modify-write of one of k / 64
 *   words: a chain through memory from shingle to shingle).  A bin is filled
 *   when its minimum is below UINT32_MAX; only a shingle whose value is
 *   UINT32_MAX itself (2^-32 a shingle) makes that ambiguous, and then a
 *   second pass marks the bins exactly.
 * - two half-signatures, even and odd shingles, merged at the end, so that
 *   two shingles in flight rarely update the same lane;
 * - densification visits only the empty bins, in rounds: every bin still
 *   empty takes its next probe, without a branch on the outcome (the
 *   reference's probe loop was a chain of dependent multiplies with an
 *   unpredictable branch after each); each bin still takes the first filled
 *   bin of its probe sequence, exactly as the reference. */
void nd_minhash(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig)
{
    uint64_t filled[ND_MAX_K / 64];
    uint32_t odd[ND_MAX_K];
    if (k > ND_MAX_K) k = ND_MAX_K;
    for (unsigned i = 0; i < k; i++) sig[i] = odd[i] = UINT32_MAX;
    if (m == 0) return;
    /* No branch on the comparison: which shingle wins a bin is random, so a
     * branch there mispredicted often enough to cost a third of the loop. */
    uint32_t top = 0; /* nonzero when some shingle's value is UINT32_MAX */
    size_t i = 0;
    for (; i + 2 <= m; i += 2) {
        uint64_t x = fmix64(shingles[i] ^ seed), y = fmix64(shingles[i + 1] ^ seed);
        unsigned bx = bin_of(x, k), by = bin_of(y, k);
        uint32_t vx = (uint32_t)x, vy = (uint32_t)y, ox = sig[bx], oy = odd[by];
        sig[bx] = vx < ox ? vx : ox;
        odd[by] = vy < oy ? vy : oy;
        top |= (uint32_t)(vx == UINT32_MAX) | (uint32_t)(vy == UINT32_MAX);
    }
    if (i < m) {
        uint64_t x = fmix64(shingles[i] ^ seed);
        unsigned bx = bin_of(x, k);
        uint32_t vx = (uint32_t)x, ox = sig[bx];
        sig[bx] = vx < ox ? vx : ox;
        top |= (uint32_t)(vx == UINT32_MAX);
    }
    unsigned nw = (k + 63) / 64, nfilled = 0;
    for (unsigned b = 0; b < k; b++) sig[b] = odd[b] < sig[b] ? odd[b] : sig[b];
    filled_bits(sig, k, filled);
    if (__builtin_expect(top != 0, 0))
        for (size_t s = 0; s < m; s++) {
            uint64_t x = fmix64(shingles[s] ^ seed);
            unsigned bin = bin_of(x, k);
            filled[bin >> 6] |= UINT64_C(1) << (bin & 63);
        }
    for (unsigned w = 0; w < nw; w++) nfilled += (unsigned)__builtin_popcountll(filled[w]);
    if (nfilled == k) return;
    /* The empty bins, then rounds: round a probes every bin still empty once
     * (attempt a), so that the probes of different bins are independent and
     * there is no branch on their outcome; about k / nfilled rounds. */
    uint16_t pend[ND_MAX_K];
    unsigned n = 0;
    for (unsigned w = 0; w < nw; w++) {
        uint64_t empty = ~filled[w];
        if (w == nw - 1 && k % 64) empty &= (UINT64_C(1) << (k % 64)) - 1;
        for (; empty; empty &= empty - 1) pend[n++] = (uint16_t)(64 * w + (unsigned)__builtin_ctzll(empty));
    }
    uint64_t dseed = fmix64(seed ^ UINT64_C(0x64656e7369667921)); /* "densify!" */
    /* Terminates: at least one bin is filled; expected k / nfilled probes. */
    for (unsigned attempt = 0; n; attempt++) {
        unsigned left = 0;
        for (unsigned t = 0; t < n; t++) {
            unsigned b = pend[t], j = probe(dseed, b, attempt, k);
            unsigned hit = (unsigned)(filled[j >> 6] >> (j & 63) & 1);
            /* a filled bin's lane is final (only empty lanes are written) */
            uint32_t v = sig[j], old = sig[b];
            sig[b] = hit ? v : old;
            pend[left] = (uint16_t)b;
            left += hit ^ 1;
        }
        n = left;
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
