/* test_api.c - the public library's building blocks: defaults, handles,
 * errors, keyed mode, the deduper's clusters, the aligner, and two threads
 * with two handles (the jobs over a corpus: test_api_jobs.c). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nd_test.h"

static const char *T1 = "The central bank raised its key interest rate by a quarter point on Tuesday, "
                        "citing persistent inflation in services and a tight labour market.";
static const char *T2 = "Markets were calm ahead of the holiday weekend as investors waited for data.";

static void params_and_handles(void **state)
{
    neardup_params p;
    neardup_params_default(&p);
    assert_int_equal(p.ngram, 5);
    assert_int_equal(p.k, 128);
    assert_true(p.threshold == 0.8);
    assert_true(p.seed == NEARDUP_DEFAULT_SEED);
    assert_null(p.key);
    neardup_sketcher_free(NULL);
    neardup_deduper_free(NULL);
    neardup_passages_free(NULL);
    p.k = 0;
    assert_null(neardup_sketcher_create(&p));
    p.k = 5000;
    assert_null(neardup_deduper_create(&p));
    neardup_params_default(&p);
    p.threshold = 1.5;
    assert_null(neardup_sketcher_create(&p));
    assert_string_equal(neardup_strerror(NEARDUP_E_UTF8), "invalid UTF-8");
    assert_non_null(neardup_strerror(12345));
    assert_string_equal(neardup_version(), NEARDUP_VERSION_STRING);
}

static void sketch_and_estimate(void **state)
{
    neardup_sketcher *s = neardup_sketcher_create(NULL);
    uint32_t a[128], b[128], c[128];
    size_t m = 0, bad = 0;
    assert_int_equal(neardup_sketch(s, T1, strlen(T1), a, &m, &bad), NEARDUP_OK);
    assert_int_equal(m, 20); /* 24 words, 5-grams */
    char *upper = strdup(T1);
    for (char *q = upper; *q; q++) *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
    assert_int_equal(neardup_sketch(s, upper, strlen(upper), b, NULL, NULL), NEARDUP_OK);
    assert_true(neardup_jaccard_estimate(a, b, 128) == 1.0); /* case folded */
    assert_int_equal(neardup_sketch(s, T2, strlen(T2), c, NULL, NULL), NEARDUP_OK);
    assert_true(neardup_jaccard_estimate(a, c, 128) < 0.1);
    assert_int_equal(neardup_sketch(s, "ab\xff", 3, c, NULL, &bad), NEARDUP_E_UTF8);
    assert_int_equal(bad, 2);
    assert_int_equal(neardup_sketch(s, "", 0, c, &m, NULL), NEARDUP_OK);
    assert_int_equal(m, 0);
    free(upper);
    neardup_sketcher_free(s);
    /* lossy mode sketches what strict mode refuses */
    neardup_params p;
    neardup_params_default(&p);
    p.lossy = 1;
    s = neardup_sketcher_create(&p);
    assert_int_equal(neardup_sketch(s, "ab\xff", 3, c, &m, NULL), NEARDUP_OK);
    neardup_sketcher_free(s);
}

static void keyed_mode(void **state)
{
    unsigned char key1[32], key2[32];
    for (int i = 0; i < 32; i++) key1[i] = (unsigned char)i, key2[i] = (unsigned char)(255 - i);
    neardup_params p;
    neardup_params_default(&p);
    uint32_t plain[128], k1[128], k1b[128], k2[128];
    neardup_sketcher *s = neardup_sketcher_create(&p);
    neardup_sketch(s, T1, strlen(T1), plain, NULL, NULL);
    neardup_sketcher_free(s);
    p.key = key1;
    s = neardup_sketcher_create(&p);
    neardup_sketch(s, T1, strlen(T1), k1, NULL, NULL);
    neardup_sketch(s, T1, strlen(T1), k1b, NULL, NULL);
    neardup_sketcher_free(s);
    p.key = key2;
    s = neardup_sketcher_create(&p);
    neardup_sketch(s, T1, strlen(T1), k2, NULL, NULL);
    neardup_sketcher_free(s);
    assert_memory_equal(k1, k1b, sizeof k1);
    assert_memory_not_equal(k1, plain, sizeof k1);
    assert_memory_not_equal(k1, k2, sizeof k1);
}

static void deduper(void **state)
{
    neardup_params p;
    neardup_params_default(&p);
    p.threshold = 0.9;
    neardup_deduper *d = neardup_deduper_create(&p);
    const char *texts[] = {T1, T2, T1, "", T2};
    for (int i = 0; i < 5; i++) assert_int_equal(neardup_deduper_add(d, texts[i], strlen(texts[i]), NULL), NEARDUP_OK);
    size_t bad;
    assert_int_equal(neardup_deduper_add(d, "x\xc3", 2, &bad), NEARDUP_E_UTF8);
    assert_int_equal(neardup_deduper_count(d), 5); /* the bad text was not added */
    assert_true(neardup_deduper_representative(d, 0) == (size_t)-1); /* before finish */
    assert_int_equal(neardup_deduper_finish(d), NEARDUP_OK);
    assert_int_equal(neardup_deduper_finish(d), NEARDUP_E_USAGE);
    assert_int_equal(neardup_deduper_add(d, T1, strlen(T1), NULL), NEARDUP_E_USAGE);
    const size_t want[] = {0, 1, 0, 3, 1};
    for (size_t i = 0; i < 5; i++) assert_int_equal(neardup_deduper_representative(d, i), want[i]);
    assert_true(neardup_deduper_representative(d, 5) == (size_t)-1);
    const neardup_pair *pp;
    assert_int_equal(neardup_deduper_pairs(d, &pp), 2);
    assert_int_equal(pp[0].a, 0), assert_int_equal(pp[0].b, 2);
    assert_int_equal(pp[1].a, 1), assert_int_equal(pp[1].b, 4);
    assert_true(pp[0].jaccard == 1.0);
    neardup_deduper_free(d);
}

static void aligner(void **state)
{
    const char *a = "Officials said on Monday that the talks would resume next week in Geneva and that both "
                    "delegations were committed to reaching an agreement before the end of the year.";
    const char *b = "No comment came. The talks would resume next week in Geneva and that both delegations "
                    "were committed to reaching an agreement before the end of the year, a source said.";
    neardup_passage *p;
    size_t n, bad;
    int side;
    assert_int_equal(neardup_align(NULL, a, strlen(a), b, strlen(b), 10, &p, &n, NULL, NULL), NEARDUP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].words, 24);
    assert_memory_equal(a + p[0].a_start, "the talks", 9);
    assert_memory_equal(b + p[0].b_start, "The talks", 9);
    assert_memory_equal(a + p[0].a_end - 4, "year", 4);
    neardup_passages_free(p);
    assert_int_equal(neardup_align(NULL, a, strlen(a), "b\xff", 2, 10, &p, &n, &bad, &side), NEARDUP_E_UTF8);
    assert_int_equal(side, 1);
    assert_int_equal(bad, 1);
    assert_int_equal(neardup_align(NULL, a, strlen(a), b, strlen(b), 30, &p, &n, NULL, NULL), NEARDUP_OK);
    assert_int_equal(n, 0);
    neardup_passages_free(p);
}

/* Two threads, each with its own deduper over the same texts: the same answer. */
static void *run_deduper(void *arg)
{
    size_t *rep = arg;
    neardup_deduper *d = neardup_deduper_create(NULL);
    char buf[256];
    for (int i = 0; i < 400; i++) {
        snprintf(buf, sizeof buf, "%s document %d of the series number %d", i % 2 ? T1 : T2, i % 50, i % 50);
        neardup_deduper_add(d, buf, strlen(buf), NULL);
    }
    neardup_deduper_finish(d);
    for (size_t i = 0; i < 400; i++) rep[i] = neardup_deduper_representative(d, i);
    neardup_deduper_free(d);
    return NULL;
}

static void two_threads(void **state)
{
    size_t r1[400], r2[400];
    pthread_t t1, t2;
    pthread_create(&t1, NULL, run_deduper, r1);
    pthread_create(&t2, NULL, run_deduper, r2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_memory_equal(r1, r2, sizeof r1);
    assert_int_equal(r1[100], 0); /* "document 0" repeats every 50: clustered with the first */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(params_and_handles), cmocka_unit_test(sketch_and_estimate),
        cmocka_unit_test(keyed_mode),         cmocka_unit_test(deduper),
        cmocka_unit_test(aligner),            cmocka_unit_test(two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
