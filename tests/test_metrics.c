/* test_metrics.c - SimHash tables equal brute force, exact-duplicate groups
 * miss nothing, containment pairs are exact. */
#include <stdlib.h>
#include <string.h>

#include "lsh.h"
#include "nd_test.h"
#include "shingle.h"
#include "simhash.h"
#include "sketch.h"
#include "tokenize.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* 3,000 fingerprints: 600 random, each with 4 variants 0-6 bits away, so
 * every distance 0..6 occurs; pairs for D = 0..4 equal the brute force. */
static void simhash_tables_equal_brute_force(void **state)
{
    uint64_t rng = 3;
    size_t n = 3000;
    uint64_t *fp = malloc(n * sizeof *fp);
    uint8_t *live = malloc(n);
    for (size_t i = 0; i < n; i++) {
        live[i] = i % 97 != 5; /* a few empty documents take no part */
        if (i % 5 == 0) { fp[i] = rng_next(&rng); continue; }
        fp[i] = fp[i - i % 5];
        unsigned flips = (unsigned)(rng_next(&rng) % 7);
        for (unsigned f = 0; f < flips; f++) fp[i] ^= UINT64_C(1) << (rng_next(&rng) % 64);
    }
    for (unsigned d = 0; d <= 4; d++) {
        nd_pair *p;
        size_t np;
        assert_int_equal(nd_simhash_pairs(fp, live, n, d, &p, &np), NEARDUP_OK);
        size_t k = 0;
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++) {
                if (!live[a] || !live[b] || __builtin_popcountll(fp[a] ^ fp[b]) > (int)d) continue;
                assert_true(k < np);
                assert_int_equal(p[k].a, a);
                assert_int_equal(p[k].b, b);
                k++;
            }
        assert_int_equal(k, np);
        assert_true(np > 100); /* the test has teeth: many pairs at every D */
        free(p);
    }
    free(fp);
    free(live);
}

/* SimHash of near texts is near; of unrelated texts about 32 bits apart. */
static void simhash_locality(void **state)
{
    uint64_t rng = 4, a[400], b[400], c[400];
    for (int i = 0; i < 400; i++) a[i] = b[i] = rng_next(&rng), c[i] = rng_next(&rng);
    for (int i = 0; i < 8; i++) b[rng_next(&rng) % 400] = rng_next(&rng); /* 2% edits */
    uint64_t fa = nd_simhash(a, 400, 1), fb = nd_simhash(b, 400, 1), fc = nd_simhash(c, 400, 1);
    assert_true(__builtin_popcountll(fa ^ fb) <= 8);
    assert_true(__builtin_popcountll(fa ^ fc) >= 16);
}

static uint64_t digest_of(nd_tokenizer *tk, const char *s, uint8_t *d)
{
    nd_tokens t = {0};
    size_t bad;
    assert_int_equal(nd_tokenize(tk, s, strlen(s), &t, &bad, NULL), NEARDUP_OK);
    nd_digest_tokens(&t, d);
    uint64_t n = t.n;
    nd_tokens_free(&t);
    return n;
}

/* Texts equal after normalisation share a digest; groups equal brute force. */
static void exact_duplicates_never_missed(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(5, 0);
    const char *texts[] = {
        "The quick brown fox.", "the QUICK   brown\nfox", "The quick brown fox!!", "The quick brown dog.",
        "Caf\xc3\xa9 au lait", "CAFE\xcc\x81 AU LAIT", "cafe au lait", "The quick brown fox.",
        "\xef\xac\x81nance news", "finance, news",
    };
    size_t n = sizeof texts / sizeof *texts;
    uint8_t *dg = malloc(n * ND_DIGEST_BYTES), live[16];
    uint32_t rep[16];
    for (size_t i = 0; i < n; i++) live[i] = digest_of(tk, texts[i], dg + i * ND_DIGEST_BYTES) > 0;
    assert_int_equal(nd_exact_groups(dg, live, n, rep), NEARDUP_OK);
    const uint32_t want[] = {0, 0, 0, 3, 4, 4, 6, 0, 8, 8};
    for (size_t i = 0; i < n; i++) assert_int_equal(rep[i], want[i]);
    /* many random documents with planted copies: the groups equal brute force */
    uint64_t rng = 9;
    size_t m = 2000;
    uint8_t *d2 = malloc(m * ND_DIGEST_BYTES), *l2 = malloc(m);
    uint32_t *r2 = malloc(m * sizeof *r2);
    for (size_t i = 0; i < m; i++) {
        l2[i] = 1;
        if (i > 10 && rng_next(&rng) % 4 == 0) {
            memcpy(d2 + i * ND_DIGEST_BYTES, d2 + (rng_next(&rng) % i) * ND_DIGEST_BYTES, ND_DIGEST_BYTES);
        } else {
            for (int k = 0; k < ND_DIGEST_BYTES; k++) d2[i * ND_DIGEST_BYTES + k] = (uint8_t)rng_next(&rng);
            if (i % 3 == 0) memset(d2 + i * ND_DIGEST_BYTES, 7, 8); /* equal first 8 bytes, different rest */
        }
    }
    assert_int_equal(nd_exact_groups(d2, l2, m, r2), NEARDUP_OK);
    for (size_t i = 0; i < m; i++) {
        size_t first = i;
        for (size_t k = 0; k < i; k++)
            if (!memcmp(d2 + k * ND_DIGEST_BYTES, d2 + i * ND_DIGEST_BYTES, ND_DIGEST_BYTES)) { first = k; break; }
        assert_int_equal(r2[i], first);
    }
    free(dg), free(d2), free(l2), free(r2);
    nd_tokenizer_free(tk);
}

/* Small documents contained in larger ones: found, with exact containment. */
static void containment_exact(void **state)
{
    uint64_t rng = 12;
    nd_sketches s = {0};
    size_t ndoc = 300;
    s.n = ndoc;
    s.set_off = calloc(ndoc + 1, sizeof *s.set_off);
    s.set = malloc(ndoc * 400 * sizeof *s.set);
    uint64_t *big = malloc(400 * sizeof *big);
    for (size_t d = 0; d < ndoc; d++) {
        size_t len = d % 3 == 1 ? 60 : 400, k = 0;
        uint64_t *out = s.set + s.set_off[d];
        if (d % 3 == 0) for (size_t i = 0; i < 400; i++) big[i] = rng_next(&rng);
        for (size_t i = 0; i < len; i++) {
            /* doc 3j+1 takes 51 of its 60 shingles from doc 3j: containment 0.85 */
            if (d % 3 == 1 && i < 51) out[k++] = big[i * 7];
            else if (d % 3 == 0) out[k++] = big[i];
            else out[k++] = rng_next(&rng);
        }
        s.set_off[d + 1] = s.set_off[d] + nd_hash_set(out, k);
    }
    s.set_len = s.set_off[ndoc];
    nd_scored_pair *p;
    size_t np;
    uint64_t nc;
    assert_int_equal(nd_containment_pairs(&s, 0.8, 50, &p, &np, &nc), NEARDUP_OK);
    assert_int_equal(np, ndoc / 3);
    for (size_t i = 0; i < np; i++) {
        assert_int_equal(p[i].a % 3, 0);
        assert_int_equal(p[i].b, p[i].a + 1);
        assert_true(p[i].score == (float)(51.0 / 60.0));
    }
    free(p);
    assert_int_equal(nd_containment_pairs(&s, 0.9, 50, &p, &np, &nc), NEARDUP_OK);
    assert_int_equal(np, 0);
    free(p);
    free(s.set), free(s.set_off), free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simhash_tables_equal_brute_force),
        cmocka_unit_test(simhash_locality),
        cmocka_unit_test(exact_duplicates_never_missed),
        cmocka_unit_test(containment_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
