/* test_align.c - the aligner on token arrays with known shared passages:
 * verbatim, edited, reordered, repeated, identical, empty, short, huge. */
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

/* A text of word ids; token i spans bytes [10 i, 10 i + 7). */
typedef struct {
    uint64_t *w;
    size_t n, cap;
} words;

static void push(words *t, uint64_t w)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->w = realloc(t->w, t->cap * sizeof *t->w);
    }
    t->w[t->n++] = w;
}

/* n random words from a vocabulary of vocab words. */
static void random_words(words *t, uint64_t *rng, size_t n, uint64_t vocab)
{
    for (size_t i = 0; i < n; i++) push(t, 1 + rng_next(rng) % vocab);
}

static void append(words *t, const words *src, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) push(t, src->w[i]);
}

static nd_tokens tokens(const words *t)
{
    nd_tokens k = {malloc((t->n + 1) * sizeof(uint64_t)), malloc((t->n + 1) * sizeof(nd_span)), t->n, t->n};
    for (size_t i = 0; i < t->n; i++) {
        k.hash[i] = t->w[i] * UINT64_C(0x9e3779b97f4a7c15); /* distinct words, distinct hashes */
        k.span[i] = (nd_span){(uint32_t)(10 * i), (uint32_t)(10 * i + 7)};
    }
    return k;
}

static size_t align(const words *a, const words *b, nd_passage **p)
{
    nd_tokens ta = tokens(a), tb = tokens(b);
    nd_align_opts o;
    nd_align_opts_default(&o);
    size_t n = 0;
    assert_int_equal(nd_align(&ta, &tb, &o, p, &n), NEARDUP_OK);
    nd_tokens_free(&ta);
    nd_tokens_free(&tb);
    return n;
}

static void verbatim_passage(void **state)
{
    uint64_t rng = 1;
    words pass = {0}, a = {0}, b = {0};
    random_words(&pass, &rng, 47, 100000);
    random_words(&a, &rng, 120, 100000);
    append(&a, &pass, 0, pass.n);
    random_words(&a, &rng, 80, 100000);
    random_words(&b, &rng, 30, 100000);
    append(&b, &pass, 0, pass.n);
    random_words(&b, &rng, 200, 100000);
    nd_passage *p;
    assert_int_equal(align(&a, &b, &p), 1);
    assert_int_equal(p[0].a_tok, 120);
    assert_int_equal(p[0].a_tok_end, 167);
    assert_int_equal(p[0].b_tok, 30);
    assert_int_equal(p[0].b_tok_end, 77);
    assert_int_equal(p[0].a_start, 1200);
    assert_int_equal(p[0].a_end, 1667); /* end of the last word, not of its span slot */
    assert_int_equal(p[0].b_start, 300);
    assert_int_equal(p[0].words, 47);
    assert_int_equal(p[0].matches, 47);
    assert_true(p[0].identity == 1.0);
    free(p);
    free(pass.w), free(a.w), free(b.w);
}

/* 10% of the passage's words substituted, inserted or deleted: one passage. */
static void edited_passage(void **state)
{
    uint64_t rng = 2;
    for (int trial = 0; trial < 20; trial++) {
        words pass = {0}, ed = {0}, a = {0}, b = {0};
        random_words(&pass, &rng, 150, 100000);
        for (size_t i = 0; i < pass.n; i++) {
            uint64_t r = rng_next(&rng) % 30;
            if (r == 0) continue;                                 /* deletion */
            if (r == 1) push(&ed, 1 + rng_next(&rng) % 100000);  /* substitution */
            else push(&ed, pass.w[i]);
            if (r == 2) push(&ed, 1 + rng_next(&rng) % 100000);  /* insertion */
        }
        random_words(&a, &rng, 60, 100000);
        append(&a, &pass, 0, pass.n);
        random_words(&a, &rng, 60, 100000);
        random_words(&b, &rng, 90, 100000);
        append(&b, &ed, 0, ed.n);
        random_words(&b, &rng, 10, 100000);
        nd_passage *p;
        assert_int_equal(align(&a, &b, &p), 1);
        /* an edit near an end can leave fewer than 5 matching words there: no seed */
        assert_true(p[0].a_tok >= 60 && p[0].a_tok <= 72 && p[0].a_tok_end >= 198 && p[0].a_tok_end <= 210);
        assert_true(p[0].b_tok >= 90 && p[0].b_tok <= 102 && p[0].b_tok_end + 12 >= 90 + ed.n);
        assert_true(p[0].identity > 0.8 && p[0].identity < 1.0);
        assert_true(p[0].matches <= p[0].words);
        free(p);
        free(pass.w), free(ed.w), free(a.w), free(b.w);
    }
}

/* Two passages in swapped order are two passages, each found. */
static void reordered_passages(void **state)
{
    uint64_t rng = 3;
    words p1 = {0}, p2 = {0}, a = {0}, b = {0};
    random_words(&p1, &rng, 40, 100000);
    random_words(&p2, &rng, 30, 100000);
    append(&a, &p1, 0, p1.n);
    random_words(&a, &rng, 50, 100000);
    append(&a, &p2, 0, p2.n);
    append(&b, &p2, 0, p2.n);
    random_words(&b, &rng, 50, 100000);
    append(&b, &p1, 0, p1.n);
    nd_passage *p;
    assert_int_equal(align(&a, &b, &p), 2);
    assert_int_equal(p[0].a_tok, 0); /* sorted by A */
    assert_int_equal(p[0].b_tok, 80);
    assert_int_equal(p[0].words, 40);
    assert_int_equal(p[1].a_tok, 90);
    assert_int_equal(p[1].b_tok, 0);
    assert_int_equal(p[1].words, 30);
    free(p);
    free(p1.w), free(p2.w), free(a.w), free(b.w);
}

/* The same passage copied twice into B: two passages, one per copy. */
static void passage_copied_twice(void **state)
{
    uint64_t rng = 4;
    words pass = {0}, a = {0}, b = {0};
    random_words(&pass, &rng, 30, 100000);
    random_words(&a, &rng, 10, 100000);
    append(&a, &pass, 0, pass.n);
    random_words(&b, &rng, 25, 100000);
    append(&b, &pass, 0, pass.n);
    random_words(&b, &rng, 25, 100000);
    append(&b, &pass, 0, pass.n);
    nd_passage *p;
    assert_int_equal(align(&a, &b, &p), 2);
    assert_int_equal(p[0].a_tok, 10);
    assert_int_equal(p[1].a_tok, 10);
    assert_int_equal(p[0].b_tok, 25);
    assert_int_equal(p[1].b_tok, 80);
    free(p);
    /* and the other way round */
    assert_int_equal(align(&b, &a, &p), 2);
    assert_int_equal(p[0].a_tok, 25);
    assert_int_equal(p[1].a_tok, 80);
    free(p);
    free(pass.w), free(a.w), free(b.w);
}

/* Identical documents: one passage spanning both, even with a sentence
 * repeated inside them (its off-diagonal copies are nested, so dropped). */
static void identical_documents(void **state)
{
    uint64_t rng = 5;
    words a = {0}, rep = {0};
    random_words(&rep, &rng, 25, 100000);
    random_words(&a, &rng, 100, 100000);
    append(&a, &rep, 0, rep.n);
    random_words(&a, &rng, 100, 100000);
    append(&a, &rep, 0, rep.n);
    random_words(&a, &rng, 50, 100000);
    nd_passage *p;
    assert_int_equal(align(&a, &a, &p), 1);
    assert_int_equal(p[0].a_tok, 0);
    assert_int_equal(p[0].a_tok_end, a.n);
    assert_int_equal(p[0].b_tok, 0);
    assert_int_equal(p[0].b_tok_end, a.n);
    assert_int_equal(p[0].matches, a.n);
    free(p);
    free(a.w), free(rep.w);
}

static void empty_and_short(void **state)
{
    uint64_t rng = 6;
    words e = {0}, s = {0}, a = {0};
    random_words(&s, &rng, 19, 1000); /* shorter than W = 20 */
    random_words(&a, &rng, 100, 1000);
    nd_passage *p;
    assert_int_equal(align(&e, &a, &p), 0);
    free(p);
    assert_int_equal(align(&a, &e, &p), 0);
    free(p);
    assert_int_equal(align(&e, &e, &p), 0);
    free(p);
    assert_int_equal(align(&s, &s, &p), 0); /* identical, but under W words */
    free(p);
    free(s.w), free(a.w);
}

/* Nothing shared but common words: no passage (from a tiny vocabulary,
 * random texts share many 5-grams by chance, but no long run). */
static void unrelated_texts(void **state)
{
    uint64_t rng = 7;
    words a = {0}, b = {0};
    random_words(&a, &rng, 3000, 50000);
    random_words(&b, &rng, 3000, 50000);
    nd_passage *p;
    assert_int_equal(align(&a, &b, &p), 0);
    free(p);
    free(a.w), free(b.w);
}

/* A 10 MB document (about 1.4 million words) against itself, and a text of
 * one word repeated: seeds are capped per k-gram, so both finish in linear
 * time; the first is one passage over everything. */
static void huge_and_repetitive(void **state)
{
    uint64_t rng = 8;
    words a = {0}, la = {0};
    random_words(&a, &rng, 1400000, 1000000);
    nd_passage *p;
    assert_int_equal(align(&a, &a, &p), 1);
    assert_int_equal(p[0].a_tok_end, a.n);
    free(p);
    for (int i = 0; i < 200000; i++) push(&la, 42);
    size_t n = align(&la, &la, &p);
    assert_true(n <= 1); /* over-frequent seeds are skipped: nothing, or one passage */
    free(p);
    free(a.w), free(la.w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verbatim_passage),
        cmocka_unit_test(edited_passage),
        cmocka_unit_test(reordered_passages),
        cmocka_unit_test(passage_copied_twice),
        cmocka_unit_test(identical_documents),
        cmocka_unit_test(empty_and_short),
        cmocka_unit_test(unrelated_texts),
        cmocka_unit_test(huge_and_repetitive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
