/* test_edits.c - the word edit script of a passage (edits.c): known scripts,
 * optimality against a plain LCS table, empty sides, long and pathological
 * runs, the counts nd_align's passages carry, and the marks the views use. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "align.h"
#include "edits.h"
#include "nd_test.h"
#include "tokenize.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The script as a string: "M2 S1 D1 I3". */
static const char *script_str(const nd_edit_script *s, char *buf, size_t cap)
{
    static const char op[] = "MSID";
    size_t at = 0;
    buf[0] = 0;
    for (size_t i = 0; i < s->n && at + 16 < cap; i++)
        at += (size_t)snprintf(buf + at, cap - at, "%s%c%u", i ? " " : "", op[s->run[i].op], s->run[i].len);
    return buf;
}

/* Words given as letters: "abcd" is ids 'a' 'b' 'c' 'd'. */
static void check_script(const char *a, const char *b, const char *want)
{
    uint32_t ia[64], ib[64];
    size_t na = strlen(a), nb = strlen(b);
    for (size_t i = 0; i < na; i++) ia[i] = (uint32_t)a[i];
    for (size_t i = 0; i < nb; i++) ib[i] = (uint32_t)b[i];
    nd_edit_script s = {0};
    assert_int_equal(nd_edit_align(ia, na, ib, nb, &s), NEARDUP_OK);
    char buf[256];
    assert_string_equal(script_str(&s, buf, sizeof buf), want);
    nd_edit_script_free(&s);
}

static void test_known_scripts(void **state)
{
    (void)state;
    check_script("abcdef", "abcdef", "M6");
    check_script("abc", "axc", "M1 S1 M1");
    check_script("abc", "abxc", "M2 I1 M1");
    check_script("abxc", "abc", "M2 D1 M1");
    check_script("abcde", "axdey", "M1 S1 D1 M2 I1");
    check_script("xyz", "abc", "S3");
    check_script("xyzw", "ab", "S2 D2");
    check_script("ab", "xyzw", "S2 I2");
    /* the most matches, even where a substitution would make fewer columns */
    check_script("xyza", "auvw", "D3 M1 I3");
    check_script("abab", "baba", "D1 M3 I1"); /* of two equal scripts, one fixed choice */
}

static void test_empty_sides(void **state)
{
    (void)state;
    check_script("", "", "");
    check_script("abc", "", "D3");
    check_script("", "abc", "I3");
    check_script("a", "a", "M1");
    check_script("a", "b", "S1");
}

/* LCS length by the full table. */
static size_t lcs_table(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
    size_t *row = calloc(m + 1, sizeof *row);
    for (size_t i = 0; i < n; i++) {
        size_t prev = 0;
        for (size_t j = 0; j < m; j++) {
            size_t up = row[j + 1];
            row[j + 1] = a[i] == b[j] ? prev + 1 : (up > row[j] ? up : row[j]);
            prev = up;
        }
    }
    size_t r = row[m];
    free(row);
    return r;
}

/* The script turns A into B: replaying it walks both texts to their ends,
 * matches are equal words, substitutions unequal ones, no two neighbouring
 * runs share an op, and between two matches at most one substitution run and
 * one indel run. */
static nd_edit_counts check_valid(const uint32_t *a, size_t n, const uint32_t *b, size_t m, const nd_edit_script *s)
{
    size_t x = 0, y = 0;
    for (size_t i = 0; i < s->n; i++) {
        nd_edit_run r = s->run[i];
        assert_true(r.len > 0);
        if (i) assert_true(s->run[i - 1].op != r.op);
        if (i && r.op != ND_EDIT_MATCH && s->run[i - 1].op != ND_EDIT_MATCH) {
            assert_int_equal(s->run[i - 1].op, ND_EDIT_SUB); /* S then D or I */
            assert_true(i < 2 || s->run[i - 2].op == ND_EDIT_MATCH);
        }
        for (uint32_t k = 0; k < r.len; k++) {
            if (r.op == ND_EDIT_MATCH) assert_int_equal(a[x], b[y]);
            if (r.op != ND_EDIT_INS) x++;
            if (r.op != ND_EDIT_DEL) y++;
        }
    }
    assert_int_equal(x, n);
    assert_int_equal(y, m);
    nd_edit_counts c = nd_edit_count(s);
    assert_int_equal(c.matches + c.substituted + c.deleted, n);
    assert_int_equal(c.matches + c.substituted + c.inserted, m);
    return c;
}

static void test_optimal_on_random(void **state)
{
    (void)state;
    uint64_t rng = 7;
    nd_edit_script s = {0};
    for (int t = 0; t < 3000; t++) {
        size_t n = rng_next(&rng) % 40, m = rng_next(&rng) % 40;
        uint32_t vocab = 1 + (uint32_t)(rng_next(&rng) % 6), a[40], b[40];
        for (size_t i = 0; i < n; i++) a[i] = (uint32_t)(rng_next(&rng) % vocab);
        for (size_t i = 0; i < m; i++) b[i] = (uint32_t)(rng_next(&rng) % vocab);
        if (t % 2 && n && m) /* B an edited copy of A */
            for (size_t i = 0; i < m; i++) b[i] = rng_next(&rng) % 4 ? a[i % n] : 99;
        assert_int_equal(nd_edit_align(a, n, b, m, &s), NEARDUP_OK);
        nd_edit_counts c = check_valid(a, n, b, m, &s);
        assert_int_equal(c.matches, lcs_table(a, n, b, m));
    }
    nd_edit_script_free(&s);
}

/* A 200,000-word passage with 2% of its words edited: every edit found, in
 * about linear time. */
static void test_long_passage(void **state)
{
    (void)state;
    uint64_t rng = 11;
    size_t n = 200000;
    uint32_t *a = malloc(n * sizeof *a), *b = malloc((n + n / 10) * sizeof *b);
    size_t m = 0, subs = 0, ins = 0, dels = 0;
    for (size_t i = 0; i < n; i++) a[i] = 1000 + (uint32_t)(rng_next(&rng) % 1000000);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng_next(&rng) % 150; /* 2% edits, never two in a row (the pairing is then unique) */
        if (r == 0 && (i == 0 || a[i - 1] == b[m - 1])) b[m++] = 7, subs++;
        else if (r == 1 && m && a[i - 1] == b[m - 1]) b[m++] = a[i], b[m++] = 8, ins++;
        else if (r == 2 && m && a[i - 1] == b[m - 1] && i + 1 < n) dels++;
        else b[m++] = a[i];
    }
    nd_edit_script s = {0};
    clock_t t0 = clock();
    assert_int_equal(nd_edit_align(a, n, b, m, &s), NEARDUP_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    nd_edit_counts c = check_valid(a, n, b, m, &s);
    assert_int_equal(c.substituted, subs);
    assert_int_equal(c.inserted, ins);
    assert_int_equal(c.deleted, dels);
    assert_int_equal(c.matches, n - subs - dels);
    assert_true(secs < 5.0); /* about 0.05 s here; a quadratic table would take minutes */
    free(a);
    free(b);
    nd_edit_script_free(&s);
}

/* Two unrelated 30,000-word runs of a 4-word vocabulary: the searches pass
 * their budget and split; the script is still valid, and still quick. */
static void test_pathological_runs(void **state)
{
    (void)state;
    uint64_t rng = 13;
    size_t n = 30000, m = 30000;
    uint32_t *a = malloc(n * sizeof *a), *b = malloc(m * sizeof *b);
    for (size_t i = 0; i < n; i++) a[i] = (uint32_t)(rng_next(&rng) % 4);
    for (size_t i = 0; i < m; i++) b[i] = (uint32_t)(rng_next(&rng) % 4);
    nd_edit_script s = {0};
    clock_t t0 = clock();
    assert_int_equal(nd_edit_align(a, n, b, m, &s), NEARDUP_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    nd_edit_counts c = check_valid(a, n, b, m, &s);
    assert_true(c.matches > n / 2); /* an LCS of random 4-letter texts is about 0.65 n */
    assert_true(secs < 10.0);
    free(a);
    free(b);
    nd_edit_script_free(&s);
}

static void test_marks(void **state)
{
    (void)state;
    uint32_t a[] = {1, 2, 3, 4, 5, 6}, b[] = {1, 9, 3, 4, 6, 7, 8};
    nd_edit_script s = {0};
    assert_int_equal(nd_edit_align(a, 6, b, 7, &s), NEARDUP_OK); /* M1 S1 M2 D1 M1 I2 */
    nd_edit_mark *ma, *mb;
    size_t na, nb;
    assert_int_equal(nd_edit_marks(&s, &ma, &na, &mb, &nb), NEARDUP_OK);
    assert_int_equal(na, 2);
    assert_true(ma[0].start == 1 && ma[0].end == 2 && ma[0].op == ND_EDIT_SUB);
    assert_true(ma[1].start == 4 && ma[1].end == 5 && ma[1].op == ND_EDIT_DEL);
    assert_int_equal(nb, 2);
    assert_true(mb[0].start == 1 && mb[0].end == 2 && mb[0].op == ND_EDIT_SUB);
    assert_true(mb[1].start == 5 && mb[1].end == 7 && mb[1].op == ND_EDIT_INS);
    free(ma);
    free(mb);
    nd_edit_script_free(&s);
}

/* nd_align's passages carry the script's counts: 3 words substituted and 2
 * inserted in a 100-word passage give 100 + 2 columns (the chain alone
 * counted each substitution as a deletion and an insertion: 105). */
static void test_align_counts(void **state)
{
    (void)state;
    uint64_t rng = 17;
    size_t na = 160, nb = 0;
    nd_tokens ta = {malloc(na * 8), malloc(na * sizeof(nd_span)), na, na};
    nd_tokens tb = {malloc(200 * 8), malloc(200 * sizeof(nd_span)), 0, 200};
    for (size_t i = 0; i < na; i++) ta.hash[i] = rng_next(&rng);
    for (size_t i = 0; i < 30; i++) tb.hash[nb++] = rng_next(&rng); /* unrelated start */
    for (size_t i = 30; i < 130; i++) { /* A's words 30..129, edited */
        if (i == 50 || i == 70 || i == 90) tb.hash[nb++] = rng_next(&rng);
        else tb.hash[nb++] = ta.hash[i];
        if (i == 60 || i == 100) tb.hash[nb++] = rng_next(&rng);
    }
    for (size_t i = 0; i < 20; i++) tb.hash[nb++] = rng_next(&rng);
    tb.n = nb;
    for (size_t i = 0; i < na; i++) ta.span[i] = (nd_span){(uint32_t)(10 * i), (uint32_t)(10 * i + 7)};
    for (size_t i = 0; i < nb; i++) tb.span[i] = (nd_span){(uint32_t)(10 * i), (uint32_t)(10 * i + 7)};
    nd_passage *p = NULL;
    size_t np = 0;
    assert_int_equal(nd_align(&ta, &tb, NULL, &p, &np), NEARDUP_OK);
    assert_int_equal(np, 1);
    assert_int_equal(p[0].a_tok, 30);
    assert_int_equal(p[0].a_tok_end, 130);
    assert_int_equal(p[0].matches, 97);
    assert_int_equal(p[0].substituted, 3);
    assert_int_equal(p[0].inserted, 2);
    assert_int_equal(p[0].deleted, 0);
    assert_int_equal(p[0].words, 102);
    assert_true(p[0].identity == 97.0 / 102.0);
    free(p);
    nd_tokens_free(&ta);
    nd_tokens_free(&tb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_scripts),   cmocka_unit_test(test_empty_sides),
        cmocka_unit_test(test_optimal_on_random), cmocka_unit_test(test_long_passage),
        cmocka_unit_test(test_pathological_runs), cmocka_unit_test(test_marks),
        cmocka_unit_test(test_align_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
