/* align.c - the passages two token arrays share: seeds -> segments -> chains -> passages.
 *
 * seeds    every word k-gram (k = seed_len) of A that also occurs in B
 *          (align_seeds.c: sorted k-gram lists of both texts, merged).
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

#include "align.h"
#include "align_internal.h"
#include "edits.h"
#include "nd.h"
#include "tokenize.h"

void nd_align_opts_default(nd_align_opts *o)
{
    o->min_words = ND_DEFAULT_MIN_WORDS;
    o->seed_len = ND_DEFAULT_NGRAM;
    o->max_gap = ND_DEFAULT_MAX_GAP;
    o->min_identity = ND_DEFAULT_MIN_IDENTITY;
    o->merge = ND_MERGE_AUTO;
    o->verbatim = 0;
    o->language = NULL;
}

typedef struct {
    uint32_t a, b, len; /* exact match A[a, a+len) == B[b, b+len) */
} segment;

typedef struct {
    uint32_t a0, b0, a1, b1; /* token ranges [a0, a1), [b0, b1) */
    uint32_t matches, words;
} chain;

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
    nd_align_seed *s, *sorted;
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
    const nd_align_seed *sorted = sc->s;
    if (n <= FEW_SEEDS) {
        nd_align_seed *x = sc->s;
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && (x[j - 1].a > x[j].a || (x[j - 1].a == x[j].a && x[j - 1].b > x[j].b)); j--) {
                nd_align_seed t = x[j];
                x[j] = x[j - 1];
                x[j - 1] = t;
            }
    } else {
        if (nd_grow((void **)&sc->sorted, &sc->sorted_cap, n, sizeof *sc->sorted) ||
            nd_grow((void **)&sc->cnt, &sc->cnt_cap, ntok_a + 1, sizeof *sc->cnt))
            return NEARDUP_E_NOMEM;
        const nd_align_seed *s = sc->s;
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
        nd_align_seed x = sorted[i];
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
    int rc = nd_align_find_seeds(ga, gb, o->merge, &sc->s, &sc->s_cap, &ns);
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
