/* test_contam.c - the contamination index (contam.h): covered words and the
 * byte range of a copied run, a short unit found only whole, several fields
 * contaminated only by one document covering all, the first matches kept in
 * document order. */
#include <stdlib.h>
#include <string.h>

#include "contam.h"
#include "nd_test.h"
#include "tokenize.h"

/* Tokens with hashes base + i (i < n), word i at bytes [10 i, 10 i + 7). */
static nd_tokens toks(uint64_t base, size_t n)
{
    nd_tokens t = {malloc((n ? n : 1) * sizeof(uint64_t)), malloc((n ? n : 1) * sizeof(nd_span)), n, n};
    for (size_t i = 0; i < n; i++) {
        t.hash[i] = base + i;
        t.span[i] = (nd_span){(uint32_t)(10 * i), (uint32_t)(10 * i + 7)};
    }
    return t;
}

/* A document: noise, then words [from, to) of the text of hashes base, then noise. */
static nd_tokens doc_with(uint64_t base, size_t from, size_t to)
{
    nd_tokens t = toks(9000000, 40 + (to - from));
    for (size_t i = from; i < to; i++) t.hash[20 + i - from] = base + i;
    return t;
}

static void a_copied_run_is_covered(void **state)
{
    nd_contam *c = nd_contam_create(13, 7, 1, 0.5);
    nd_tokens u = toks(1000, 30);
    assert_int_equal(nd_contam_add(c, &u), NEARDUP_OK);
    assert_int_equal(nd_contam_build(c), NEARDUP_OK);
    nd_contam_scratch s = {0};
    nd_tokens d = doc_with(1000, 5, 21); /* 16 words: four 13-grams */
    assert_int_equal(nd_contam_scan(c, &s, &d), NEARDUP_OK);
    assert_int_equal(s.nhit, 4);
    assert_int_equal(s.nsum, 1);
    assert_int_equal(s.sum[0].covered, 16);
    assert_int_equal(s.sum[0].tok_start, 5);
    assert_int_equal(s.sum[0].tok_end, 21);
    nd_contam_result *r = nd_contam_result_create(c, 10);
    assert_int_equal(nd_contam_merge(r, 3, s.hit, s.nhit, s.sum, s.nsum), NEARDUP_OK);
    nd_contam_item it;
    nd_contam_get(r, 0, &it);
    assert_int_equal(it.words, 30);
    assert_int_equal(it.covered, 16);
    assert_true(it.contaminated); /* 16 / 30 >= 0.5 */
    assert_int_equal(it.nmatch, 1);
    assert_int_equal(it.match[0].doc, 3);
    assert_int_equal(it.match[0].start, 50);
    assert_int_equal(it.match[0].end, 207);
    /* 12 words hold no 13-gram */
    nd_tokens d2 = doc_with(1000, 0, 12);
    assert_int_equal(nd_contam_scan(c, &s, &d2), NEARDUP_OK);
    assert_int_equal(s.nhit, 0);
    nd_contam_result_free(r);
    nd_contam_scratch_free(&s);
    nd_tokens_free(&u);
    nd_tokens_free(&d);
    nd_tokens_free(&d2);
    nd_contam_free(c);
}

static void a_short_unit_counts_only_whole(void **state)
{
    nd_contam *c = nd_contam_create(13, 7, 1, 0.2);
    nd_tokens u = toks(5000, 3), e = toks(0, 0);
    assert_int_equal(nd_contam_add(c, &u), NEARDUP_OK);
    assert_int_equal(nd_contam_add(c, &e), NEARDUP_OK); /* an empty item never matches */
    assert_int_equal(nd_contam_build(c), NEARDUP_OK);
    assert_int_equal(nd_contam_items(c), 2);
    nd_contam_scratch s = {0};
    nd_tokens part = doc_with(5000, 0, 2), whole = doc_with(5000, 0, 3);
    assert_int_equal(nd_contam_scan(c, &s, &part), NEARDUP_OK);
    assert_int_equal(s.nhit, 0);
    assert_int_equal(nd_contam_scan(c, &s, &whole), NEARDUP_OK);
    assert_int_equal(s.nsum, 1);
    assert_int_equal(s.sum[0].unit, 0);
    assert_int_equal(s.sum[0].covered, 3);
    nd_contam_scratch_free(&s);
    nd_tokens_free(&u);
    nd_tokens_free(&e);
    nd_tokens_free(&part);
    nd_tokens_free(&whole);
    nd_contam_free(c);
}

static void fields_must_appear_together(void **state)
{
    nd_contam *c = nd_contam_create(13, 7, 2, 0.5);
    nd_tokens q = toks(100, 20), a = toks(700, 4);
    assert_int_equal(nd_contam_add(c, &q), NEARDUP_OK);
    assert_int_equal(nd_contam_add(c, &a), NEARDUP_OK);
    assert_int_equal(nd_contam_build(c), NEARDUP_OK);
    nd_contam_scratch s = {0};
    nd_contam_result *r = nd_contam_result_create(c, 2);
    nd_tokens dq = doc_with(100, 0, 20), da = doc_with(700, 0, 4), both = doc_with(100, 0, 20);
    for (size_t i = 0; i < 4; i++) both.hash[2 + i] = 700 + i; /* the answer in the noise before */
    uint64_t doc = 0;
    nd_tokens *seq[] = {&dq, &da};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(nd_contam_scan(c, &s, seq[k]), NEARDUP_OK);
        assert_int_equal(nd_contam_merge(r, doc++, s.hit, s.nhit, s.sum, s.nsum), NEARDUP_OK);
    }
    nd_contam_item it;
    nd_contam_get(r, 0, &it);
    assert_int_equal(it.covered, 24); /* every word covered, by two documents */
    assert_false(it.contaminated);
    assert_int_equal(it.ndocs, 2);
    assert_int_equal(nd_contam_scan(c, &s, &both), NEARDUP_OK);
    assert_int_equal(s.nsum, 2);
    assert_int_equal(nd_contam_merge(r, doc++, s.hit, s.nhit, s.sum, s.nsum), NEARDUP_OK);
    nd_contam_get(r, 0, &it);
    assert_true(it.contaminated);
    assert_int_equal(it.ndocs, 3);
    assert_int_equal(it.nmatch, 2); /* the first two documents' matches only (max 2) */
    assert_int_equal(it.match[0].doc, 0);
    assert_int_equal(it.match[0].field, 0);
    assert_int_equal(it.match[1].doc, 1);
    assert_int_equal(it.match[1].field, 1);
    nd_contam_result_free(r);
    nd_contam_scratch_free(&s);
    nd_tokens_free(&q);
    nd_tokens_free(&a);
    nd_tokens_free(&dq);
    nd_tokens_free(&da);
    nd_tokens_free(&both);
    nd_contam_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_copied_run_is_covered),
        cmocka_unit_test(a_short_unit_counts_only_whole),
        cmocka_unit_test(fields_must_appear_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
