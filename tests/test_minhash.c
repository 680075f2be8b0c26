/* test_minhash.c - MinHash estimates are unbiased, deterministic and order-free. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oph_unbiased_large_sets),
        cmocka_unit_test(test_oph_unbiased_small_sets),
        cmocka_unit_test(test_kperm_unbiased),
        cmocka_unit_test(test_signature_order_free_and_deterministic),
        cmocka_unit_test(test_empty_set_signature),
        cmocka_unit_test(test_disjoint_sets_estimate_near_zero),
    };
    return cmocka_run_group_tests_name("minhash", tests, NULL, NULL);
}
