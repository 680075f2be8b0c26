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
#include <stdlib.h>
#include <string.h>

#include "nd.h"

#define ND_MAX_K 4096

/* The bin of a mixed hash: its top 32 bits scaled to [0, k) (Lemire's fast range). */
static inline unsigned bin_of(uint64_t x, unsigned k) { return (unsigned)(((x >> 32) * k) >> 32); }

/* The bin an empty bin borrows from on this attempt. */
static inline unsigned probe(uint64_t seed, unsigned bin, unsigned attempt, unsigned k)
{
    uint64_t x = nd_fmix64(seed ^ ((uint64_t)bin << 32 | attempt));
    return bin_of(x, k);
}

/* The key of lane b's densified values. */
static inline uint64_t lane_key(uint64_t lseed, unsigned b) { return nd_fmix64(lseed ^ b); }

/* The value of a lane that borrows from a bin whose minimum's whole mixed
 * hash is full.  Why not the bin's own 32-bit value, as the paper does: a
 * document with few shingles then has few distinct lanes (one shingle: 128
 * copies of one 32-bit value), so two unrelated short documents agreed on
 * every lane with probability 2^-32, and a million of them gave ~100 pairs
 * "at Jaccard 1.0".  A 64-bit hash per lane makes every lane's collision
 * independent; two lanes that borrow the same minimum still get equal
 * values, so Pr[lane equal] = J is unchanged and so is which lanes of two
 * signatures agree (all but chance 32-bit collisions). */
static inline uint32_t lane_value(uint64_t full, uint64_t key) { return (uint32_t)nd_fmix64(full ^ key); }

/* A shingle's mixed hash rotated so that ordering it orders the low 32 bits
 * first: the bin's minimum is the reference's (the smallest 32-bit value),
 * and the winner's whole hash comes with it. */
static inline uint64_t rot32(uint64_t x) { return x << 32 | x >> 32; }

static inline uint64_t densify_seed(uint64_t seed) { return nd_fmix64(seed ^ UINT64_C(0x64656e7369667921)); } /* "densify!" */
static inline uint64_t lanes_seed(uint64_t seed) { return nd_fmix64(seed ^ UINT64_C(0x6c616e6573212121)); }   /* "lanes!!!" */

/* The reference: the plain loop (a bit per bin marks it filled, one probe at
 * a time).  nd_minhash must give the same signature; a test checks it. */
void nd_minhash_ref(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig)
{
    uint64_t filled[ND_MAX_K / 64], full[ND_MAX_K];
    if (k > ND_MAX_K) k = ND_MAX_K;
    for (unsigned i = 0; i < k; i++) sig[i] = UINT32_MAX, full[i] = UINT64_MAX;
    if (m == 0) return;
    memset(filled, 0, (k + 63) / 64 * sizeof *filled);
    for (size_t i = 0; i < m; i++) {
        uint64_t x = nd_fmix64(shingles[i] ^ seed);
        unsigned bin = bin_of(x, k);
        if (rot32(x) < full[bin]) full[bin] = rot32(x);
        filled[bin >> 6] |= UINT64_C(1) << (bin & 63);
    }
    unsigned nfilled = 0;
    for (unsigned w = 0; w < (k + 63) / 64; w++) nfilled += (unsigned)__builtin_popcountll(filled[w]);
    for (unsigned i = 0; i < k; i++)
        if (filled[i >> 6] >> (i & 63) & 1) sig[i] = (uint32_t)(full[i] >> 32);
    if (nfilled == k) return;
    uint64_t dseed = densify_seed(seed), lseed = lanes_seed(seed);
    for (unsigned i = 0; i < k; i++) {
        if (filled[i >> 6] >> (i & 63) & 1) continue;
        /* Terminates: at least one bin is filled; expected k / nfilled probes. */
        for (unsigned attempt = 0;; attempt++) {
            unsigned j = probe(dseed, i, attempt, k);
            if (filled[j >> 6] >> (j & 63) & 1) {
                sig[i] = lane_value(full[j], lane_key(lseed, i));
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

/* ---------- the densification table ---------- */

/* Bins up to which a minhasher keeps a table: k x k entries of 2 bytes. */
#define ND_TABLE_MAX_K 256
#define ND_FIRST_NONE UINT16_MAX

struct nd_minhasher {
    unsigned k;
    uint64_t seed;
    /* first[b * k + j]: the first attempt at which empty bin b's probe
     * sequence reaches bin j (ND_FIRST_NONE: not within 65,534 attempts).
     * The bin b borrows from is the filled j with the smallest first[b][j],
     * which costs one look-up per filled bin instead of k / nfilled probes
     * (a 5-word document: 127 x 128 probes, 95% of its sketching time). */
    uint16_t *first;
    uint64_t *lkey; /* lane_key(lanes_seed(seed), b) for every lane b */
};

nd_minhasher *nd_minhasher_new(unsigned k, uint64_t seed)
{
    if (k > ND_MAX_K) k = ND_MAX_K;
    nd_minhasher *mh = calloc(1, sizeof *mh);
    if (!mh) return NULL;
    mh->k = k;
    mh->seed = seed;
    if (!(mh->lkey = malloc(k * sizeof *mh->lkey))) {
        free(mh);
        return NULL;
    }
    uint64_t lseed = lanes_seed(seed);
    for (unsigned b = 0; b < k; b++) mh->lkey[b] = lane_key(lseed, b);
    if (k < 2 || k > ND_TABLE_MAX_K) return mh; /* no table: probing alone */
    if (!(mh->first = malloc((size_t)k * k * sizeof *mh->first))) {
        nd_minhasher_free(mh);
        return NULL;
    }
    uint64_t dseed = densify_seed(seed);
    for (unsigned b = 0; b < k; b++) {
        uint16_t *row = mh->first + (size_t)b * k;
        for (unsigned j = 0; j < k; j++) row[j] = ND_FIRST_NONE;
        /* a coupon collector: about k ln k attempts see every bin */
        unsigned seen = 0;
        for (unsigned a = 0; a < ND_FIRST_NONE && seen < k; a++) {
            unsigned j = probe(dseed, b, a, k);
            if (row[j] == ND_FIRST_NONE) row[j] = (uint16_t)a, seen++;
        }
    }
    return mh;
}

void nd_minhasher_free(nd_minhasher *mh)
{
    if (!mh) return;
    free(mh->first);
    free(mh->lkey);
    free(mh);
}

/* The same signature as nd_minhash_ref, faster:
 * - no filled bit set per shingle (a read-modify-write of one of k / 64
 *   words: a chain through memory from shingle to shingle).  A bin is filled
 *   when its minimum is below UINT32_MAX; only a shingle whose value is
 *   UINT32_MAX itself (2^-32 a shingle) makes that ambiguous, and then a
 *   second pass marks the bins exactly.
 * - two half-signatures, even and odd shingles, merged at the end, so that
 *   two shingles in flight rarely update the same lane (short documents: one);
 * - densification: with a table and few filled bins, each empty bin takes
 *   the filled bin its probe sequence reaches first, read from the table;
 *   otherwise every bin still empty takes its next probe, in rounds, without
 *   a branch on the outcome (the reference's probe loop was a chain of
 *   dependent multiplies with an unpredictable branch after each); each bin
 *   takes the first filled bin of its probe sequence, exactly as the
 *   reference. */
static void minhash(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, const uint16_t *first,
                    const uint64_t *lkey, uint32_t *sig)
{
    uint64_t filled[ND_MAX_K / 64];
    uint64_t full[ND_MAX_K], odd[ND_MAX_K];
    if (k > ND_MAX_K) k = ND_MAX_K;
    if (m == 0) {
        for (unsigned i = 0; i < k; i++) sig[i] = UINT32_MAX;
        return;
    }
    /* No branch on the comparison: which shingle wins a bin is random, so a
     * branch there mispredicted often enough to cost a third of the loop. */
    uint32_t top = 0; /* nonzero when some shingle's value is UINT32_MAX */
    size_t i = 0;
    for (unsigned b = 0; b < k; b++) full[b] = UINT64_MAX;
    if (m >= 32) {
        for (unsigned b = 0; b < k; b++) odd[b] = UINT64_MAX;
        for (; i + 2 <= m; i += 2) {
            uint64_t x = nd_fmix64(shingles[i] ^ seed), y = nd_fmix64(shingles[i + 1] ^ seed);
            unsigned bx = bin_of(x, k), by = bin_of(y, k);
            uint64_t vx = rot32(x), vy = rot32(y), ox = full[bx], oy = odd[by];
            full[bx] = vx < ox ? vx : ox;
            odd[by] = vy < oy ? vy : oy;
            top |= (uint32_t)((uint32_t)x == UINT32_MAX) | (uint32_t)((uint32_t)y == UINT32_MAX);
        }
        for (unsigned b = 0; b < k; b++) full[b] = odd[b] < full[b] ? odd[b] : full[b];
    }
    for (; i < m; i++) {
        uint64_t x = nd_fmix64(shingles[i] ^ seed);
        unsigned bx = bin_of(x, k);
        uint64_t vx = rot32(x), ox = full[bx];
        full[bx] = vx < ox ? vx : ox;
        top |= (uint32_t)((uint32_t)x == UINT32_MAX);
    }
    unsigned nw = (k + 63) / 64, nfilled = 0;
    for (unsigned b = 0; b < k; b++) sig[b] = (uint32_t)(full[b] >> 32);
    filled_bits(sig, k, filled);
    if (__builtin_expect(top != 0, 0))
        for (size_t s = 0; s < m; s++) {
            uint64_t x = nd_fmix64(shingles[s] ^ seed);
            unsigned bin = bin_of(x, k);
            filled[bin >> 6] |= UINT64_C(1) << (bin & 63);
        }
    for (unsigned w = 0; w < nw; w++) nfilled += (unsigned)__builtin_popcountll(filled[w]);
    if (nfilled == k) return;
    uint16_t pend[ND_MAX_K], src[ND_MAX_K], fill[ND_MAX_K];
    unsigned n = 0, nf = 0;
    for (unsigned w = 0; w < nw; w++) {
        uint64_t empty = ~filled[w];
        if (w == nw - 1 && k % 64) empty &= (UINT64_C(1) << (k % 64)) - 1;
        for (; empty; empty &= empty - 1) pend[n++] = (uint16_t)(64 * w + (unsigned)__builtin_ctzll(empty));
    }
    if (nfilled == 1 || (first && nfilled * nfilled <= 8 * k)) /* the filled bins, for the two cases below */
        for (unsigned w = 0; w < nw; w++)
            for (uint64_t f = filled[w]; f; f &= f - 1) fill[nf++] = (uint16_t)(64 * w + (unsigned)__builtin_ctzll(f));
    if (nfilled == 1) { /* every probe sequence ends at the one filled bin */
        for (unsigned t = 0; t < n; t++) src[pend[t]] = fill[0];
        n = 0;
    } else if (nf) {
        /* one look-up a filled bin beats k / nfilled probes */
        unsigned left = 0;
        for (unsigned t = 0; t < n; t++) {
            const uint16_t *row = first + (size_t)pend[t] * k;
            unsigned best = ND_FIRST_NONE, at = fill[0];
            for (unsigned q = 0; q < nf; q++) {
                unsigned a = row[fill[q]];
                at = a < best ? fill[q] : at;
                best = a < best ? a : best;
            }
            src[pend[t]] = (uint16_t)at;
            pend[left] = pend[t];
            left += best == ND_FIRST_NONE; /* not within the table: probe it */
        }
        n = left;
    }
    /* Rounds: round a probes every bin still empty once (attempt a), so that
     * the probes of different bins are independent and there is no branch
     * on their outcome; about k / nfilled rounds. */
    uint64_t dseed = densify_seed(seed);
    /* Terminates: at least one bin is filled; expected k / nfilled probes. */
    for (unsigned attempt = 0; n; attempt++) {
        unsigned left = 0;
        for (unsigned t = 0; t < n; t++) {
            unsigned b = pend[t], j = probe(dseed, b, attempt, k);
            unsigned hit = (unsigned)(filled[j >> 6] >> (j & 63) & 1);
            src[b] = (uint16_t)j; /* the last write, in the round of the hit, stays */
            pend[left] = (uint16_t)b;
            left += hit ^ 1;
        }
        n = left;
    }
    /* pend[] was consumed; the empty bins are the unfilled bits again */
    uint64_t lseed = lanes_seed(seed);
    for (unsigned w = 0; w < nw; w++) {
        uint64_t empty = ~filled[w];
        if (w == nw - 1 && k % 64) empty &= (UINT64_C(1) << (k % 64)) - 1;
        for (; empty; empty &= empty - 1) {
            unsigned b = 64 * w + (unsigned)__builtin_ctzll(empty);
            sig[b] = lane_value(full[src[b]], lkey ? lkey[b] : lane_key(lseed, b));
        }
    }
}

void nd_minhash(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig)
{
    minhash(shingles, m, k, seed, NULL, NULL, sig);
}

void nd_minhash_sig(const nd_minhasher *mh, const uint64_t *shingles, size_t m, uint32_t *sig)
{
    minhash(shingles, m, mh->k, mh->seed, mh->first, mh->lkey, sig);
}

void nd_minhash_kperm(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig)
{
    uint64_t a[ND_MAX_K], b[ND_MAX_K];
    if (k > ND_MAX_K) k = ND_MAX_K;
    for (unsigned i = 0; i < k; i++) {
        a[i] = nd_fmix64(seed + 2 * i) | 1; /* odd multipliers: multiply-shift hashing */
        b[i] = nd_fmix64(seed + 2 * i + 1);
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
