/* test_align.c - the aligner on token arrays with known shared passages:
 * verbatim, edited, reordered, repeated, identical, empty, short, huge. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "nd_test.h"
#include "tokenize.h"

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

/* A passage of len random words copied verbatim between random words (a
 * vocabulary of vocab): found as one passage, exactly where it is, in words
 * and in bytes. */
static void one_verbatim_passage(uint64_t rng, size_t len, size_t a_before, size_t a_after, size_t b_before,
                                 size_t b_after, uint64_t vocab)
{
    words pass = {0}, a = {0}, b = {0};
    random_words(&pass, &rng, len, vocab);
    random_words(&a, &rng, a_before, vocab);
    append(&a, &pass, 0, pass.n);
    random_words(&a, &rng, a_after, vocab);
    random_words(&b, &rng, b_before, vocab);
    append(&b, &pass, 0, pass.n);
    random_words(&b, &rng, b_after, vocab);
    nd_passage *p;
    assert_int_equal(align(&a, &b, &p), 1);
    assert_int_equal(p[0].a_tok, a_before);
    assert_int_equal(p[0].a_tok_end, a_before + len);
    assert_int_equal(p[0].b_tok, b_before);
    assert_int_equal(p[0].b_tok_end, b_before + len);
    assert_int_equal(p[0].a_start, 10 * a_before);
    assert_int_equal(p[0].a_end, 10 * (a_before + len - 1) + 7); /* end of the last word, not of its span slot */
    assert_int_equal(p[0].b_start, 10 * b_before);
    assert_int_equal(p[0].b_end, 10 * (b_before + len - 1) + 7);
    assert_int_equal(p[0].words, len);
    assert_int_equal(p[0].matches, len);
    assert_true(p[0].identity == 1.0);
    free(p);
    free(pass.w), free(a.w), free(b.w);
}

static void verbatim_passage(void **state) { one_verbatim_passage(1, 47, 120, 80, 30, 200, 100000); }

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

/* The block merges (AVX2, AVX-512) must find exactly the seeds of the plain
 * merge: the same passages on random pairs of every shape - short lists
 * (under a block), edited copies (blocks full of equal keys), unrelated texts
 * (blocks skipped whole), small vocabularies (runs of equal keys, some over
 * the MAX_OCC cut) - with short seeds and passages so that every seed counts.
 * On a CPU without a forced merge, that merge falls back to the plain one. */
/* A merge test's text as the aligner takes it: tokens, word ids, k-grams. */
typedef struct {
    nd_tokens t;
    uint32_t *id;
    nd_kgrams g;
} prepared;

static prepared prepare(const words *w, unsigned k)
{
    prepared p = {tokens(w), NULL, {0}};
    p.id = nd_word_ids(&p.t);
    assert_non_null(p.id);
    assert_int_equal(nd_kgrams_make(p.id, p.t.n, k, &p.g), NEARDUP_OK);
    return p;
}

static int align_prepared(const prepared *a, const prepared *b, const nd_align_opts *o, nd_passage **p, size_t *n)
{
    return nd_align_kgrams(&a->t, a->id, &a->g, &b->t, b->id, &b->g, o, NULL, p, n);
}

/* Frees a merge test's two texts and what prepare made of them. */
static void free_texts(words *a, words *b, prepared *pa, prepared *pb)
{
    nd_kgrams_free(&pa->g);
    nd_kgrams_free(&pb->g);
    free(pa->id);
    free(pb->id);
    nd_tokens_free(&pa->t);
    nd_tokens_free(&pb->t);
    free(a->w);
    free(b->w);
}

/* Texts of more than 65,536 k-grams keep 32-bit positions: a passage past
 * word 65,536 in A (and near the start of B) is found where it is. */
static void long_texts_past_16_bit_positions(void **state)
{
    one_verbatim_passage(11, 47, 70000, 50, 100, 69990, 1u << 30);
}

/* Two copies of a text of distinct words (every block of keys matches its
 * twin, last keys equal) and a copy with every 40th word changed: each merge
 * finds the one passage of each, as the plain merge does. */
static void block_merges_on_copies(void **state)
{
    static const unsigned modes[] = {ND_MERGE_PORTABLE, ND_MERGE_AVX2, ND_MERGE_AVX512, ND_MERGE_AUTO};
    uint64_t rng = 77;
    words a = {0}, b = {0};
    random_words(&a, &rng, 1000, 1u << 30);
    for (size_t i = 0; i < a.n; i++) push(&b, i % 40 == 39 ? a.w[i] + 1 : a.w[i]);
    prepared pa = prepare(&a, 5), pb = prepare(&b, 5);
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        nd_align_opts o;
        nd_align_opts_default(&o);
        o.merge = modes[m];
        nd_passage *p;
        size_t n;
        assert_int_equal(align_prepared(&pa, &pa, &o, &p, &n), NEARDUP_OK);
        assert_int_equal(n, 1);
        assert_int_equal(p[0].matches, 1000);
        free(p);
        assert_int_equal(align_prepared(&pa, &pb, &o, &p, &n), NEARDUP_OK);
        assert_int_equal(n, 1);
        assert_int_equal(p[0].a_tok, 0);
        assert_int_equal(p[0].a_tok_end, 999);
        assert_int_equal(p[0].matches, 975);
        free(p);
    }
    free_texts(&a, &b, &pa, &pb);
}

/* Field by field (the struct has padding after the edit counts). */
static void same_passage(const nd_passage *p, const nd_passage *q)
{
    assert_true(p->a_tok == q->a_tok && p->a_tok_end == q->a_tok_end && p->b_tok == q->b_tok &&
                p->b_tok_end == q->b_tok_end && p->a_start == q->a_start && p->a_end == q->a_end &&
                p->b_start == q->b_start && p->b_end == q->b_end && p->words == q->words &&
                p->matches == q->matches && p->identity == q->identity && p->substituted == q->substituted &&
                p->inserted == q->inserted && p->deleted == q->deleted);
}

static void block_merges_match_plain_merge(void **state)
{
    uint64_t rng = 42;
    static const unsigned modes[] = {ND_MERGE_AVX2, ND_MERGE_AVX512, ND_MERGE_AUTO};
    size_t total_passages = 0;
    for (int round = 0; round < 600; round++) {
        words a = {0}, b = {0};
        uint64_t vocab = round % 5 == 0 ? 3 : round % 5 == 1 ? 40 : 100000;
        size_t na = rng_next(&rng) % 400, nb = rng_next(&rng) % 400;
        random_words(&a, &rng, na, vocab);
        if (round % 3 == 0) { /* b: a with random edits */
            for (size_t i = 0; i < a.n; i++) {
                uint64_t r = rng_next(&rng) % 100;
                if (r < 4) continue;                       /* deleted */
                if (r < 8) push(&b, 1 + rng_next(&rng) % vocab); /* inserted */
                push(&b, r < 12 ? 1 + rng_next(&rng) % vocab : a.w[i]); /* substituted or kept */
            }
        } else {
            random_words(&b, &rng, nb, vocab);
            if (a.n > 40 && round % 3 == 1) append(&b, &a, a.n / 4, a.n / 4 + 30);
        }
        nd_align_opts o;
        nd_align_opts_default(&o);
        o.seed_len = 2 + round % 4;
        o.min_words = 6;
        o.merge = ND_MERGE_PORTABLE;
        prepared pa = prepare(&a, o.seed_len), pb = prepare(&b, o.seed_len);
        size_t n0, n1;
        nd_passage *p0, *p1;
        assert_int_equal(align_prepared(&pa, &pb, &o, &p0, &n0), NEARDUP_OK);
        total_passages += n0;
        for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
            o.merge = modes[m];
            assert_int_equal(align_prepared(&pa, &pb, &o, &p1, &n1), NEARDUP_OK);
            assert_int_equal(n1, n0);
            for (size_t k = 0; k < n0; k++) same_passage(&p1[k], &p0[k]);
            free(p1);
        }
        free(p0);
        free_texts(&a, &b, &pa, &pb);
    }
    assert_true(total_passages > 300); /* the rounds did share passages */
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
        cmocka_unit_test(long_texts_past_16_bit_positions),
        cmocka_unit_test(block_merges_on_copies),
        cmocka_unit_test(block_merges_match_plain_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
