/* align_seeds.c - the seeds of an alignment: where two texts share a word k-gram.
 *
 * Each text's word k-grams (k = seed_len) are kept sorted by a 32-bit key,
 * then position (nd_kgrams, built once per text); the seeds of a pair are
 * every (a, b) with A[a, a+k) == B[b, b+k), found by merging the two sorted
 * lists: a branch-free two-way merge anywhere, and block merges of 8 or 16
 * keys (AVX2, AVX-512) where the CPU runs them.  A k-gram occurring more than
 * MAX_OCC times in either text is skipped (as minimap2 skips over-frequent
 * minimizers), which bounds the seeds by |A| * MAX_OCC: never quadratic, even
 * on "la la la".  align.c turns the seeds into segments, chains and passages. */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "align.h"
#include "align_internal.h"
#include "nd.h"
#include "tokenize.h"

#define MAX_OCC 32 /* a k-gram more frequent than this in either text seeds nothing */

size_t nd_kgram_count(size_t ntok, unsigned k) { return ntok >= k ? ntok - k + 1 : 0; }

size_t nd_kgram_bytes(size_t ntok, unsigned k)
{
    size_t n = nd_kgram_count(ntok, k);
    size_t bytes = n * sizeof(uint32_t) + n * (n <= ND_KGRAM_POS16_MAX ? sizeof(uint16_t) : sizeof(uint32_t));
    return (bytes + 3) & ~(size_t)3;
}

nd_kgrams nd_kgrams_view(void *mem, size_t ntok, unsigned k)
{
    size_t n = nd_kgram_count(ntok, k);
    uint32_t *key = mem;
    return n <= ND_KGRAM_POS16_MAX ? (nd_kgrams){key, (uint16_t *)(key + n), NULL, n}
                                   : (nd_kgrams){key, NULL, key + n, n};
}

int nd_kgrams_fill(const uint32_t *id, size_t ntok, unsigned k, void *mem, nd_kgrams *g)
{
    *g = nd_kgrams_view(mem, ntok, k);
    size_t n = g->n;
    if (n > UINT32_MAX) return NEARDUP_E_INPUT; /* positions are 32-bit (texts are < 4 GiB) */
    if (!n) return NEARDUP_OK;
    /* key above position in one number: one sort orders by key, then position */
    uint64_t *kp = malloc(n * sizeof *kp);
    if (!kp) return NEARDUP_E_NOMEM;
    for (size_t i = 0; i < n; i++) kp[i] = (XXH3_64bits(id + i, k * sizeof *id) & ~(uint64_t)UINT32_MAX) | i;
    if (nd_sort_u64(kp, n)) {
        free(kp);
        return NEARDUP_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) g->key[i] = (uint32_t)(kp[i] >> 32);
    if (g->pos16)
        for (size_t i = 0; i < n; i++) g->pos16[i] = (uint16_t)kp[i];
    else
        for (size_t i = 0; i < n; i++) g->pos32[i] = (uint32_t)kp[i];
    free(kp);
    return NEARDUP_OK;
}

uint32_t *nd_word_ids(const nd_tokens *t)
{
    uint32_t *id = malloc((t->n ? t->n : 1) * sizeof *id);
    if (id)
        for (size_t i = 0; i < t->n; i++) id[i] = nd_word_id(t->hash[i]);
    return id;
}

int nd_kgrams_make(const uint32_t *id, size_t ntok, unsigned k, nd_kgrams *g)
{
    memset(g, 0, sizeof *g);
    void *mem = malloc(nd_kgram_bytes(ntok, k) + 4);
    int rc = mem ? nd_kgrams_fill(id, ntok, k, mem, g) : NEARDUP_E_NOMEM;
    g->key = mem; /* set even for an empty text: it owns mem */
    if (rc) nd_kgrams_free(g);
    return rc;
}

void nd_kgrams_free(nd_kgrams *g)
{
    free(g->key);
    memset(g, 0, sizeof *g);
}

static inline uint32_t kgram_pos(const nd_kgrams *g, size_t i) { return g->pos16 ? g->pos16[i] : g->pos32[i]; }

/* Index of the first k-gram whose key is >= key. */
static size_t key_lower_bound(const nd_kgrams *g, uint32_t key)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->key[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The seeds of the run of equal keys at ga[*i] and gb[*j] (runs end by ie, je);
 * moves *i and *j past it.  Keys shared by more than MAX_OCC positions on a
 * side (repeated boilerplate within a text) seed nothing. */
static int emit_run(const nd_kgrams *ga, size_t *i, size_t ie, const nd_kgrams *gb, size_t *j, size_t je,
                    nd_align_seed **s, size_t *n, size_t *cap)
{
    uint32_t key = ga->key[*i];
    size_t i1 = *i, j1 = *j;
    while (i1 < ie && ga->key[i1] == key) i1++;
    while (j1 < je && gb->key[j1] == key) j1++;
    if (i1 - *i <= MAX_OCC && j1 - *j <= MAX_OCC) {
        if (nd_grow((void **)s, cap, *n + (i1 - *i) * (j1 - *j), sizeof **s)) return NEARDUP_E_NOMEM;
        for (size_t x = *i; x < i1; x++)
            for (size_t y = *j; y < j1; y++) (*s)[(*n)++] = (nd_align_seed){kgram_pos(ga, x), kgram_pos(gb, y)};
    }
    *i = i1;
    *j = j1;
    return NEARDUP_OK;
}

/* emit_run, with its common case inline: a k-gram found once in each text
 * (one seed, in the room nd_align_find_seeds reserved). */
static inline int take_run(const nd_kgrams *ga, size_t *i, size_t ie, const nd_kgrams *gb, size_t *j, size_t je,
                           nd_align_seed **s, size_t *n, size_t *cap)
{
    uint32_t key = ga->key[*i];
    if ((*i + 1 == ie || ga->key[*i + 1] != key) && (*j + 1 == je || gb->key[*j + 1] != key) && *n < *cap) {
        (*s)[(*n)++] = (nd_align_seed){kgram_pos(ga, *i), kgram_pos(gb, *j)};
        ++*i, ++*j;
        return NEARDUP_OK;
    }
    return emit_run(ga, i, ie, gb, j, je, s, n, cap);
}

/* Advances the plain merge of ga[*i..ie) and gb[*j..je) until *i reaches
 * stop_i or *j reaches stop_j (a run of equal keys is always taken whole, so
 * either may end past its stop).  Where the block merges land here, keys
 * match often (a shared passage's k-grams are spread over the whole key
 * range), so a match that is a k-gram once in each text costs no branch: its
 * seed is written every step and kept when the keys are equal.  Only a
 * repeated key (a run) branches off, to take_run. */
static int merge_until(const nd_kgrams *ga, size_t *i, size_t ie, const nd_kgrams *gb, size_t *j, size_t je,
                       size_t stop_i, size_t stop_j, nd_align_seed **s, size_t *n, size_t *cap)
{
    if (stop_i > ie) stop_i = ie;
    if (stop_j > je) stop_j = je;
    const uint32_t *ka = ga->key, *kb = gb->key;
    size_t x = *i, y = *j, m = *n;
    int rc = NEARDUP_OK;
    while (x < stop_i && y < stop_j) {
        uint32_t u = ka[x], v = kb[y];
        int eq = u == v;
        int run = eq & ((x + 1 < ie && ka[x + 1] == u) | (y + 1 < je && kb[y + 1] == v));
        if (run || m == *cap) {
            *n = m;
            if (eq) {
                rc = take_run(ga, &x, ie, gb, &y, je, s, n, cap);
                m = *n;
                if (rc) break;
                continue;
            }
            if (nd_grow((void **)s, cap, m + 1, sizeof **s)) {
                rc = NEARDUP_E_NOMEM;
                break;
            }
        }
        (*s)[m] = (nd_align_seed){kgram_pos(ga, x), kgram_pos(gb, y)};
        m += eq;
        x += u <= v;
        y += v <= u;
    }
    *i = x;
    *j = y;
    *n = m;
    return rc;
}

#define MERGE_WAYS 2

/* The portable merge.  Most k-grams of a pair differ and which side is
 * smaller is a coin toss, so the merge steps without branches; but each step
 * waits for the one before (the next load needs the last comparison), so the
 * key space is cut into MERGE_WAYS ranges (keys are uniform hashes) whose
 * merges advance side by side in one loop: two independent chains (5% less
 * CPU for all of overlap on news-40k; four ran out of registers and were
 * slower).  A run of equal keys never straddles a cut, and make_segments
 * orders the seeds afterwards, so the result is the plain merge's. */
static int seeds_portable(const nd_kgrams *ga, const nd_kgrams *gb, nd_align_seed **s, size_t *n, size_t *cap)
{
    int rc = NEARDUP_OK;
    size_t i[MERGE_WAYS], ie[MERGE_WAYS], j[MERGE_WAYS], je[MERGE_WAYS];
    const uint32_t *ka = ga->key, *kb = gb->key;
    unsigned ways = ga->n + gb->n >= 64 * MERGE_WAYS ? MERGE_WAYS : 1; /* short lists: one merge */
    for (unsigned q = 0; q < ways; q++) {
        uint32_t lo = (uint32_t)(((uint64_t)q << 32) / ways);
        i[q] = q ? key_lower_bound(ga, lo) : 0;
        j[q] = q ? key_lower_bound(gb, lo) : 0;
        if (q) ie[q - 1] = i[q], je[q - 1] = j[q];
    }
    ie[ways - 1] = ga->n;
    je[ways - 1] = gb->n;
    while (ways == MERGE_WAYS && rc == NEARDUP_OK) {
        int live = 1, eq = 0;
        for (unsigned q = 0; q < MERGE_WAYS; q++) live &= i[q] < ie[q] && j[q] < je[q];
        if (!live) break;
        uint32_t x[MERGE_WAYS], y[MERGE_WAYS];
        for (unsigned q = 0; q < MERGE_WAYS; q++) {
            x[q] = ka[i[q]];
            y[q] = kb[j[q]];
            eq |= x[q] == y[q];
        }
        if (eq) { /* rare: the shared k-grams */
            for (unsigned q = 0; q < MERGE_WAYS && rc == NEARDUP_OK; q++)
                if (x[q] == y[q]) rc = take_run(ga, &i[q], ie[q], gb, &j[q], je[q], s, n, cap);
            continue;
        }
        for (unsigned q = 0; q < MERGE_WAYS; q++) {
            i[q] += x[q] < y[q];
            j[q] += y[q] < x[q];
        }
    }
    for (unsigned q = 0; q < ways && rc == NEARDUP_OK; q++) /* what is left of each range */
        rc = merge_until(ga, &i[q], ie[q], gb, &j[q], je[q], SIZE_MAX, SIZE_MAX, s, n, cap);
    return rc;
}

/* Block merges (the idea of Schlegel et al.'s SIMD sorted-set intersection):
 * compare a block of W keys of A with a block of W of B, all W x W key pairs
 * at once (W rotations of B's block, each from the block itself, so they do
 * not wait for one another).  No equal key in the two blocks: the block with
 * the smaller last key holds no key of the other list at all (the other
 * list's later keys are larger still), so it is skipped whole.  Some equal
 * key: the plain merge takes over until one block is used up, so runs and
 * the MAX_OCC rule are handled by exactly the code above.  The keys of a pair
 * mostly differ, so most steps skip W k-grams at once instead of one. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ND_BLOCK_MERGE 1

/* Two blocks of w keys at *i and *j are done with (no key shared, or the
 * shared ones taken): moves past the one whose last key is smaller (both
 * when their last keys are equal: a key matched in the two blocks). */
static inline void skip_block(const uint32_t *ka, size_t *i, const uint32_t *kb, size_t *j, size_t w)
{
    uint32_t la = ka[*i + w - 1], lb = kb[*j + w - 1];
    *i += (size_t)(la <= lb) * w;
    *j += (size_t)(lb <= la) * w;
}

#define ROT16(r) m |= _mm512_cmpeq_epi32_mask(a, _mm512_alignr_epi32(b, b, r))

/* 1 in lane p when key p of the block at k[i] equals the key after it (k[n]
 * ends the list): the lanes of runs of equal keys. */
__attribute__((target("avx512f"))) static inline __mmask16 run_lanes(const uint32_t *k, size_t i, size_t n, __m512i block)
{
    __mmask16 valid = i + 17 <= n ? 0xffff : (__mmask16)((1u << (n - i - 1)) - 1);
    __m512i next = _mm512_maskz_loadu_epi32(valid, k + i + 1);
    return _mm512_mask_cmpeq_epi32_mask(valid, block, next);
}

__attribute__((target("avx512f"))) static int seeds_avx512(const nd_kgrams *ga, const nd_kgrams *gb, nd_align_seed **s,
                                                            size_t *n, size_t *cap)
{
    const uint32_t *ka = ga->key, *kb = gb->key;
    size_t i = 0, j = 0, na = ga->n, nb = gb->n;
    while (i + 16 <= na && j + 16 <= nb) {
        __m512i a = _mm512_loadu_si512((const void *)(ka + i));
        __m512i b = _mm512_loadu_si512((const void *)(kb + j));
        __mmask16 m = _mm512_cmpeq_epi32_mask(a, b);
        ROT16(1); ROT16(2); ROT16(3); ROT16(4); ROT16(5); ROT16(6); ROT16(7); ROT16(8);
        ROT16(9); ROT16(10); ROT16(11); ROT16(12); ROT16(13); ROT16(14); ROT16(15);
        if (m) {
            /* Keys found once in each block and not repeated just past it
             * (nearly always: texts rarely repeat a k-gram) match one for
             * one, and a key matched here cannot match again after the skip
             * below: each lane of m is a seed, its B lane found by a compare.
             * A repeated key goes to the plain merge, which takes runs whole. */
            if (run_lanes(ka, i, na, a) || run_lanes(kb, j, nb, b) || *n + 16 > *cap) {
                if (merge_until(ga, &i, na, gb, &j, nb, i + 16, j + 16, s, n, cap)) return NEARDUP_E_NOMEM;
                continue;
            }
            nd_align_seed *out = *s + *n;
            unsigned bits = m;
            while (bits) {
                unsigned p = (unsigned)__builtin_ctz(bits);
                bits &= bits - 1;
                __mmask16 q = _mm512_cmpeq_epi32_mask(_mm512_set1_epi32((int)ka[i + p]), b);
                *out++ = (nd_align_seed){kgram_pos(ga, i + p), kgram_pos(gb, j + (unsigned)__builtin_ctz(q))};
            }
            *n = (size_t)(out - *s);
        }
        skip_block(ka, &i, kb, &j, 16);
    }
    return merge_until(ga, &i, na, gb, &j, nb, SIZE_MAX, SIZE_MAX, s, n, cap);
}

__attribute__((target("avx2"))) static int seeds_avx2(const nd_kgrams *ga, const nd_kgrams *gb, nd_align_seed **s,
                                                        size_t *n, size_t *cap)
{
    const uint32_t *ka = ga->key, *kb = gb->key;
    size_t i = 0, j = 0, na = ga->n, nb = gb->n;
    while (i + 8 <= na && j + 8 <= nb) {
        __m256i a = _mm256_loadu_si256((const void *)(ka + i));
        __m256i b = _mm256_loadu_si256((const void *)(kb + j));
        __m256i m = _mm256_cmpeq_epi32(a, b);
        for (int r = 1; r < 8; r++) { /* B's block rotated by r lanes */
            __m256i rot = _mm256_setr_epi32(r, r + 1, r + 2, r + 3, r + 4, r + 5, r + 6, r + 7);
            rot = _mm256_and_si256(rot, _mm256_set1_epi32(7));
            m = _mm256_or_si256(m, _mm256_cmpeq_epi32(a, _mm256_permutevar8x32_epi32(b, rot)));
        }
        if (_mm256_testz_si256(m, m)) {
            skip_block(ka, &i, kb, &j, 8);
            continue;
        }
        if (merge_until(ga, &i, na, gb, &j, nb, i + 8, j + 8, s, n, cap)) return NEARDUP_E_NOMEM;
    }
    return merge_until(ga, &i, na, gb, &j, nb, SIZE_MAX, SIZE_MAX, s, n, cap);
}
#endif

/* All (a, b) positions where A and B share a k-gram, in no particular order,
 * into *s (cap *cap, grown as needed): the shared keys come from a merge of
 * the two sorted k-gram lists, by the widest block merge this CPU runs
 * (merge: ND_MERGE_* of nd_align_opts). */
int nd_align_find_seeds(const nd_kgrams *ga, const nd_kgrams *gb, unsigned merge, nd_align_seed **s, size_t *cap,
                        size_t *nout)
{
    size_t n = 0;
    /* room for a seed at every k-gram of the shorter text: runs of repeated
     * k-grams aside, no growing */
    if (nd_grow((void **)s, cap, (ga->n < gb->n ? ga->n : gb->n) + 1, sizeof **s)) return NEARDUP_E_NOMEM;
    int rc;
#ifdef ND_BLOCK_MERGE
    if (merge == ND_MERGE_AUTO) {
        if (__builtin_cpu_supports("avx512f")) merge = ND_MERGE_AVX512;
        else if (__builtin_cpu_supports("avx2")) merge = ND_MERGE_AVX2;
        else merge = ND_MERGE_PORTABLE;
    }
    if (merge == ND_MERGE_AVX512 && __builtin_cpu_supports("avx512f"))
        rc = seeds_avx512(ga, gb, s, &n, cap);
    else if (merge == ND_MERGE_AVX2 && __builtin_cpu_supports("avx2"))
        rc = seeds_avx2(ga, gb, s, &n, cap);
    else
#endif
        rc = seeds_portable(ga, gb, s, &n, cap);
    *nout = n;
    return rc;
}
