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
}

typedef struct {
    uint64_t key; /* diagonal (b - a + |A|) << 32 | a: sorts seeds along diagonals */
    uint32_t a, b;
} seed;

typedef struct {
    uint32_t a, b, len; /* exact match A[a, a+len) == B[b, b+len) */
} segment;

typedef struct {
    uint32_t a0, b0, a1, b1; /* token ranges [a0, a1), [b0, b1) */
    uint32_t matches, words;
} chain;

size_t nd_kgram_count(size_t ntok, unsigned k) { return ntok >= k ? ntok - k + 1 : 0; }

int nd_kgrams_fill(const nd_tokens *t, unsigned k, nd_kgram *g)
{
    size_t n = nd_kgram_count(t->n, k);
    if (n > UINT32_MAX) return NEARDUP_E_INPUT; /* positions are 32-bit (texts are < 4 GiB) */
    for (size_t i = 0; i < n; i++)
        g[i] = (XXH3_64bits(t->hash + i, k * sizeof *t->hash) & ~(uint64_t)UINT32_MAX) | i;
    return nd_sort_u64(g, n);
}

int nd_kgrams(const nd_tokens *t, unsigned k, nd_kgram **out, size_t *n)
{
    *n = nd_kgram_count(t->n, k);
    nd_kgram *g = malloc((*n ? *n : 1) * sizeof *g);
    if (!g) return NEARDUP_E_NOMEM;
    if (nd_kgrams_fill(t, k, g)) {
        free(g);
        return NEARDUP_E_NOMEM;
    }
    *out = g;
    return NEARDUP_OK;
}

/* Index of the first k-gram whose key is >= key (g sorted). */
static size_t key_lower_bound(const nd_kgram *g, size_t n, uint32_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nd_kgram_key(g[mid]) < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The seeds of the run of equal keys at ga[*i] and gb[*j] (runs end by ie, je);
 * moves *i and *j past it.  Keys shared by more than MAX_OCC positions on a
 * side (repeated boilerplate within a text) seed nothing. */
static int emit_run(const nd_tokens *ta, const nd_kgram *ga, size_t *i, size_t ie, const nd_kgram *gb,
                    size_t *j, size_t je, seed **s, size_t *n, size_t *cap)
{
    uint32_t key = nd_kgram_key(ga[*i]);
    size_t i1 = *i, j1 = *j;
    while (i1 < ie && nd_kgram_key(ga[i1]) == key) i1++;
    while (j1 < je && nd_kgram_key(gb[j1]) == key) j1++;
    if (i1 - *i <= MAX_OCC && j1 - *j <= MAX_OCC) {
        if (nd_grow((void **)s, cap, *n + (i1 - *i) * (j1 - *j), sizeof **s)) return NEARDUP_E_NOMEM;
        for (size_t x = *i; x < i1; x++)
            for (size_t y = *j; y < j1; y++) {
                uint32_t pa = nd_kgram_pos(ga[x]), pb = nd_kgram_pos(gb[y]);
                uint64_t diag = (uint64_t)pb + ta->n - pa;
                (*s)[(*n)++] = (seed){diag << 32 | pa, pa, pb};
            }
    }
    *i = i1;
    *j = j1;
    return NEARDUP_OK;
}

#define MERGE_WAYS 2

/* All (a, b) positions where A and B share a k-gram, sorted along diagonals.
 *
 * The shared keys come from a merge of the two sorted k-gram lists.  Most
 * k-grams of a pair differ and which side is smaller is a coin toss, so the
 * merge steps without branches; but each step waits for the one before (the
 * next load needs the last comparison), so the key space is cut into
 * MERGE_WAYS ranges (keys are uniform hashes) whose merges advance side by
 * side in one loop: two independent chains (5% less CPU for all of overlap
 * on news-40k; four ran out of registers and were slower).  A run of equal
 * keys never straddles a cut, and the seeds are sorted afterwards, so the
 * result is the plain merge's. */
static int find_seeds(const nd_tokens *ta, const nd_kgram *ga, size_t na, const nd_kgram *gb,
                      size_t nb, seed **out, size_t *nout)
{
    size_t n = 0, cap = 0;
    seed *s = NULL;
    int rc = NEARDUP_OK;
    size_t i[MERGE_WAYS], ie[MERGE_WAYS], j[MERGE_WAYS], je[MERGE_WAYS];
    unsigned ways = na + nb >= 64 * MERGE_WAYS ? MERGE_WAYS : 1; /* short lists: one merge */
    for (unsigned q = 0; q < ways; q++) {
        uint32_t lo = (uint32_t)(((uint64_t)q << 32) / ways);
        i[q] = q ? key_lower_bound(ga, na, lo) : 0;
        j[q] = q ? key_lower_bound(gb, nb, lo) : 0;
        if (q) ie[q - 1] = i[q], je[q - 1] = j[q];
    }
    ie[ways - 1] = na;
    je[ways - 1] = nb;
    while (ways == MERGE_WAYS && rc == NEARDUP_OK) {
        int live = 1, eq = 0;
        for (unsigned q = 0; q < MERGE_WAYS; q++) live &= i[q] < ie[q] && j[q] < je[q];
        if (!live) break;
        uint32_t ka[MERGE_WAYS], kb[MERGE_WAYS];
        for (unsigned q = 0; q < MERGE_WAYS; q++) {
            ka[q] = nd_kgram_key(ga[i[q]]);
            kb[q] = nd_kgram_key(gb[j[q]]);
            eq |= ka[q] == kb[q];
        }
        if (eq) { /* rare: the shared k-grams */
            for (unsigned q = 0; q < MERGE_WAYS && rc == NEARDUP_OK; q++)
                if (ka[q] == kb[q]) rc = emit_run(ta, ga, &i[q], ie[q], gb, &j[q], je[q], &s, &n, &cap);
            continue;
        }
        for (unsigned q = 0; q < MERGE_WAYS; q++) {
            i[q] += ka[q] < kb[q];
            j[q] += kb[q] < ka[q];
        }
    }
    for (unsigned q = 0; q < ways && rc == NEARDUP_OK; q++) /* what is left of each range */
        while (rc == NEARDUP_OK && i[q] < ie[q] && j[q] < je[q]) {
            uint32_t ka = nd_kgram_key(ga[i[q]]), kb = nd_kgram_key(gb[j[q]]);
            if (ka != kb) {
                i[q] += ka < kb;
                j[q] += kb < ka;
                continue;
            }
            rc = emit_run(ta, ga, &i[q], ie[q], gb, &j[q], je[q], &s, &n, &cap);
        }
    if (rc == NEARDUP_OK && nd_sort_band_recs((nd_band_rec *)s, n)) rc = NEARDUP_E_NOMEM;
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    *nout = n;
    return NEARDUP_OK;
}

static int cmp_segment(const void *x, const void *y)
{
    const segment *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    if (p->b != q->b) return p->b < q->b ? -1 : 1;
    return (p->len < q->len) - (p->len > q->len); /* longer first */
}

/* Longest common subsequence of two short token runs (each <= 3 max_gap). */
static uint32_t gap_lcs(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb)
{
    uint32_t row[193] = {0}, prev;
    if (na > 192 || nb > 192) return 0;
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
static int extend(chain *c, segment g, const nd_tokens *ta, const nd_tokens *tb, unsigned max_gap)
{
    uint32_t trim = 0;
    if (g.a < c->a1) trim = c->a1 - g.a;
    if (g.b < c->b1 && c->b1 - g.b > trim) trim = c->b1 - g.b;
    if (g.b + g.len <= c->b1 || trim >= g.len) return 0;
    g.a += trim, g.b += trim, g.len -= trim;
    uint32_t ga = g.a - c->a1, gb = g.b - c->b1;
    if (ga > 3 * max_gap || gb > 3 * max_gap) return 0;
    uint32_t lcs = gap_lcs(ta->hash + c->a1, ga, tb->hash + c->b1, gb);
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

/* Segments from seeds: runs of consecutive seeds on one diagonal. */
static segment *make_segments(const seed *s, size_t n, unsigned k, size_t *nseg)
{
    segment *g = malloc((n ? n : 1) * sizeof *g);
    if (!g) return NULL;
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && s[j].key >> 32 == s[i].key >> 32 && s[j].a == s[j - 1].a + 1) j++;
        g[m++] = (segment){s[i].a, s[i].b, (uint32_t)(s[j - 1].a - s[i].a + k)};
        i = j;
    }
    qsort(g, m, sizeof *g, cmp_segment);
    *nseg = m;
    return g;
}

/* Chains segments greedily along A: each joins the open chain it continues
 * with the most matches, or opens a new chain. */
static int make_chains(const segment *g, size_t ng, const nd_tokens *ta, const nd_tokens *tb,
                       unsigned max_gap, chain **out, size_t *nout)
{
    chain *c = NULL;
    size_t nc = 0, cap = 0, first_open = 0;
    for (size_t i = 0; i < ng; i++) {
        /* chains that end more than max_gap words before g[i] are closed for good */
        while (first_open < nc && c[first_open].a1 + 3 * max_gap < g[i].a) first_open++;
        size_t best = SIZE_MAX;
        chain trial, best_c = {0};
        for (size_t j = first_open; j < nc; j++) {
            trial = c[j];
            if (extend(&trial, g[i], ta, tb, max_gap) && (best == SIZE_MAX || trial.matches > best_c.matches)) {
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
        if (nd_grow((void **)&c, &cap, nc + 1, sizeof *c)) {
            free(c);
            return NEARDUP_E_NOMEM;
        }
        chain nw = {g[i].a, g[i].b, g[i].a + g[i].len, g[i].b + g[i].len, g[i].len, g[i].len};
        size_t at = nc++;
        while (at > first_open && c[at - 1].a1 > nw.a1) {
            c[at] = c[at - 1];
            at--;
        }
        c[at] = nw;
    }
    *out = c;
    *nout = nc;
    return NEARDUP_OK;
}

static int cmp_passage(const void *x, const void *y)
{
    const nd_passage *p = x, *q = y;
    if (p->a_start != q->a_start) return p->a_start < q->a_start ? -1 : 1;
    if (p->b_start != q->b_start) return p->b_start < q->b_start ? -1 : 1;
    return (p->words < q->words) - (p->words > q->words);
}

/* 1 when q lies inside p in both texts (and is not p itself). */
static int inside(const nd_passage *q, const nd_passage *p)
{
    return p != q && p->a_tok <= q->a_tok && q->a_tok_end <= p->a_tok_end && p->b_tok <= q->b_tok &&
           q->b_tok_end <= p->b_tok_end && p->words >= q->words;
}

int nd_align(const nd_tokens *ta, const nd_tokens *tb, const nd_align_opts *o, nd_passage **out,
             size_t *nout)
{
    nd_align_opts def;
    if (!o) nd_align_opts_default(&def), o = &def;
    unsigned k = o->seed_len ? o->seed_len : 1;
    *out = NULL;
    *nout = 0;
    nd_kgram *ga = NULL, *gb = NULL;
    size_t na = 0, nb = 0;
    int rc = nd_kgrams(ta, k, &ga, &na);
    if (!rc) rc = nd_kgrams(tb, k, &gb, &nb);
    if (!rc) rc = nd_align_kgrams(ta, ga, na, tb, gb, nb, o, out, nout);
    free(ga);
    free(gb);
    return rc;
}

int nd_align_kgrams(const nd_tokens *ta, const nd_kgram *ga, size_t na, const nd_tokens *tb,
                    const nd_kgram *gb, size_t nb, const nd_align_opts *o, nd_passage **out,
                    size_t *nout)
{
    unsigned k = o->seed_len ? o->seed_len : 1;
    *out = NULL;
    *nout = 0;
    seed *s = NULL;
    size_t ns = 0, ng = 0, nc = 0;
    int rc = find_seeds(ta, ga, na, gb, nb, &s, &ns);
    if (rc) return rc;
    segment *g = make_segments(s, ns, k, &ng);
    free(s);
    if (!g) return NEARDUP_E_NOMEM;
    chain *c = NULL;
    rc = make_chains(g, ng, ta, tb, o->max_gap, &c, &nc);
    free(g);
    if (rc) return rc;
    nd_passage *p = malloc((nc ? nc : 1) * sizeof *p);
    if (!p) {
        free(c);
        return NEARDUP_E_NOMEM;
    }
    size_t np = 0;
    for (size_t i = 0; i < nc; i++) {
        double id = (double)c[i].matches / c[i].words;
        if (c[i].words < o->min_words || id < o->min_identity) continue;
        p[np++] = (nd_passage){c[i].a0, c[i].a1, c[i].b0, c[i].b1,
                               ta->span[c[i].a0].start, ta->span[c[i].a1 - 1].end,
                               tb->span[c[i].b0].start, tb->span[c[i].b1 - 1].end,
                               c[i].words, c[i].matches, id};
    }
    free(c);
    /* Drop passages nested in a larger one in both texts.  Sorted by A start,
     * a container comes before what it contains; the scan is bounded to the
     * passages that start inside it. */
    qsort(p, np, sizeof *p, cmp_passage);
    unsigned char *drop = calloc(np ? np : 1, 1);
    if (!drop) {
        free(p);
        return NEARDUP_E_NOMEM;
    }
    for (size_t i = 0; i < np; i++) {
        if (drop[i]) continue;
        for (size_t j = i + 1; j < np && p[j].a_tok < p[i].a_tok_end; j++)
            if (!drop[j] && inside(&p[j], &p[i])) drop[j] = 1;
    }
    size_t w = 0;
    for (size_t i = 0; i < np; i++)
        if (!drop[i]) p[w++] = p[i];
    free(drop);
    *out = p;
    *nout = w;
    return NEARDUP_OK;
}
