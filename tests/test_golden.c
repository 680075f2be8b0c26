/* test_golden.c - pinned values of every hash stage at the default
 * parameters.  If any of these changes, signatures in existing indexes (and
 * any sketches users stored) no longer match new ones: bump ND_INDEX_VERSION
 * in src/lib/index.h in the same change, and say so in the README. */
#include <sodium.h>
#include <string.h>

#include "nd_test.h"

static const char *TEXT = "It was the best of times, it was the worst of times, it was the age of wisdom, "
                          "it was the age of foolishness.";

static void golden(void **state)
{
    nd_seeds s;
    nd_seeds_from_seed(&s, ND_DEFAULT_SEED);
    assert_true(s.token_seed == UINT64_C(6083681922940641260));
    assert_true(s.shingle_seed == UINT64_C(15686786664919473716));
    assert_true(s.sketch_seed == UINT64_C(9916849344493870400));
    assert_true(s.anchor_seed == UINT64_C(5319959670650613694));
    nd_tokenizer *tk = nd_tokenizer_create(s.token_seed, 0);
    nd_tokens t = {0};
    size_t bad;
    assert_int_equal(nd_tokenize(tk, TEXT, strlen(TEXT), &t, &bad, NULL), NEARDUP_OK);
    assert_int_equal(t.n, 24);
    uint64_t sh[32];
    size_t m = nd_shingle(t.hash, t.n, 5, s.shingle_seed, sh);
    assert_int_equal(m, 20);
    uint32_t sig[128];
    nd_minhash(sh, m, 128, s.sketch_seed, sig);
    /* 20 shingles fill 17 of 128 bins; the other lanes borrow, and since
     * issue 19 (index format 2) a borrowing lane is a hash of the borrowed
     * minimum's 64 bits and of the lane (before: a copy of the 32-bit value,
     * so lanes 0 and 3, and 4 and 5, were equal here) */
    const uint32_t want[8] = {1598976300u, 282661212u, 1510335488u, 4157265943u,
                              4192183353u, 3189120015u, 3099316774u, 3960686121u};
    assert_memory_equal(sig, want, sizeof want);
    for (int i = 0; i < 128; i++) /* every lane its own value */
        for (int j = 0; j < i; j++) assert_true(sig[i] != sig[j]);
    unsigned bands, rows;
    nd_lsh_params(0.8, 128, &bands, &rows);
    assert_int_equal(bands, 14);
    assert_int_equal(rows, 9);
    nd_band_rec r[14];
    nd_lsh_band_records(sig, bands, rows, nd_band_seed(s.sketch_seed), 7, r);
    assert_true(r[0].key == UINT64_C(16393109415230756719));
    assert_true(r[1].key == UINT64_C(1515489637694857124));
    assert_int_equal(r[0].doc, 7);
    assert_true(nd_simhash(sh, m, s.sketch_seed) == UINT64_C(4244116648867401152));
    assert_int_equal(sodium_init() >= 0, 1);
    uint8_t d[ND_DIGEST_BYTES];
    nd_digest_tokens(&t, d);
    char hex[2 * ND_DIGEST_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    assert_string_equal(hex, "39201f92b6ce84392289a94479719c45"); /* XXH3-128; never stored in an index */
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
}

/* The public API gives the same signature as the internal stages. */
static void api_matches_internals(void **state)
{
    neardup_sketcher *sk = neardup_sketcher_create(NULL);
    uint32_t sig[128];
    assert_int_equal(neardup_sketch(sk, TEXT, strlen(TEXT), sig, NULL, NULL), NEARDUP_OK);
    assert_int_equal(sig[0], 1598976300u);
    assert_int_equal(sig[7], 3960686121u);
    neardup_sketcher_free(sk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(golden), cmocka_unit_test(api_matches_internals)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
