/* test_lsh.c - band parameters, candidate pairs, recall on planted pairs, clusters. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "lsh.h"
#include "minhash.h"
#include "nd_test.h"
#include "sketch.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static double p_cand(double s, unsigned b, unsigned r) { return 1 - pow(1 - pow(s, r), b); }

static void test_params_fit_and_separate(void **state)
{
    double ts[] = {0.3, 0.5, 0.7, 0.8, 0.9};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        unsigned b, r;
        nd_lsh_params(ts[i], 128, &b, &r);
        print_message("t=%.1f: %u bands x %u rows; P(t+0.1)=%.3f P(t-0.2)=%.3f\n", ts[i], b, r,
                      p_cand(fmin(ts[i] + 0.1, 1), b, r), p_cand(ts[i] - 0.2, b, r));
        assert_true(b * r <= 128);
        assert_true(p_cand(fmin(ts[i] + 0.1, 1.0), b, r) >= 0.95);
        assert_true(p_cand(ts[i] - 0.2, b, r) <= 0.3);
    }
    unsigned b1, r1, b2, r2;
    nd_lsh_params(0.5, 128, &b1, &r1);
    nd_lsh_params(0.9, 128, &b2, &r2);
    assert_true(r2 > r1); /* a higher threshold asks for more rows per band */
}

static void test_candidates_each_pair_once(void **state)
{
    /* docs 0,1,2 share key 10 in two bands; doc 3 alone; docs 1,3 share key 20 */
    nd_band_rec r[] = {{10, 0, 0}, {10, 1, 0}, {10, 2, 0}, {11, 0, 0}, {11, 1, 0}, {11, 2, 0},
                       {12, 3, 0}, {20, 1, 0}, {20, 3, 0}};
    nd_pair *p;
    size_t n;
    assert_int_equal(nd_lsh_candidates(r, 9, SIZE_MAX, &p, &n), NEARDUP_OK);
    assert_int_equal(n, 4);
    nd_pair want[] = {{0, 1}, {0, 2}, {1, 2}, {1, 3}};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(p[i].a, want[i].a);
        assert_int_equal(p[i].b, want[i].b);
    }
    free(p);
}

static void test_big_bucket_stays_connected_not_quadratic(void **state)
{
    enum { M = 1000 };
    nd_band_rec *r = malloc(M * sizeof *r);
    for (uint32_t i = 0; i < M; i++) r[i] = (nd_band_rec){77, i, 0};
    nd_pair *p;
    size_t n;
    assert_int_equal(nd_lsh_candidates(r, M, 64, &p, &n), NEARDUP_OK);
    assert_true(n < 2 * M);
    uint32_t *rep = malloc(M * sizeof *rep);
    nd_cluster(M, p, n, rep);
    for (int i = 0; i < M; i++) assert_int_equal(rep[i], 0);
    free(p);
    free(rep);
    free(r);
}

/* 300 base sets, each with a copy at Jaccard 0.9 (t = 0.8 + 0.1): LSH must
 * propose at least 95% of them, and few unrelated pairs. */
static void test_recall_on_planted_pairs(void **state)
{
    enum { N = 300, SZ = 400, K = 128 };
    unsigned b, r;
    nd_lsh_params(0.8, K, &b, &r);
    uint64_t rng = 11, *set = malloc(SZ * sizeof *set);
    uint32_t *sig = malloc((size_t)2 * N * K * sizeof *sig);
    nd_band_rec *recs = malloc((size_t)2 * N * b * sizeof *recs);
    /* |A n B| = 380, |A u B| = 420: J = 0.905 */
    for (int d = 0; d < N; d++) {
        for (int i = 0; i < SZ; i++) set[i] = rng_next(&rng);
        nd_minhash(set, SZ, K, 1, sig + (size_t)(2 * d) * K);
        for (int i = 0; i < 20; i++) set[i] = rng_next(&rng);
        nd_minhash(set, SZ, K, 1, sig + (size_t)(2 * d + 1) * K);
    }
    for (uint32_t d = 0; d < 2 * N; d++) nd_lsh_band_records(sig + (size_t)d * K, b, r, 9, d, recs + (size_t)d * b);
    nd_pair *p;
    size_t n;
    assert_int_equal(nd_lsh_candidates(recs, (size_t)2 * N * b, SIZE_MAX, &p, &n), NEARDUP_OK);
    size_t planted = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].a % 2 == 0 && p[i].b == p[i].a + 1) planted++;
        else other++;
    }
    print_message("planted found %zu/%d, unrelated candidates %zu\n", planted, N, other);
    assert_true(planted >= 0.95 * N);
    assert_true(other <= 5);
    free(p);
    free(set);
    free(sig);
    free(recs);
}

static void test_cluster_keeps_first_in_input_order(void **state)
{
    nd_pair p[] = {{5, 7}, {3, 5}, {1, 2}, {7, 9}};
    uint32_t rep[10];
    nd_cluster(10, p, 4, rep);
    uint32_t want[10] = {0, 1, 1, 3, 4, 3, 6, 3, 8, 3};
    assert_memory_equal(rep, want, sizeof want);
}

static void test_pairs_unique_sorts(void **state)
{
    nd_pair p[] = {{3, 4}, {1, 2}, {3, 4}, {0, 9}, {1, 2}};
    size_t n = nd_pairs_unique(p, 5);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].a, 0);
    assert_int_equal(p[1].a, 1);
    assert_int_equal(p[2].a, 3);
}

/* dedup's connect_only path (a spanning forest, union-find first) gives the
 * clusters of all accepted pairs, the same edges at 1, 2 and 3 threads: families drifting in chains (a ~ b ~ c, a
 * not ~ c), near-identical families, unrelated documents, a small bucket cap
 * so big buckets take the linked path too, at several thresholds. */
static void test_connect_only_same_clusters(void **state)
{
    enum { FAMILIES = 60, MEMBERS = 9, SET = 80 };
    const unsigned k = 128;
    size_t n = FAMILIES * MEMBERS + 50;
    nd_sketches s = {.n = n, .k = k};
    s.sig = malloc(n * k * sizeof *s.sig);
    s.nshingles = malloc(n * sizeof *s.nshingles);
    uint64_t set[SET], rng = 4242;
    size_t d = 0;
    for (int f = 0; f < FAMILIES; f++) {
        for (int i = 0; i < SET; i++) set[i] = rng_next(&rng);
        int drift = f % 4 == 0 ? 1 : 6 + f % 10; /* shingles replaced from one member to the next */
        for (int m = 0; m < MEMBERS; m++, d++) {
            for (int e = 0; m > 0 && e < drift; e++) set[rng_next(&rng) % SET] = rng_next(&rng);
            nd_minhash(set, SET, k, 99, s.sig + d * k);
            s.nshingles[d] = SET;
        }
    }
    for (; d < n; d++) { /* unrelated */
        for (int i = 0; i < SET; i++) set[i] = rng_next(&rng);
        nd_minhash(set, SET, k, 99, s.sig + d * k);
        s.nshingles[d] = SET;
    }
    /* scatter the families over the corpus (input order is not family order) */
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = rng_next(&rng) % (i + 1);
        uint32_t tmp[128];
        memcpy(tmp, s.sig + i * k, sizeof tmp);
        memcpy(s.sig + i * k, s.sig + j * k, sizeof tmp);
        memcpy(s.sig + j * k, tmp, sizeof tmp);
    }
    double ts[] = {0.5, 0.7, 0.8, 0.9};
    size_t caps[] = {SIZE_MAX, 3};
    uint32_t *rep_all = malloc(n * sizeof *rep_all), *rep_forest = malloc(n * sizeof *rep_forest);
    for (size_t ti = 0; ti < sizeof ts / sizeof *ts; ti++) {
        for (size_t ci = 0; ci < 2; ci++) {
            nd_pairs_opts o = {.threshold = ts[ti], .max_bucket = caps[ci], .band_seed = 7, .threads = 2};
            nd_scored_pair *p[2];
            size_t np[2];
            nd_pairs_stats st[2];
            nd_error err;
            for (int forest = 0; forest < 2; forest++) {
                o.connect_only = forest;
                assert_int_equal(nd_find_pairs(&s, &o, &p[forest], &np[forest], &st[forest], &err), NEARDUP_OK);
            }
            nd_pair *pp = malloc((np[0] + np[1] + 1) * sizeof *pp);
            for (int forest = 0; forest < 2; forest++) {
                for (size_t i = 0; i < np[forest]; i++) pp[i] = (nd_pair){p[forest][i].a, p[forest][i].b};
                assert_int_equal(nd_cluster(n, pp, np[forest], forest ? rep_forest : rep_all), NEARDUP_OK);
            }
            assert_memory_equal(rep_all, rep_forest, n * sizeof *rep_all);
            /* bands are sorted on every thread but joined in band order: the
             * same forest edges and scores for any thread count */
            for (unsigned t = 1; t <= 4; t += 2) {
                nd_pairs_opts ot = o;
                ot.threads = t;
                nd_scored_pair *pt;
                size_t npt;
                nd_pairs_stats stt;
                assert_int_equal(nd_find_pairs(&s, &ot, &pt, &npt, &stt, &err), NEARDUP_OK);
                assert_int_equal(npt, np[1]);
                assert_int_equal(stt.candidates, st[1].candidates);
                assert_int_equal(stt.band_records, st[1].band_records);
                if (npt) assert_memory_equal(pt, p[1], npt * sizeof *pt);
                free(pt);
            }
            assert_true(np[1] <= np[0]);       /* a forest: fewer edges */
            assert_true(np[1] > FAMILIES / 2); /* and the test has clusters at all */
            print_message("t=%.1f cap=%zu: %zu pairs, %zu forest edges, %llu scored\n", ts[ti], caps[ci],
                          np[0], np[1], (unsigned long long)st[1].candidates);
            free(pp);
            free(p[0]);
            free(p[1]);
        }
    }
    free(rep_all);
    free(rep_forest);
    free(s.sig);
    free(s.nshingles);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* nd_sort_u64 against qsort on the key shapes it meets: uniform hashes, pair
 * keys a << 32 | b with small a, a narrow range, many repeats, all zero. */
static void test_sort_u64_shapes(void **state)
{
    uint64_t rng = 77;
    size_t sizes[] = {0, 1, 63, 64, 65, 1000, 70000};
    for (int shape = 0; shape < 5; shape++)
        for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
            size_t n = sizes[si];
            uint64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
            for (size_t i = 0; i < n; i++) {
                uint64_t r = rng_next(&rng);
                a[i] = shape == 0 ? r
                     : shape == 1 ? (r % 5000) << 32 | (rng_next(&rng) % 40000)
                     : shape == 2 ? 1000 + r % 300
                     : shape == 3 ? r % 3
                     : 0;
                b[i] = a[i];
            }
            assert_int_equal(nd_sort_u64(a, n), NEARDUP_OK);
            qsort(b, n, sizeof *b, cmp_u64);
            if (n) assert_memory_equal(a, b, n * sizeof *a);
            free(a);
            free(b);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_fit_and_separate),
        cmocka_unit_test(test_candidates_each_pair_once),
        cmocka_unit_test(test_big_bucket_stays_connected_not_quadratic),
        cmocka_unit_test(test_recall_on_planted_pairs),
        cmocka_unit_test(test_cluster_keeps_first_in_input_order),
        cmocka_unit_test(test_pairs_unique_sorts),
        cmocka_unit_test(test_connect_only_same_clusters),
        cmocka_unit_test(test_sort_u64_shapes),
    };
    return cmocka_run_group_tests_name("lsh", tests, NULL, NULL);
}
