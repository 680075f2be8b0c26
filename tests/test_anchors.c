/* test_anchors.c - the winnowing guarantee (every shared run of >= W words
 * holds a shared anchor), anchor density, and the anchor index: pairs once,
 * boilerplate dropped and returned for masking, inputs x references. */
#include <stdlib.h>
#include <string.h>

#include "anchors.h"
#include "nd_test.h"

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
    assert_int_equal(nd_anchor_pairs(copy, n, 5, 0, &p, &np, &st), NEARDUP_OK);
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
    assert_int_equal(nd_anchor_pairs(copy, n, 100, 2, &p, &np, &st), NEARDUP_OK);
    assert_int_equal(st.dropped, 0);
    assert_int_equal(np, 8); /* 0-2..0-5 and 1-2..1-5 */
    assert_int_equal(p[4].a, 1), assert_int_equal(p[4].b, 2), assert_int_equal(p[4].shared, 3);
    for (size_t i = 0; i < np; i++) assert_true(p[i].a < 2 && p[i].b >= 2);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(guarantee),
        cmocka_unit_test(short_documents),
        cmocka_unit_test(index_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
