/* align.c - the passages two token arrays share.
 *
 * seeds    every word k-gram (k = seed_len) of A that also occurs in B, found
 *          by sorting (hash, position) records of both texts and merging;
 *          a k-gram occurring more than MAX_OCC times in either text is
 *          skipped (as minimap2 skips over-frequent minimizers), which bounds
 *          the seeds by |A| * MAX_OCC: never quadratic, even on "la la la".
 * segments seeds on one diagonal (b - a) at consecutive positions are one
 *          exact match of their union of words.
 * chains   segments sorted along A join a chain when they continue it within
 *          max_gap words in both texts (substituted, inserted or deleted
 *          words), or within 3 max_gap words when at least half of the gap
 *          matches; a segment that overlaps the chain's end is trimmed.  The
 *          words between two segments are aligned by a small LCS, so a
 *          matching word inside an edited stretch still counts as a match.
 * passages a chain of at least min_words aligned words and identity >=
 *          min_identity is a passage, its bounds the first and last matched
 *          words (whole words by construction), mapped to bytes through the
 *          token spans.  A passage whose ranges lie inside a larger
 *          passage's ranges in both texts (a sentence repeated within two
 *          copies of a document) is dropped.
 * Passages in a different order in the two texts are separate passages:
 * chains run along A, and each takes its own diagonal band in B. */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "nd.h"

#define MAX_OCC 32 /* a k-gram more frequent than this in either text seeds nothing */

void nd_align_opts_default(nd_align_opts *o)
{
    o->min_words = 20;
    o->seed_len = 5;
    o->max_gap = 8;
    o->min_identity = 0.5;
    o->merge = ND_MERGE_AUTO;
    o->verbatim = 0;
    o->language = NULL;
}

typedef struct {
    uint32_t a, b; /* A[a, a+k) == B[b, b+k) */
} seed;

typedef struct {
    uint32_t a, b, len; /* exact match A[a, a+len) == B[b, b+len) */
} segment;

typedef struct {
    uint32_t a0, b0, a1, b1; /* token ranges [a0, a1), [b0, b1) */
    uint32_t matches, words;
} chain;

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
                    seed **s, size_t *n, size_t *cap)
{
    uint32_t key = ga->key[*i];
    size_t i1 = *i, j1 = *j;
    while (i1 < ie && ga->key[i1] == key) i1++;
    while (j1 < je && gb->key[j1] == key) j1++;
    if (i1 - *i <= MAX_OCC && j1 - *j <= MAX_OCC) {
        if (nd_grow((void **)s, cap, *n + (i1 - *i) * (j1 - *j), sizeof **s)) return NEARDUP_E_NOMEM;
        for (size_t x = *i; x < i1; x++)
            for (size_t y = *j; y < j1; y++) (*s)[(*n)++] = (seed){kgram_pos(ga, x), kgram_pos(gb, y)};
    }
    *i = i1;
    *j = j1;
    return NEARDUP_OK;
}

/* emit_run, with its common case inline: a k-gram found once in each text
 * (one seed, in the room find_seeds reserved). */
static inline int take_run(const nd_kgrams *ga, size_t *i, size_t ie, const nd_kgrams *gb, size_t *j, size_t je,
                           seed **s, size_t *n, size_t *cap)
{
    uint32_t key = ga->key[*i];
    if ((*i + 1 == ie || ga->key[*i + 1] != key) && (*j + 1 == je || gb->key[*j + 1] != key) && *n < *cap) {
        (*s)[(*n)++] = (seed){kgram_pos(ga, *i), kgram_pos(gb, *j)};
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
                       size_t stop_i, size_t stop_j, seed **s, size_t *n, size_t *cap)
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
        (*s)[m] = (seed){kgram_pos(ga, x), kgram_pos(gb, y)};
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
static int seeds_portable(const nd_kgrams *ga, const nd_kgrams *gb, seed **s, size_t *n, size_t *cap)
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

__attribute__((target("avx512f"))) static int seeds_avx512(const nd_kgrams *ga, const nd_kgrams *gb, seed **s,
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
            seed *out = *s + *n;
            unsigned bits = m;
            while (bits) {
                unsigned p = (unsigned)__builtin_ctz(bits);
                bits &= bits - 1;
                __mmask16 q = _mm512_cmpeq_epi32_mask(_mm512_set1_epi32((int)ka[i + p]), b);
                *out++ = (seed){kgram_pos(ga, i + p), kgram_pos(gb, j + (unsigned)__builtin_ctz(q))};
            }
            *n = (size_t)(out - *s);
        }
        skip_block(ka, &i, kb, &j, 16);
    }
    return merge_until(ga, &i, na, gb, &j, nb, SIZE_MAX, SIZE_MAX, s, n, cap);
}

__attribute__((target("avx2"))) static int seeds_avx2(const nd_kgrams *ga, const nd_kgrams *gb, seed **s,
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
static int find_seeds(const nd_kgrams *ga, const nd_kgrams *gb, unsigned merge, seed **s, size_t *cap,
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

/* Longest common subsequence of two short token runs (each <= 3 max_gap). */
static uint32_t gap_lcs(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
    uint32_t row[193], prev;
    if (na > 192 || nb > 192) return 0;
    memset(row, 0, (nb + 1) * sizeof *row);
    for (uint32_t i = 0; i < na; i++) {
        prev = 0;
        for (uint32_t j = 0; j < nb; j++) {
            uint32_t up = row[j + 1];
            row[j + 1] = a[i] == b[j] ? prev + 1 : (up > row[j] ? up : row[j]);
            prev = up;
        }
    }
    return row[nb];
}

/* Tries to extend chain c by segment g (trimmed if it overlaps c's end).
 * Returns 1 and updates c when g continues c within max_gap words. */
static int extend(chain *c, segment g, const uint32_t *ida, const uint32_t *idb, unsigned max_gap)
{
    uint32_t trim = 0;
    if (g.a < c->a1) trim = c->a1 - g.a;
    if (g.b < c->b1 && c->b1 - g.b > trim) trim = c->b1 - g.b;
    if (g.b + g.len <= c->b1 || trim >= g.len) return 0;
    g.a += trim, g.b += trim, g.len -= trim;
    uint32_t ga = g.a - c->a1, gb = g.b - c->b1;
    if (ga > 3 * max_gap || gb > 3 * max_gap) return 0;
    uint32_t lcs = gap_lcs(ida + c->a1, ga, idb + c->b1, gb);
    /* Up to max_gap words of anything are bridged; a longer gap (up to 3x)
     * only when it is edited text, not unrelated text: at least half of its
     * shorter side matches in order.  At 10-20% word edits, stretches between
     * two 5-word seeds often run past max_gap while still mostly matching. */
    if ((ga > max_gap || gb > max_gap) && 2 * lcs < (ga < gb ? ga : gb)) return 0;
    c->matches += lcs + g.len;
    c->words += ga + gb - lcs + g.len;
    c->a1 = g.a + g.len;
    c->b1 = g.b + g.len;
    return 1;
}

/* What aligning a pair needs beyond its inputs, kept from pair to pair so
 * that aligning many pairs (overlap: hundreds of thousands, most of which
 * share a seed or two and no passage) allocates nothing per pair. */
struct nd_align_scratch {
    seed *s, *sorted;
    size_t s_cap, sorted_cap;
    segment *g;
    size_t g_cap;
    uint32_t *cnt;  /* counting sort of seeds by a */
    size_t cnt_cap;
    uint32_t *open; /* by diagonal: its open segment; all UINT32_MAX between pairs */
    size_t open_cap;
    chain *c;
    size_t c_cap;
};

nd_align_scratch *nd_align_scratch_new(void) { return calloc(1, sizeof(nd_align_scratch)); }

void nd_align_scratch_free(nd_align_scratch *sc)
{
    if (!sc) return;
    free(sc->s);
    free(sc->sorted);
    free(sc->g);
    free(sc->cnt);
    free(sc->open);
    free(sc->c);
    free(sc);
}

/* Few seeds (most pairs): sorted by (a, b) in place of the counting sort,
 * which costs the length of A. */
#define FEW_SEEDS 32

/* Segments from seeds: runs of consecutive seeds on one diagonal, in (a, b)
 * order of their first seed, into sc->g.  The seeds are put in (a, b) order
 * (a position's seeds come from one run of equal keys, already in b order,
 * so a counting sort on a gives it; a few seeds are insertion-sorted); a scan
 * along A then extends the segment open on each diagonal b - a + |A| or opens
 * one.  Linear time: a general sort of the seeds by diagonal, then of the
 * segments, took 40% of aligning a near-duplicate pair. */
static int make_segments(nd_align_scratch *sc, size_t n, unsigned k, size_t ntok_a, size_t nkgram_b, size_t *nseg)
{
    size_t range = ntok_a + nkgram_b; /* diagonals lie in [1, range) */
    size_t old_open = sc->open_cap;
    if (nd_grow((void **)&sc->g, &sc->g_cap, n + 1, sizeof *sc->g) ||
        nd_grow((void **)&sc->open, &sc->open_cap, range + 1, sizeof *sc->open))
        return NEARDUP_E_NOMEM;
    if (sc->open_cap > old_open) memset(sc->open + old_open, 0xff, (sc->open_cap - old_open) * sizeof *sc->open);
    const seed *sorted = sc->s;
    if (n <= FEW_SEEDS) {
        seed *x = sc->s;
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && (x[j - 1].a > x[j].a || (x[j - 1].a == x[j].a && x[j - 1].b > x[j].b)); j--) {
                seed t = x[j];
                x[j] = x[j - 1];
                x[j - 1] = t;
            }
    } else {
        if (nd_grow((void **)&sc->sorted, &sc->sorted_cap, n, sizeof *sc->sorted) ||
            nd_grow((void **)&sc->cnt, &sc->cnt_cap, ntok_a + 1, sizeof *sc->cnt))
            return NEARDUP_E_NOMEM;
        const seed *s = sc->s;
        uint32_t *cnt = sc->cnt;
        memset(cnt, 0, (ntok_a + 1) * sizeof *cnt);
        for (size_t i = 0; i < n; i++) cnt[s[i].a + 1]++;
        for (size_t v = 0; v < ntok_a; v++) cnt[v + 1] += cnt[v];
        for (size_t i = 0; i < n; i++) sc->sorted[cnt[s[i].a]++] = s[i];
        sorted = sc->sorted;
    }
    uint32_t *open = sc->open;
    segment *g = sc->g;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        seed x = sorted[i];
        size_t d = (size_t)x.b + ntok_a - x.a;
        uint32_t o = open[d];
        if (o != UINT32_MAX && g[o].a + g[o].len - k + 1 == x.a) { /* the seed right after its last one */
            g[o].len++;
            continue;
        }
        open[d] = (uint32_t)m;
        g[m++] = (segment){x.a, x.b, k};
    }
    for (size_t i = 0; i < n; i++) open[(size_t)sorted[i].b + ntok_a - sorted[i].a] = UINT32_MAX;
    *nseg = m;
    return NEARDUP_OK;
}

/* Chains segments greedily along A: each joins the open chain it continues
 * with the most matches, or opens a new chain. */
static int make_chains(nd_align_scratch *sc, size_t ng, const uint32_t *ida, const uint32_t *idb,
                       unsigned max_gap, size_t *nout)
{
    const segment *g = sc->g;
    chain *c = sc->c;
    size_t nc = 0, first_open = 0;
    for (size_t i = 0; i < ng; i++) {
        /* chains that end more than max_gap words before g[i] are closed for good */
        while (first_open < nc && c[first_open].a1 + 3 * max_gap < g[i].a) first_open++;
        size_t best = SIZE_MAX;
        chain trial, best_c = {0};
        for (size_t j = first_open; j < nc; j++) {
            trial = c[j];
            if (extend(&trial, g[i], ida, idb, max_gap) && (best == SIZE_MAX || trial.matches > best_c.matches)) {
                best = j;
                best_c = trial;
            }
        }
        if (best != SIZE_MAX) {
            c[best] = best_c;
            /* keep open chains ordered by end, so closing stays a prefix */
            while (best + 1 < nc && c[best].a1 > c[best + 1].a1) {
                chain t = c[best];
                c[best] = c[best + 1];
                c[best + 1] = t;
                best++;
            }
            continue;
        }
        if (nd_grow((void **)&sc->c, &sc->c_cap, nc + 1, sizeof *sc->c)) return NEARDUP_E_NOMEM;
        c = sc->c;
        chain nw = {g[i].a, g[i].b, g[i].a + g[i].len, g[i].b + g[i].len, g[i].len, g[i].len};
        size_t at = nc++;
        while (at > first_open && c[at - 1].a1 > nw.a1) {
            c[at] = c[at - 1];
            at--;
        }
        c[at] = nw;
    }
    *nout = nc;
    return NEARDUP_OK;
}

static int cmp_passage(const void *x, const void *y)
{
    const nd_passage *p = x, *q = y;
    if (p->a_tok != q->a_tok) return p->a_tok < q->a_tok ? -1 : 1;
    if (p->b_tok != q->b_tok) return p->b_tok < q->b_tok ? -1 : 1;
    return (p->words < q->words) - (p->words > q->words);
}

/* 1 when q lies inside p in both texts (and is not p itself). */
static int inside(const nd_passage *q, const nd_passage *p)
{
    return p != q && p->a_tok <= q->a_tok && q->a_tok_end <= p->a_tok_end && p->b_tok <= q->b_tok &&
           q->b_tok_end <= p->b_tok_end && p->words >= q->words;
}

void nd_passage_bytes(nd_passage *p, size_t np, const nd_span *sa, const nd_span *sb)
{
    for (size_t i = 0; i < np; i++) {
        p[i].a_start = sa[p[i].a_tok].start;
        p[i].a_end = sa[p[i].a_tok_end - 1].end;
        p[i].b_start = sb[p[i].b_tok].start;
        p[i].b_end = sb[p[i].b_tok_end - 1].end;
    }
}

int nd_align_kgrams(const nd_tokens *ta, const uint32_t *ida, const nd_kgrams *ga, const nd_tokens *tb,
                    const uint32_t *idb, const nd_kgrams *gb, const nd_align_opts *o, nd_align_scratch *sc,
                    nd_passage **out, size_t *nout)
{
    int rc = nd_align_ids(ida, ta->n, ga, idb, gb, o, sc, out, nout);
    if (!rc) nd_passage_bytes(*out, *nout, ta->span, tb->span);
    return rc;
}

int nd_align(const nd_tokens *ta, const nd_tokens *tb, const nd_align_opts *o, nd_passage **out,
             size_t *nout)
{
    nd_align_opts def;
    if (!o) nd_align_opts_default(&def), o = &def;
    unsigned k = o->seed_len ? o->seed_len : 1;
    *out = NULL;
    *nout = 0;
    nd_kgrams ga = {0}, gb = {0};
    uint32_t *ida = nd_word_ids(ta), *idb = nd_word_ids(tb);
    int rc = ida && idb ? nd_kgrams_make(ida, ta->n, k, &ga) : NEARDUP_E_NOMEM;
    if (!rc) rc = nd_kgrams_make(idb, tb->n, k, &gb);
    if (!rc) rc = nd_align_kgrams(ta, ida, &ga, tb, idb, &gb, o, NULL, out, nout);
    nd_kgrams_free(&ga);
    nd_kgrams_free(&gb);
    free(ida);
    free(idb);
    return rc;
}

static int align_ids(const uint32_t *ida, size_t nta, const nd_kgrams *ga, const uint32_t *idb, const nd_kgrams *gb,
                     const nd_align_opts *o, nd_align_scratch *sc, nd_passage **out, size_t *nout)
{
    unsigned k = o->seed_len ? o->seed_len : 1;
    size_t ns = 0, ng = 0, nc = 0;
    int rc = find_seeds(ga, gb, o->merge, &sc->s, &sc->s_cap, &ns);
    if (!rc) rc = make_segments(sc, ns, k, nta, gb->n, &ng);
    if (!rc) rc = make_chains(sc, ng, ida, idb, o->max_gap, &nc);
    if (rc) return rc;
    const chain *c = sc->c;
    size_t np = 0;
    for (size_t i = 0; i < nc; i++)
        np += c[i].words >= o->min_words && (double)c[i].matches / c[i].words >= o->min_identity;
    if (!np) return NEARDUP_OK; /* most candidate pairs: nothing to allocate */
    nd_passage *p = malloc(np * sizeof *p);
    unsigned char *drop = calloc(np, 1);
    if (!p || !drop) {
        free(p);
        free(drop);
        return NEARDUP_E_NOMEM;
    }
    np = 0;
    for (size_t i = 0; i < nc; i++) {
        double id = (double)c[i].matches / c[i].words;
        if (c[i].words < o->min_words || id < o->min_identity) continue;
        p[np++] = (nd_passage){c[i].a0, c[i].a1, c[i].b0, c[i].b1, 0, 0, 0, 0, c[i].words, c[i].matches, id, 0, 0, 0, 0, 0};
    }
    /* Drop passages nested in a larger one in both texts.  Sorted by A start,
     * a container comes before what it contains; the scan is bounded to the
     * passages that start inside it. */
    qsort(p, np, sizeof *p, cmp_passage);
    for (size_t i = 0; i < np; i++) {
        if (drop[i]) continue;
        for (size_t j = i + 1; j < np && p[j].a_tok < p[i].a_tok_end; j++)
            if (!drop[j] && inside(&p[j], &p[i])) drop[j] = 1;
    }
    size_t w = 0;
    for (size_t i = 0; i < np; i++)
        if (!drop[i]) p[w++] = p[i];
    free(drop);
    /* how each passage's words align: its counts from the edit script (edits.c) */
    if (nd_passage_edits(p, w, ida, idb, NULL)) {
        free(p);
        return NEARDUP_E_NOMEM;
    }
    *out = p;
    *nout = w;
    return NEARDUP_OK;
}

int nd_align_ids(const uint32_t *ida, size_t nta, const nd_kgrams *ga, const uint32_t *idb, const nd_kgrams *gb,
                 const nd_align_opts *o, nd_align_scratch *sc, nd_passage **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    nd_align_scratch *own = sc ? NULL : nd_align_scratch_new();
    if (!sc && !own) return NEARDUP_E_NOMEM;
    int rc = align_ids(ida, nta, ga, idb, gb, o, sc ? sc : own, out, nout);
    nd_align_scratch_free(own);
    return rc;
}
