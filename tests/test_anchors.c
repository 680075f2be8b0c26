/* test_anchors.c - the winnowing guarantee (every shared run of >= W words
 * holds a shared anchor), anchor density, and the anchor index: pairs once,
 * boilerplate dropped and returned for masking, inputs x references. */
#include <stdlib.h>
#include <string.h>

#include "anchors.h"
#include "nd_test.h"
#include "shingle.h"
#include "tokenize.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Anchors (hashes) of a token array, W words, n-grams of n. */
static size_t anchors_of(const uint64_t *tok, size_t ntok, unsigned W, unsigned n, uint64_t **hash)
{
    size_t m = nd_shingle_count(ntok, n);
    uint64_t *sh = malloc((m + 1) * sizeof *sh);
    uint32_t *pos = malloc((m + 1) * sizeof *pos);
    *hash = malloc((m + 1) * sizeof **hash);
    nd_shingle(tok, ntok, n, 99, sh);
    size_t k = nd_winnow(sh, m, nd_anchor_window(W, n), 7, pos, *hash);
    for (size_t i = 1; i < k; i++) assert_true(pos[i - 1] < pos[i]);
    free(sh);
    free(pos);
    return k;
}

static int share(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (a[i] == b[j]) return 1;
    return 0;
}

/* Random texts sharing exactly one run of W words (W from 6 to 40) at
 * random places: the guarantee says they always share an anchor. */
static void guarantee(void **state)
{
    uint64_t rng = 11;
    for (int trial = 0; trial < 2000; trial++) {
        unsigned W = 6 + (unsigned)(rng_next(&rng) % 35), n = 5;
        size_t la = rng_next(&rng) % 200, lb = rng_next(&rng) % 200;
        size_t na = la + W + rng_next(&rng) % 200, nb = lb + W + rng_next(&rng) % 200;
        uint64_t *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);
        for (size_t i = 0; i < na; i++) a[i] = rng_next(&rng);
        for (size_t i = 0; i < nb; i++) b[i] = rng_next(&rng);
        for (size_t i = 0; i < W; i++) b[lb + i] = a[la + i];
        uint64_t *ha, *hb;
        size_t ka = anchors_of(a, na, W, n, &ha), kb = anchors_of(b, nb, W, n, &hb);
        assert_true(share(ha, ka, hb, kb));
        /* winnowing keeps about 2 / (w + 1) of the n-grams, never fewer than one per window */
        size_t m = na - n + 1, w = W - n + 1;
        assert_true(ka >= m / w);
        free(a), free(b), free(ha), free(hb);
    }
}

static void short_documents(void **state)
{
    uint64_t tok[3] = {1, 2, 3}, *h;
    assert_int_equal(anchors_of(tok, 3, 20, 5, &h), 1); /* one shingle, one anchor */
    free(h);
    assert_int_equal(anchors_of(tok, 0, 20, 5, &h), 0);
    free(h);
}

static void index_pairs(void **state)
{
    /* anchor 1: docs 0, 1, 2; anchor 2: docs 1, 2; anchor 3: docs 0..5 (df 6);
     * anchor 4: doc 3 twice (one document: no pair) */
    nd_anchor occ[] = {
        {1, 0, 10}, {3, 0, 50}, {1, 1, 3}, {2, 1, 9}, {3, 1, 60}, {1, 2, 7}, {2, 2, 8}, {3, 2, 1},
        {3, 3, 2}, {4, 3, 5}, {4, 3, 9}, {3, 4, 3}, {3, 5, 4},
    };
    size_t n = sizeof occ / sizeof *occ;
    nd_anchor copy[sizeof occ / sizeof *occ];
    memcpy(copy, occ, sizeof occ);
    nd_anchor_pair *p;
    size_t np;
    nd_anchor_stats st;
    assert_int_equal(nd_anchor_pairs(copy, n, 5, 5, 0, 0, 1, NULL, &p, &np, &st), NEARDUP_OK);
    assert_int_equal(st.anchors, 4);
    assert_int_equal(st.dropped, 1);       /* anchor 3, in 6 > 5 documents */
    assert_int_equal(st.dropped_occ, 6);
    for (size_t i = 0; i < 6; i++) {       /* returned by (doc, pos) for masking */
        assert_int_equal(copy[i].doc, i);
        assert_true(copy[i].hash == ((uint64_t)i << 32 | copy[i].pos));
    }
    assert_int_equal(np, 3);
    assert_int_equal(p[0].a, 0), assert_int_equal(p[0].b, 1), assert_int_equal(p[0].shared, 1);
    assert_int_equal(p[1].a, 0), assert_int_equal(p[1].b, 2), assert_int_equal(p[1].shared, 1);
    assert_int_equal(p[2].a, 1), assert_int_equal(p[2].b, 2), assert_int_equal(p[2].shared, 2);
    free(p);
    /* inputs {0, 1} against references {2, ...}; max_df high keeps anchor 3 */
    memcpy(copy, occ, sizeof occ);
    assert_int_equal(nd_anchor_pairs(copy, n, 100, 100, 2, 0, 1, NULL, &p, &np, &st), NEARDUP_OK);
    assert_int_equal(st.dropped, 0);
    assert_int_equal(np, 8); /* 0-2..0-5 and 1-2..1-5 */
    assert_int_equal(p[4].a, 1), assert_int_equal(p[4].b, 2), assert_int_equal(p[4].shared, 3);
    for (size_t i = 0; i < np; i++) assert_true(p[i].a < 2 && p[i].b >= 2);
    free(p);
    /* star: anchor 3, over max_df, pairs its first document 0 with each other one, and is not dropped */
    memcpy(copy, occ, sizeof occ);
    assert_int_equal(nd_anchor_pairs(copy, n, 5, 5, 0, 1, 2, NULL, &p, &np, &st), NEARDUP_OK);
    assert_int_equal(st.dropped, 0);
    assert_int_equal(st.dropped_occ, 0);
    assert_int_equal(st.star, 1);
    assert_int_equal(np, 6);
    static const uint32_t want[6][3] = {{0, 1, 2}, {0, 2, 2}, {0, 3, 1}, {0, 4, 1}, {0, 5, 1}, {1, 2, 2}};
    for (size_t i = 0; i < np; i++) {
        assert_int_equal(p[i].a, want[i][0]);
        assert_int_equal(p[i].b, want[i][1]);
        assert_int_equal(p[i].shared, want[i][2]);
    }
    free(p);
}

/* ---------- the threaded index against a plain reference ---------- */

static int by_hash_doc_pos(const void *x, const void *y)
{
    const nd_anchor *a = x, *b = y;
    if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
    if (a->doc != b->doc) return a->doc < b->doc ? -1 : 1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

static int by_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* The index by definition: sort by (hash, doc, pos), count each run's
 * documents, all pairs of a kept run's documents, sorted and counted. */
static void reference_pairs(const nd_anchor *occ, size_t n, uint64_t max_df, uint32_t split,
                            nd_anchor_pair **pairs, size_t *npairs, nd_anchor_stats *st, nd_anchor **drop)
{
    nd_anchor *r = malloc(n * sizeof *r);
    memcpy(r, occ, n * sizeof *r);
    qsort(r, n, sizeof *r, by_hash_doc_pos);
    memset(st, 0, sizeof *st);
    uint64_t *pk = malloc(1 << 20), *docs = malloc(n * sizeof *docs);
    size_t np = 0, pcap = (1 << 20) / sizeof *pk;
    *drop = malloc((n ? n : 1) * sizeof **drop);
    for (size_t i = 0; i < n;) {
        size_t k = i, nd = 0;
        for (; k < n && r[k].hash == r[i].hash; k++)
            if (!nd || docs[nd - 1] != r[k].doc) docs[nd++] = r[k].doc;
        st->anchors++;
        if (nd > max_df) {
            st->dropped++;
            for (size_t x = i; x < k; x++) (*drop)[st->dropped_occ++] = r[x];
        } else if (nd > 1) {
            if (nd > st->max_df_seen) st->max_df_seen = nd;
            for (size_t x = 0; x < nd; x++)
                for (size_t y = x + 1; y < nd; y++) {
                    if (split && !(docs[x] < split && docs[y] >= split)) continue;
                    if (np == pcap) pk = realloc(pk, (pcap *= 2) * sizeof *pk);
                    pk[np++] = docs[x] << 32 | docs[y];
                }
        }
        i = k;
    }
    for (size_t i = 0; i < st->dropped_occ; i++) {
        nd_anchor a = (*drop)[i];
        (*drop)[i] = (nd_anchor){(uint64_t)a.doc << 32 | a.pos, a.doc, a.pos};
    }
    qsort(*drop, st->dropped_occ, sizeof **drop, by_u64); /* keys are unique: (doc, pos) */
    qsort(pk, np, sizeof *pk, by_u64);
    *pairs = malloc((np ? np : 1) * sizeof **pairs);
    *npairs = 0;
    for (size_t i = 0; i < np;) {
        size_t k = i;
        while (k < np && pk[k] == pk[i]) k++;
        (*pairs)[(*npairs)++] = (nd_anchor_pair){(uint32_t)(pk[i] >> 32), (uint32_t)pk[i], (uint32_t)(k - i), ND_PAIR_UNRELATED}; /* no fingerprint among them */
        i = k;
    }
    free(pk);
    free(docs);
    free(r);
}

/* About 130,000 occurrences (several sorting slices and listing chunks) of
 * hashes drawn so that document frequencies span 1 to hundreds (some runs
 * dropped), documents repeat an anchor, and one block of hashes is skewed
 * (all in the lowest bucket: the large-bucket sort); every thread count,
 * with and without a split, and occurrences given out of order, must give
 * the reference's pairs, counts, statistics and dropped occurrences. */
static void index_threads(void **state)
{
    const uint32_t ndoc = 3000;
    size_t cap = 200000, n = 0;
    nd_anchor *occ = malloc(cap * sizeof *occ);
    uint64_t rs = 42;
    for (uint32_t d = 0; d < ndoc; d++) {
        uint32_t pos = (uint32_t)(rng_next(&rs) % 5), na = 10 + (uint32_t)(rng_next(&rs) % 70);
        for (uint32_t k = 0; k < na; k++) {
            uint64_t r = rng_next(&rs), h;
            switch (r % 10) {
            case 0: h = rng_next(&rs) % 40; break;                        /* skewed: bucket 0, high df */
            case 1: case 2: h = rng_next(&rs) % 3000 * UINT64_C(0x9e3779b97f4a7c15); break; /* df ~ 10 */
            case 3: h = (rng_next(&rs) % 200 + 1) * UINT64_C(0x94d049bb133111eb); break;      /* df ~ 100 */
            case 4: h = occ[n ? n - 1 : 0].hash; break;                   /* a repeat in this document */
            default: h = rng_next(&rs);                                   /* in one document */
            }
            if (n == 0 && r % 10 == 4) h = 1;
            occ[n++] = (nd_anchor){h, d, pos};
            pos += 1 + (uint32_t)(rng_next(&rs) % 12);
        }
    }
    assert_true(n > 65536 && n <= cap);
    nd_anchor *copy = malloc(n * sizeof *copy);
    for (int variant = 0; variant < 4; variant++) {
        uint64_t max_df = variant == 1 ? 5000 : 50;
        uint32_t split = variant == 2 ? ndoc / 3 : 0;
        nd_anchor_pair *want;
        size_t nwant;
        nd_anchor_stats wst;
        nd_anchor *wdrop;
        reference_pairs(occ, n, max_df, split, &want, &nwant, &wst, &wdrop);
        assert_true(nwant > 1000);
        if (variant != 1) assert_true(wst.dropped > 10);
        for (unsigned threads = 1; threads <= 4; threads++) {
            memcpy(copy, occ, n * sizeof *copy);
            if (variant == 3) /* out of (doc, pos) order: reversed */
                for (size_t i = 0; i < n / 2; i++) {
                    nd_anchor t = copy[i];
                    copy[i] = copy[n - 1 - i];
                    copy[n - 1 - i] = t;
                }
            nd_anchor_pair *p;
            size_t np;
            nd_anchor_stats st;
            assert_int_equal(nd_anchor_pairs(copy, n, max_df, max_df, split, 0, threads, NULL, &p, &np, &st), NEARDUP_OK);
            assert_int_equal(np, nwant);
            assert_memory_equal(p, want, np * sizeof *p);
            assert_int_equal(st.anchors, wst.anchors);
            assert_int_equal(st.dropped, wst.dropped);
            assert_int_equal(st.dropped_occ, wst.dropped_occ);
            assert_int_equal(st.max_df_seen, wst.max_df_seen);
            assert_memory_equal(copy, wdrop, st.dropped_occ * sizeof *copy);
            free(p);
        }
        free(want);
        free(wdrop);
    }
    free(copy);
    free(occ);
}

/* nd_doc_anchors, the kernel of overlap, index build and query, selects what
 * shingling with ND_ANCHOR_SHINGLE_SEED and winnowing select, with the
 * scratch reused across documents of growing length. */
static void doc_anchors(void **state)
{
    uint64_t rng = 5;
    nd_anchor_scratch s = {0};
    for (size_t ntok = 0; ntok < 400; ntok = ntok * 2 + 3) {
        nd_tokens t = {malloc((ntok + 1) * sizeof(uint64_t)), NULL, ntok, 0};
        for (size_t i = 0; i < ntok; i++) t.hash[i] = rng_next(&rng) % 50;
        size_t m = nd_shingle_count(ntok, 5), n;
        uint64_t *sh = malloc((m + 1) * sizeof *sh), *hash = malloc((m + 1) * sizeof *hash);
        uint32_t *pos = malloc((m + 1) * sizeof *pos);
        nd_shingle(t.hash, ntok, 5, ND_ANCHOR_SHINGLE_SEED, sh);
        size_t k = nd_winnow(sh, m, nd_anchor_window(20, 5), 77, pos, hash);
        assert_int_equal(nd_doc_anchors(&t, 5, nd_anchor_window(20, 5), 77, &s, &n), NEARDUP_OK);
        assert_int_equal(n, k);
        if (k) {
            assert_memory_equal(s.pos, pos, k * sizeof *pos);
            assert_memory_equal(s.hash, hash, k * sizeof *hash);
        }
        free(sh), free(hash), free(pos), free(t.hash);
    }
    nd_anchor_scratch_free(&s);
    /* masked words: unique keys, unique hashes */
    assert_true(nd_mask_word(1) != nd_mask_word(2));
    assert_true(nd_mask_word((uint64_t)1 << 32) != nd_mask_word(1));
}

/* Sentence fingerprints are weighed by rarity: one in df > max_df_sentence
 * documents gives each pair of its carriers max_df_sentence / df of a rare
 * one's evidence, and a pair needs ND_REUSE_MIN_SHARED rare ones' worth. */
static void weighted_fingerprints(void **state)
{
    (void)state;
    nd_anchor occ[64];
    size_t n = 0;
    for (uint32_t d = 0; d < 18; d++) {
        uint32_t k = 0;
        if (d < 10) /* 100..102: in docs 0..9 (df 10, half a rare one's weight each) */
            for (uint64_t h = 100; h <= 102; h++) occ[n++] = (nd_anchor){h, d, ND_ANCHOR_SENTENCE | k++};
        if (d < 2 || d >= 10) occ[n++] = (nd_anchor){103, d, ND_ANCHOR_SENTENCE | k++}; /* docs 0, 1, 10..17 */
        if (d == 2 || d == 3) occ[n++] = (nd_anchor){200, d, ND_ANCHOR_SENTENCE | k++}; /* rare: df 2 */
    }
    nd_anchor_pair *p;
    size_t np;
    nd_anchor_stats st;
    assert_int_equal(nd_anchor_pairs(occ, n, 50, 5, 0, 0, 1, NULL, &p, &np, &st), NEARDUP_OK);
    assert_int_equal(st.dropped, 0); /* none over max_df: weighed, not dropped */
    /* (0, 1): four of df 10 = 2 rare ones; (2, 3): one rare + three of df 10;
     * the other pairs of 0..9: three of df 10 (1.5), too little */
    assert_int_equal(np, 2);
    assert_int_equal(p[0].a, 0), assert_int_equal(p[0].b, 1), assert_int_equal(p[0].shared, 4);
    assert_int_equal(p[0].related, ND_PAIR_RELATED);
    assert_int_equal(p[1].a, 2), assert_int_equal(p[1].b, 3), assert_int_equal(p[1].shared, 4);
    assert_int_equal(p[1].related, ND_PAIR_RELATED);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(guarantee),
        cmocka_unit_test(doc_anchors),
        cmocka_unit_test(short_documents),
        cmocka_unit_test(index_pairs),
        cmocka_unit_test(index_threads),
        cmocka_unit_test(weighted_fingerprints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
