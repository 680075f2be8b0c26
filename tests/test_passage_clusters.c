/* test_passage_clusters.c - the clustering kernel: A-B and B-C over one span
 * of B join, disjoint spans do not, witnesses by rank, the source (first
 * witness, or first reference), clusters inside one series left out, the
 * link order does not matter; and the anchor index's series rules: footers
 * dropped, reprints spread over series paired with a representative
 * (linear), pairs inside a series not listed. */
#include <stdlib.h>
#include <string.h>

#include "anchors.h"
#include "nd_test.h"
#include "passage_clusters.h"

static nd_link link_of(uint32_t a, uint32_t at, uint32_t ae, uint32_t b, uint32_t bt, uint32_t be)
{
    /* bytes: 6 a word */
    return (nd_link){a, b, at, ae, bt, be, 6 * at, 6 * ae, 6 * bt, 6 * be};
}

static void chain_joins(void **state)
{
    /* A(0)-B(1) over B[10, 40), B-C(2) over B[20, 50): one cluster of 3;
     * D(3)-E(4) elsewhere; B-D over B[100, 130): not joined (disjoint in B) */
    nd_link l[] = {link_of(0, 0, 30, 1, 10, 40), link_of(1, 20, 50, 2, 5, 35), link_of(3, 0, 25, 4, 0, 25),
                   link_of(1, 100, 130, 3, 50, 80)};
    nd_pcluster_opts o = {NULL, NULL, 0, 0, 5};
    nd_pclusters c;
    assert_int_equal(nd_passage_clusters(l, 4, &o, &c), NEARDUP_OK);
    assert_int_equal(c.nc, 3);
    /* clusters by first witness: {0, 1, 2}, then {1@100, 3@50}, then {3@0, 4} */
    assert_int_equal(c.c[0].n, 3);
    assert_int_equal(c.c[0].ndocs, 3);
    assert_int_equal(c.w[c.c[0].first + 1].doc, 1);
    assert_int_equal(c.w[c.c[0].first + 1].tok, 10); /* the union of B's two spans */
    assert_int_equal(c.w[c.c[0].first + 1].tok_end, 50);
    assert_int_equal(c.w[c.c[0].first + 1].start, 60);
    assert_int_equal(c.w[c.c[0].first + 1].end, 300);
    assert_int_equal(c.c[0].source, c.c[0].first);
    assert_int_equal(c.c[1].ndocs, 2);
    assert_int_equal(c.w[c.c[1].first].doc, 1);
    assert_int_equal(c.w[c.c[1].first].tok, 100);
    assert_int_equal(c.c[2].ndocs, 2);
    assert_int_equal(c.w[c.c[2].first].doc, 3);
    assert_int_equal(c.w[c.c[2].first].tok, 0);
    nd_pclusters_free(&c);
    /* overlapping by fewer than min_overlap words: not one text */
    nd_link m[] = {link_of(0, 0, 30, 1, 10, 40), link_of(1, 37, 60, 2, 0, 23)};
    assert_int_equal(nd_passage_clusters(m, 2, &o, &c), NEARDUP_OK);
    assert_int_equal(c.nc, 2);
    nd_pclusters_free(&c);
}

static void order_and_source(void **state)
{
    /* docs 0..3; ranks (dates): 3 earliest, then 1, 0, 2 */
    uint32_t rank[4] = {2, 1, 3, 0};
    nd_link l[] = {link_of(0, 0, 30, 1, 0, 30), link_of(0, 0, 30, 2, 0, 30), link_of(0, 0, 30, 3, 0, 30)};
    nd_link r[3];
    memcpy(r, l, sizeof l);
    nd_pcluster_opts o = {rank, NULL, 0, 0, 5};
    nd_pclusters c, d;
    assert_int_equal(nd_passage_clusters(l, 3, &o, &c), NEARDUP_OK);
    assert_int_equal(c.nc, 1);
    uint32_t want[4] = {3, 1, 0, 2};
    for (int i = 0; i < 4; i++) assert_int_equal(c.w[c.c[0].first + i].doc, want[i]);
    assert_int_equal(c.w[c.c[0].source].doc, 3); /* the earliest */
    /* references from doc 2 on: the source is the first reference by rank (3) */
    o.split = 2;
    nd_link r2[3] = {r[2], r[0], r[1]}; /* another collection order */
    assert_int_equal(nd_passage_clusters(r2, 3, &o, &d), NEARDUP_OK);
    assert_int_equal(d.w[d.c[0].source].doc, 3);
    nd_pclusters_free(&d);
    o.split = 0;
    assert_int_equal(nd_passage_clusters(r2, 3, &o, &d), NEARDUP_OK);
    assert_int_equal(d.nc, c.nc);
    assert_memory_equal(d.w, c.w, c.nw * sizeof *c.w); /* the order links came in does not matter */
    nd_pclusters_free(&c);
    nd_pclusters_free(&d);
}

static void within_series(void **state)
{
    uint32_t series[4] = {0, 0, 1, 1};
    nd_link l[] = {link_of(0, 0, 30, 1, 0, 30), link_of(2, 0, 30, 3, 0, 30), link_of(0, 40, 70, 2, 40, 70)};
    nd_pcluster_opts o = {NULL, series, 0, 0, 5};
    nd_pclusters c;
    assert_int_equal(nd_passage_clusters(l, 3, &o, &c), NEARDUP_OK);
    assert_int_equal(c.nc, 1); /* only 0-2, across series */
    assert_int_equal(c.c[0].nseries, 2);
    assert_int_equal(c.w[c.c[0].first].doc, 0);
    assert_int_equal(c.w[c.c[0].first].tok, 40);
    nd_pclusters_free(&c);
    o.within_series = 1;
    assert_int_equal(nd_passage_clusters(l, 3, &o, &c), NEARDUP_OK);
    assert_int_equal(c.nc, 3);
    nd_pclusters_free(&c);
}

/* The index with series (d % 200), max_df 2, max_series_df 2. */
static void anchor_series(void **state)
{
    enum { N = 600 };
    uint32_t series[N], rank[N];
    for (uint32_t d = 0; d < N; d++) series[d] = d % 200, rank[d] = N - 1 - d; /* the last is the earliest */
    nd_anchor *occ = malloc(3 * N * sizeof *occ);
    size_t n = 0;
    for (uint32_t d = 0; d < N; d++) {
        if (d < 200) occ[n++] = (nd_anchor){2, d, 1};               /* one doc in each of 200 series: a reprint */
        occ[n++] = (nd_anchor){3, d, 2};                            /* 3 docs in every series: a footer */
        if (d % 200 < 3 && d < 400) occ[n++] = (nd_anchor){4, d, 3}; /* docs 0-2, 200-202: 2 a series */
    }
    nd_anchor_scope sc = {series, rank, 0, 2};
    nd_anchor_pair *p;
    size_t np;
    nd_anchor_stats st;
    assert_int_equal(nd_anchor_pairs(occ, n, 2, 2, 0, 0, 1, &sc, &p, &np, &st), NEARDUP_OK);
    assert_int_equal(st.dropped, 1);
    assert_int_equal(st.spread, 2); /* anchors 2 and 4 */
    /* anchor 2: 199 star pairs to doc 199 (the earliest); anchor 4: docs
     * 0..2 and 200..202, representative 202; 2 is of its series: paired
     * with 201 (the first of another series) */
    size_t stars = 0;
    int has_2_201 = 0, has_2_202 = 0;
    for (size_t i = 0; i < np; i++) {
        assert_int_equal(p[i].shared, ND_ANCHOR_STAR);
        assert_true(series[p[i].a] != series[p[i].b]);
        stars++;
        has_2_201 |= p[i].a == 2 && p[i].b == 201;
        has_2_202 |= p[i].a == 2 && p[i].b == 202;
    }
    assert_int_equal(stars, st.star_pairs);
    assert_int_equal(stars, 199 + 5); /* linear: not 200 * 199 / 2 */
    assert_true(has_2_201 && !has_2_202);
    assert_int_equal(st.dropped_occ, N); /* the footer's, for masking */
    free(p);
    free(occ);
}

static void anchor_within(void **state)
{
    /* anchor 1 in docs 0, 1 (series 0) and 2 (series 1): pairs 0-2, 1-2 only */
    uint32_t series[3] = {0, 0, 1};
    nd_anchor occ[] = {{1, 0, 5}, {1, 1, 5}, {1, 2, 5}};
    nd_anchor_scope sc = {series, NULL, 0, 5};
    nd_anchor_pair *p;
    size_t np;
    nd_anchor_stats st;
    assert_int_equal(nd_anchor_pairs(occ, 3, 50, 5, 0, 0, 1, &sc, &p, &np, &st), NEARDUP_OK);
    assert_int_equal(np, 2);
    assert_int_equal(p[0].a, 0), assert_int_equal(p[0].b, 2);
    assert_int_equal(p[1].a, 1), assert_int_equal(p[1].b, 2);
    free(p);
    nd_anchor occ2[] = {{1, 0, 5}, {1, 1, 5}, {1, 2, 5}};
    sc.within_series = 1;
    assert_int_equal(nd_anchor_pairs(occ2, 3, 50, 5, 0, 0, 1, &sc, &p, &np, &st), NEARDUP_OK);
    assert_int_equal(np, 3);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_joins),
        cmocka_unit_test(order_and_source),
        cmocka_unit_test(within_series),
        cmocka_unit_test(anchor_series),
        cmocka_unit_test(anchor_within),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
