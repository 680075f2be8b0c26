/* test_strip.c - neardup strip's library parts: the text field located in a
 * record's bytes (json_field.h), and the cuts (strip.h): the first
 * occurrence kept, a passage in three documents cut from the later two, a
 * document repeating itself left whole, a near-verbatim repeat (2 words of
 * 60 changed) cut, cuts on word boundaries of multibyte text, identical
 * cuts for any thread count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_field.h"
#include "nd_test.h"
#include "reader.h"
#include "strip.h"

static void field(const char *rec, const char *name, int want_rc, const char *want_value)
{
    size_t a = 0, b = 0;
    assert_int_equal(nd_json_field_range(rec, strlen(rec), name, &a, &b), want_rc);
    if (want_rc) return;
    assert_int_equal(b - a, strlen(want_value));
    assert_memory_equal(rec + a, want_value, b - a);
}

static void the_text_field_is_located(void **state)
{
    field("{\"id\": 1, \"text\": \"abc\"}", "text", 0, "\"abc\"");
    /* braces, brackets, commas and escaped quotes inside strings; nested values skipped */
    field("{\"x\": \"}{,\\\"]\", \"y\": [1, {\"text\": \"no\"}], \"text\" : \"a\\\"b\" , \"z\": null}", "text", 0,
          "\"a\\\"b\"");
    field("{\"text\": \"first\", \"text\": \"last\"}", "text", 0, "\"last\""); /* the parser's last wins */
    field("{\"meta\": {\"body\": \"deep\", \"n\": 2}, \"text\": \"t\"}", "meta.body", 0, "\"deep\"");
    field("{\"meta.body\": \"literal\", \"meta\": {\"body\": \"deep\"}}", "meta.body", 0, "\"literal\"");
    field("{\"te\\u0078t\": \"escaped key\"}", "text", 0, "\"escaped key\"");
    field("{\"caf\\u00e9\": \"accent\"}", "caf\xc3\xa9", 0, "\"accent\"");
    field("{\"id\": 1}", "text", 1, NULL);
    field("{\"meta\": 3}", "meta.body", 1, NULL);
    field("{}", "text", 1, NULL);
    field("[1, 2]", "text", -1, NULL);
    field("{\"text\": \"unterminated}", "text", -1, NULL);
}

/* Loads texts[0, n) as a JSONL corpus into a store with strip's options. */
static void load(const char *const *texts, size_t n, unsigned threads, nd_overlap_opts *o, nd_doc_store *s,
                 nd_corpus_info *ci)
{
    char dir[] = "/tmp/nd_strip_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/c.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) fprintf(f, "{\"id\":\"d%zu\",\"text\":\"%s\"}\n", i, texts[i]);
    assert_int_equal(fclose(f), 0);
    nd_error err = {0, ""};
    const char *in = path;
    nd_reader *r = nd_reader_open(&in, 1, NULL, &err);
    assert_non_null(r);
    nd_pipeline_opts po;
    nd_pipeline_opts_default(&po);
    po.threads = threads;
    nd_overlap_opts_default(o);
    o->align.min_words = 50;
    o->align.min_identity = 0.8;
    o->min_words = nd_strip_anchor_words(50, o->ngram);
    o->align.seed_len = o->ngram;
    assert_int_equal(nd_overlap_load(r, &po, o, s, ci, &err), NEARDUP_OK);
    nd_reader_free(r);
    unlink(path);
    rmdir(dir);
}

/* n words "<stem>0 <stem>1 ..." (a multibyte stem), with word k replaced by "EDIT" where edit[k]. */
static char *words(const char *stem, int n, const int *edit)
{
    char *t = malloc((size_t)n * 32 + 1), *p = t;
    for (int i = 0; i < n; i++) {
        if (edit && edit[i]) p += sprintf(p, "%sEDIT%d", i ? " " : "", i);
        else p += sprintf(p, "%s%s%d", i ? " " : "", stem, i);
    }
    *p = 0;
    return t;
}

static char *join(const char *a, const char *b, const char *c)
{
    char *t = malloc(strlen(a) + strlen(b) + strlen(c) + 1);
    sprintf(t, "%s%s%s", a, b, c);
    return t;
}

static void cut_text(const nd_strip_result *r, const nd_doc_store *s, uint32_t d, const char *text, char *out)
{
    size_t len = strlen(text);
    size_t n = nd_strip_text(r, s, d, text, len, out);
    assert_true(n <= len);
    out[n] = 0;
}

static void later_repeats_are_cut(void **state)
{
    char *p = words("\xc3\xa9t\xc3\xa9", 60, NULL); /* été0 été1 ...: two-byte characters at every cut */
    int e[60] = {0};
    e[20] = e[40] = 1;
    char *pe = words("\xc3\xa9t\xc3\xa9", 60, e);
    char *self = words("self", 60, NULL);
    char *selfx2 = join(self, ". ", self);
    char *t[5] = {join("first one two three. ", p, " end of first."), join("second kept words here. ", p, " second tail."),
                  join("third \xe2\x80\x94 ", p, " third tail."), join("near copy: ", pe, " fourth tail."), selfx2};
    char *out = malloc(strlen(selfx2) + 1);
    nd_strip_result res[2];
    for (int run = 0; run < 2; run++) {
        nd_overlap_opts o;
        nd_doc_store s;
        nd_corpus_info ci;
        load((const char *const *)t, 5, run ? 3 : 1, &o, &s, &ci);
        nd_overlap_stats st;
        nd_error err = {0, ""};
        assert_int_equal(nd_strip_find(&s, &o, 0, 0, run ? 3 : 1, &res[run], &st, &err), NEARDUP_OK);
        const nd_strip_result *r = &res[run];
        assert_int_equal(r->doc_first[1] - r->doc_first[0], 0); /* the first occurrence stays */
        for (uint32_t d = 1; d <= 3; d++) {
            assert_int_equal(r->doc_first[d + 1] - r->doc_first[d], 1);
            const nd_strip_range *g = &r->range[r->doc_first[d]];
            assert_int_equal(g->tok_end - g->tok, 60);
            assert_int_equal(nd_strip_kept_words(r, &s, d), s.doc[d].ntok - 60);
        }
        assert_int_equal(r->doc_first[5] - r->doc_first[4], 0); /* repeating itself: not cut */
        /* 2 from 1 only; 3 from 1 and 2 (a passage in three documents is cut from the later two) */
        const nd_strip_range *g2 = &r->range[r->doc_first[2]];
        assert_int_equal(g2->n, 2);
        assert_int_equal(r->passage[g2->first].src, 0);
        assert_int_equal(r->passage[g2->first + 1].src, 1);
        /* the repeated bytes: the verbatim copy's equal the first occurrence's */
        const nd_strip_passage *q = &r->passage[r->range[r->doc_first[1]].first];
        assert_int_equal(q->end - q->start, strlen(p));
        assert_memory_equal(t[1] + q->start, t[0] + q->src_start, q->end - q->start);
        /* cut from the first removed word to the next kept one */
        cut_text(r, &s, 1, t[1], out);
        assert_string_equal(out, "second kept words here. second tail.");
        cut_text(r, &s, 2, t[2], out);
        assert_string_equal(out, "third \xe2\x80\x94 third tail.");
        cut_text(r, &s, 3, t[3], out); /* near-verbatim: 2 of 60 words changed */
        assert_string_equal(out, "near copy: fourth tail.");
        assert_true(r->passage[r->range[r->doc_first[3]].first].identity < 1);
        cut_text(r, &s, 0, t[0], out);
        assert_string_equal(out, t[0]);
        nd_doc_store_free(&s);
        nd_corpus_info_free(&ci);
    }
    /* any thread count: the same cuts */
    assert_int_equal(res[0].npassage, res[1].npassage);
    assert_int_equal(res[0].nrange, res[1].nrange);
    for (size_t i = 0; i < res[0].npassage; i++) {
        const nd_strip_passage *x = &res[0].passage[i], *y = &res[1].passage[i];
        assert_true(x->doc == y->doc && x->tok == y->tok && x->tok_end == y->tok_end && x->src == y->src &&
                    x->src_start == y->src_start && x->src_end == y->src_end && x->identity == y->identity);
    }
    for (size_t i = 0; i < res[0].nrange; i++) {
        const nd_strip_range *x = &res[0].range[i], *y = &res[1].range[i];
        assert_true(x->doc == y->doc && x->tok == y->tok && x->tok_end == y->tok_end && x->first == y->first &&
                    x->n == y->n);
    }
    for (int i = 0; i < 2; i++) nd_strip_result_free(&res[i]);
    for (int i = 0; i < 5; i++) free(t[i]);
    free(p);
    free(pe);
    free(self);
    free(out);
}

static void references_are_earlier_and_never_cut(void **state)
{
    char *p = words("ref", 60, NULL);
    char *t[3] = {join("reference A. ", p, " end."), join("reference B. ", p, " end."), join("input: ", p, " kept.")};
    nd_overlap_opts o;
    nd_doc_store s;
    nd_corpus_info ci;
    load((const char *const *)t, 3, 2, &o, &s, &ci);
    nd_strip_result r;
    nd_overlap_stats st;
    nd_error err = {0, ""};
    assert_int_equal(nd_strip_find(&s, &o, 2, 0, 2, &r, &st, &err), NEARDUP_OK); /* [0, 2) are references */
    assert_int_equal(st.candidates, 2);  /* the two references are not aligned with each other */
    assert_int_equal(r.doc_first[2], 0); /* neither reference is cut */
    assert_int_equal(r.doc_first[3] - r.doc_first[2], 1);
    nd_strip_result_free(&r);
    nd_doc_store_free(&s);
    nd_corpus_info_free(&ci);
    for (int i = 0; i < 3; i++) free(t[i]);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_text_field_is_located),
        cmocka_unit_test(later_repeats_are_cut),
        cmocka_unit_test(references_are_earlier_and_never_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
