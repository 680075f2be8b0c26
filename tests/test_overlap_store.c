/* test_overlap_store.c - overlap's document store: every document's word
 * ids, spans (packed: long words and long gaps too) and text as the tokenizer gives them, whatever the batches,
 * threads and arena blocks (small blocks: a block per batch or two, and
 * documents larger than a block, which get a block of their own). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align.h"
#include "nd_test.h"
#include "overlap.h"
#include "reader.h"
#include "tokenize.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Document i's text: random words, some empty, one of 40,000 words; some
 * words and some gaps between words 250-260 bytes long (where packed spans
 * keep a span whole). */
static char *make_text(uint64_t *rng, int i)
{
    size_t words = i % 17 == 0 ? 0 : i == 100 ? 40000 : rng_next(rng) % 400;
    char *t = malloc(words * 280 + 1), *p = t;
    for (size_t w = 0; w < words; w++) {
        uint64_t x = rng_next(rng);
        if (w && x % 50 == 0) p += sprintf(p, "%*s", 250 + (int)(x / 50 % 11), ""); /* a long gap */
        else if (w) *p++ = ' ';
        if (x % 50 == 1) p += sprintf(p, "%0*u", 250 + (int)(x / 50 % 11), (unsigned)(x >> 40)); /* a long word */
        else p += sprintf(p, "w%u", (unsigned)(x % 3000));
    }
    *p = 0;
    return t;
}

static void check_store(unsigned threads, size_t batch_bytes, size_t arena_block)
{
    enum { NDOC = 300 };
    char dir[] = "/tmp/nd_store_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/c.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    uint64_t rng = 9;
    char *text[NDOC];
    for (int i = 0; i < NDOC; i++) {
        text[i] = make_text(&rng, i);
        fprintf(f, "{\"id\":\"d%d\",\"text\":\"%s\"}\n", i, text[i]);
    }
    assert_int_equal(fclose(f), 0);

    nd_error err = {0, ""};
    const char *in = path;
    nd_reader *r = nd_reader_open(&in, 1, NULL, &err);
    assert_non_null(r);
    nd_pipeline_opts po;
    nd_pipeline_opts_default(&po);
    po.threads = threads;
    po.batch_bytes = batch_bytes;
    nd_overlap_opts o;
    nd_overlap_opts_default(&o);
    o.keep_text = 1;
    o.arena_block = arena_block;
    nd_doc_store s;
    nd_corpus_info ci;
    assert_int_equal(nd_overlap_load(r, &po, &o, &s, &ci, &err), NEARDUP_OK);
    assert_int_equal(s.n, NDOC);
    if (arena_block) assert_true(s.nblock > 1);

    nd_tokenizer *tk = nd_tokenizer_create(po.token_seed, 0);
    nd_tokens t = {0};
    uint64_t ntok = 0;
    for (int i = 0; i < NDOC; i++) {
        size_t bad = 0;
        size_t len = strlen(text[i]);
        assert_int_equal(nd_tokenize(tk, text[i], len, &t, &bad, NULL), NEARDUP_OK);
        const nd_doc_ref *dr = &s.doc[i];
        assert_int_equal(dr->ntok, t.n);
        for (size_t k = 0; k < t.n; k++) {
            assert_int_equal(dr->id[k], nd_word_id(t.hash[k]));
            nd_span sp = nd_spans_get(&dr->span, k);
            assert_int_equal(sp.start, t.span[k].start);
            assert_int_equal(sp.end, t.span[k].end);
        }
        assert_int_equal(s.doc[i].text_len, len);
        if (len) assert_memory_equal(s.doc[i].text, text[i], len);
        ntok += t.n;
        free(text[i]);
    }
    assert_int_equal(s.ntok, ntok);
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
    nd_doc_store_free(&s);
    nd_corpus_info_free(&ci);
    nd_reader_free(r);
    unlink(path);
    rmdir(dir);
}

static void one_thread_default_arena(void **state) { check_store(1, 1 << 20, 0); }
static void three_threads_small_batches_small_blocks(void **state) { check_store(3, 4096, 64 << 10); }
static void two_threads_blocks_smaller_than_batches(void **state) { check_store(2, 64 << 10, 4096); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_thread_default_arena),
        cmocka_unit_test(three_threads_small_batches_small_blocks),
        cmocka_unit_test(two_threads_blocks_smaller_than_batches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
