/* test_minhash.c - MinHash estimates are unbiased, deterministic and order-free. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "minhash.h"
#include "nd_test.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Two sets with |A n B| = inter, |A \ B| = |B \ A| = only: J = inter / (inter + 2 only). */
static void make_sets(uint64_t *rng, size_t inter, size_t only, uint64_t *a, uint64_t *b)
{
    for (size_t i = 0; i < inter; i++) a[i] = b[i] = rng_next(rng);
    for (size_t i = 0; i < only; i++) {
        a[inter + i] = rng_next(rng);
        b[inter + i] = rng_next(rng);
    }
}

typedef void (*sketch_fn)(const uint64_t *, size_t, unsigned, uint64_t, uint32_t *);

/* Mean estimate over many independent seeds must sit within 4 standard
 * errors (measured from the trials themselves) of the true Jaccard. */
static void check_unbiased(sketch_fn fn, size_t inter, size_t only, unsigned k, int trials)
{
    size_t n = inter + only;
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    uint32_t *sa = malloc(k * sizeof *sa), *sb = malloc(k * sizeof *sb);
    double truth = (double)inter / (inter + 2 * only), sum = 0, sum2 = 0;
    uint64_t rng = 42;
    for (int t = 0; t < trials; t++) {
        make_sets(&rng, inter, only, a, b);
        uint64_t seed = rng_next(&rng);
        fn(a, n, k, seed, sa);
        fn(b, n, k, seed, sb);
        double e = nd_minhash_jaccard(sa, sb, k);
        sum += e;
        sum2 += e * e;
    }
    double mean = sum / trials, var = sum2 / trials - mean * mean;
    double se = sqrt(var / trials);
    /* the per-trial spread must also be near the binomial one, J(1-J)/k */
    double binom = truth * (1 - truth) / k;
    print_message("J=%.3f mean=%.4f se=%.4f var=%.5f binomial=%.5f\n", truth, mean, se, var, binom);
    assert_true(fabs(mean - truth) <= 4 * se + 1e-9);
    assert_true(var <= 3 * binom + 1e-6);
    free(a);
    free(b);
    free(sa);
    free(sb);
}

static void test_oph_unbiased_large_sets(void **state)
{
    check_unbiased(nd_minhash, 600, 200, 128, 2000);  /* J = 0.6 */
    check_unbiased(nd_minhash, 900, 50, 128, 2000);   /* J = 0.9 */
    check_unbiased(nd_minhash, 100, 450, 128, 2000);  /* J = 0.1 */
}

/* Fewer shingles than bins: densification fills most lanes. */
static void test_oph_unbiased_small_sets(void **state)
{
    check_unbiased(nd_minhash, 12, 4, 128, 3000); /* J = 0.6 */
    check_unbiased(nd_minhash, 3, 1, 128, 3000);  /* J = 0.6 with 4-element sets */
}

static void test_kperm_unbiased(void **state)
{
    check_unbiased(nd_minhash_kperm, 600, 200, 128, 1000);
}

static void test_signature_order_free_and_deterministic(void **state)
{
    uint64_t rng = 7, a[300], b[300];
    for (int i = 0; i < 300; i++) a[i] = b[299 - i] = rng_next(&rng);
    uint32_t sa[128], sb[128], sc[128];
    nd_minhash(a, 300, 128, 99, sa);
    nd_minhash(b, 300, 128, 99, sb);
    assert_memory_equal(sa, sb, sizeof sa);
    nd_minhash(a, 300, 128, 100, sc); /* another seed, another signature */
    assert_true(nd_minhash_jaccard(sa, sc, 128) < 0.2);
    assert_true(nd_minhash_jaccard(sa, sb, 128) == 1.0);
}

static void test_empty_set_signature(void **state)
{
    uint32_t s[64];
    nd_minhash(NULL, 0, 64, 1, s);
    for (int i = 0; i < 64; i++) assert_int_equal(s[i], UINT32_MAX);
}

static void test_disjoint_sets_estimate_near_zero(void **state)
{
    uint64_t rng = 3, a[500], b[500];
    for (int i = 0; i < 500; i++) a[i] = rng_next(&rng), b[i] = rng_next(&rng);
    uint32_t sa[256], sb[256];
    nd_minhash(a, 500, 256, 5, sa);
    nd_minhash(b, 500, 256, 5, sb);
    assert_true(nd_minhash_jaccard(sa, sb, 256) < 0.02);
}

/* Multiplicative inverse of an odd a modulo 2^64 (Newton's iteration). */
static uint64_t inv64(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++) x *= 2 - a * x;
    return x;
}

/* The inverse of minhash.c's fmix64 (MurmurHash3's finaliser). */
static uint64_t unfmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= inv64(UINT64_C(0xc4ceb9fe1a85ec53));
    x ^= x >> 33;
    x *= inv64(UINT64_C(0xff51afd7ed558ccd));
    x ^= x >> 33;
    return x;
}

/* nd_minhash gives exactly nd_minhash_ref's signature: random sets of 0..700
 * shingles (fewer than, about as many as, more than k: densification from
 * nearly all to no empty bins), k from 1 to 4096, random seeds; and sets
 * holding shingles whose 32-bit value is UINT32_MAX (built by inverting the
 * mix), alone in their bin or not, where "lane == UINT32_MAX" does not mean
 * "empty bin". */
static void test_fast_matches_reference(void **state)
{
    static const unsigned ks[] = {1, 2, 7, 63, 64, 65, 100, 128, 200, 256, 1000, 4096};
    uint64_t rng = 2024, set[700];
    uint32_t *fast = malloc(4096 * sizeof *fast), *ref = malloc(4096 * sizeof *ref);
    for (int iter = 0; iter < 3000; iter++) {
        unsigned k = ks[iter % (sizeof ks / sizeof *ks)];
        size_t m = (size_t)(rng_next(&rng) % (iter % 5 == 0 ? 20 : 700));
        uint64_t seed = rng_next(&rng);
        for (size_t i = 0; i < m; i++) set[i] = rng_next(&rng);
        if (iter % 4 == 1 && m > 0) {
            /* plant UINT32_MAX values: in a random bin, and in the bin of another shingle */
            size_t planted = 1 + rng_next(&rng) % 3;
            for (size_t p = 0; p < planted && p < m; p++) {
                uint64_t bin = rng_next(&rng) % k;
                if (p == 1) { /* the bin of set[0]'s mix */
                    uint64_t x = set[0] ^ seed;
                    x ^= x >> 33, x *= UINT64_C(0xff51afd7ed558ccd), x ^= x >> 33;
                    x *= UINT64_C(0xc4ceb9fe1a85ec53), x ^= x >> 33;
                    bin = ((x >> 32) * k) >> 32;
                }
                /* an upper half whose fast range lands in bin */
                uint64_t hi = ((bin << 32) + k - 1) / k;
                set[m - 1 - p] = unfmix64(hi << 32 | UINT32_MAX) ^ seed;
            }
        }
        nd_minhash(set, m, k, seed, fast);
        nd_minhash_ref(set, m, k, seed, ref);
        assert_memory_equal(fast, ref, k * sizeof *fast);
        /* and with the densification table (k <= 256), which takes over
         * below ~sqrt(8 k) filled bins */
        if (iter % 3 == 0) {
            nd_minhasher *mh = nd_minhasher_new(k, seed);
            assert_non_null(mh);
            nd_minhash_sig(mh, set, m, fast);
            assert_memory_equal(fast, ref, k * sizeof *fast);
            for (size_t few = 1; few <= 40 && few <= m; few += 1 + few / 4) {
                nd_minhash_sig(mh, set, few, fast);
                nd_minhash_ref(set, few, k, seed, ref);
                assert_memory_equal(fast, ref, k * sizeof *fast);
            }
            nd_minhasher_free(mh);
        }
    }
    /* a set of only UINT32_MAX values: every lane UINT32_MAX, but every bin
     * filled from a planted one (the reference's densification copies it) */
    uint64_t seed = 77;
    for (size_t i = 0; i < 3; i++) set[i] = unfmix64((uint64_t)(i * 0x40000000u) << 32 | UINT32_MAX) ^ seed;
    nd_minhash(set, 3, 128, seed, fast);
    nd_minhash_ref(set, 3, 128, seed, ref);
    assert_memory_equal(fast, ref, 128 * sizeof *fast);
    free(fast);
    free(ref);
}

/* Issue 19, defect 1: documents with one shingle (fewer than n + 1 words)
 * used to get k copies of one 32-bit value, so two unrelated ones agreed on
 * every lane with probability 2^-32 (a million two-word documents: ~100
 * pairs "at Jaccard 1").  Shingles whose mixed hashes share their low 32
 * bits (built by inverting the mix) must now agree on about no lane, alone
 * or beside other shingles, for every k, with and without the table. */
static void test_short_sets_lanes_independent(void **state)
{
    static const unsigned ks[] = {16, 64, 128, 256, 1000};
    uint64_t rng = 19;
    for (unsigned ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
        unsigned k = ks[ki];
        uint32_t *sa = malloc(k * sizeof *sa), *sb = malloc(k * sizeof *sb);
        nd_minhasher *mh = nd_minhasher_new(k, 0);
        for (int iter = 0; iter < 200; iter++) {
            uint64_t seed = rng_next(&rng);
            nd_minhasher_free(mh);
            mh = nd_minhasher_new(k, seed);
            uint32_t lo = (uint32_t)rng_next(&rng);
            uint64_t x1 = (rng_next(&rng) << 32) | lo, x2 = (rng_next(&rng) << 32) | lo;
            if (x1 == x2) continue;
            uint64_t a[3] = {unfmix64(x1) ^ seed, rng_next(&rng), rng_next(&rng)};
            uint64_t b[3] = {unfmix64(x2) ^ seed, rng_next(&rng), rng_next(&rng)};
            for (size_t m = 1; m <= 3; m++) {
                nd_minhash(a, m, k, seed, sa);
                nd_minhash(b, m, k, seed, sb);
                /* two lanes by chance would be 2^-30; the old signatures agreed on k / m or more */
                assert_true(nd_minhash_jaccard(sa, sb, k) * k <= 2);
                nd_minhash_sig(mh, b, m, sa);
                assert_memory_equal(sa, sb, k * sizeof *sa);
            }
        }
        nd_minhasher_free(mh);
        free(sa);
        free(sb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oph_unbiased_large_sets),
        cmocka_unit_test(test_oph_unbiased_small_sets),
        cmocka_unit_test(test_kperm_unbiased),
        cmocka_unit_test(test_signature_order_free_and_deterministic),
        cmocka_unit_test(test_empty_set_signature),
        cmocka_unit_test(test_disjoint_sets_estimate_near_zero),
        cmocka_unit_test(test_fast_matches_reference),
        cmocka_unit_test(test_short_sets_lanes_independent),
    };
    return cmocka_run_group_tests_name("minhash", tests, NULL, NULL);
}
