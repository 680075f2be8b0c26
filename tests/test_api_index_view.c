/* test_api_index_view.c - neardup_index_text: a reference's stored text, what
 * the Python module's Index needs beside the matches (the b offsets of an
 * overlap match point into it), and the index's own parameters
 * (neardup_index_get_info) making a query the CLI's without options. */
#define _GNU_SOURCE /* memmem */
#include "nd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <neardup.h>

static char neardup_bin[4096]; /* BUILD/neardup, from argv[0] = BUILD/tests/test_api_index_view */

static const char *texts[] = {
    "Caf\xc3\xa9 society met on Tuesday to discuss the new harbour plans for the town and its old quays.",
    "An unrelated text about the weather in the mountains this week, with snow expected at night.",
};

static void build(const char *path, double threshold, unsigned min_words, const char *html)
{
    neardup_corpus *c = neardup_corpus_create();
    neardup_error e;
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(neardup_corpus_add(c, NULL, 0, texts[i], strlen(texts[i]), &e), NEARDUP_OK);
    if (html) assert_int_equal(neardup_corpus_read(c, html, NULL, NULL, &e), NEARDUP_OK);
    neardup_options o;
    neardup_options_default(&o);
    o.params.threshold = threshold;
    o.min_words = min_words;
    assert_int_equal(neardup_index_build(path, &o, c, &e), NEARDUP_OK);
    neardup_corpus_free(c);
}

static void info_makes_the_query_options(void **state)
{
    char path[] = "/tmp/nd_test_view.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    build(path, 0.5, 30, NULL);
    neardup_error e;
    neardup_index *ix = neardup_index_open(path, &e);
    assert_non_null(ix);
    neardup_index_info info;
    neardup_index_get_info(ix, &info);
    neardup_options o, def;
    neardup_options_default(&def);
    o = def;
    o.params.threshold = info.threshold;
    o.min_words = info.min_words;
    assert_true(o.params.threshold == 0.5);
    assert_int_equal(o.min_words, 30);
    assert_int_equal(info.ngram, def.params.ngram);
    assert_int_equal(info.k, def.params.k);
    assert_true(info.seed == def.params.seed);
    assert_int_equal(info.docs, 2);
    /* a query with these options is accepted (the bands and the anchors match) */
    neardup_corpus *q = neardup_corpus_create();
    assert_int_equal(neardup_corpus_add(q, NULL, 0, texts[0], strlen(texts[0]), &e), NEARDUP_OK);
    neardup_match *m;
    size_t n;
    assert_int_equal(neardup_index_query(ix, &o, NEARDUP_QUERY_DUP, q, &m, &n, &e), NEARDUP_OK);
    assert_int_equal(n, 1);
    neardup_matches_free(m, n);
    neardup_corpus_free(q);
    neardup_index_close(ix);
    unlink(path);
}

static void texts_as_stored(void **state)
{
    char path[] = "/tmp/nd_test_view.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    build(path, 0.8, 20, "tests/data/html/ledger-nato.html");
    neardup_error e;
    neardup_index *ix = neardup_index_open(path, &e);
    assert_non_null(ix);
    neardup_index_info info;
    neardup_index_get_info(ix, &info);
    assert_int_equal(info.docs, 3);
    for (size_t i = 0; i < 2; i++) {
        char *t;
        size_t len;
        int mapped = -1;
        assert_int_equal(neardup_index_text(ix, i, &t, &len, &mapped, &e), NEARDUP_OK);
        assert_int_equal(len, strlen(texts[i]));
        assert_memory_equal(t, texts[i], len);
        assert_int_equal(mapped, 0); /* given as text: offsets are into it */
        free(t);
    }
    char *t;
    size_t len;
    int mapped = -1;
    /* an HTML page read into the corpus: its extracted text, given as text */
    assert_int_equal(neardup_index_text(ix, 2, &t, &len, &mapped, &e), NEARDUP_OK);
    assert_int_equal(mapped, 0);
    assert_non_null(memmem(t, len, "NATO", 4));
    assert_null(memmem(t, len, "<p", 2));
    free(t);
    assert_int_equal(neardup_index_text(ix, 3, &t, &len, NULL, &e), NEARDUP_E_USAGE);
    assert_null(t);
    assert_non_null(strstr(e.message, "out of range"));
    neardup_index_close(ix);
    /* the same page indexed by the command line: offsets into the original file */
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s index build tests/data/html/ledger-nato.html -q -o %s", neardup_bin, path);
    assert_int_equal(system(cmd), 0);
    assert_non_null(ix = neardup_index_open(path, &e));
    assert_int_equal(neardup_index_text(ix, 0, &t, &len, &mapped, &e), NEARDUP_OK);
    assert_int_equal(mapped, 1);
    assert_non_null(memmem(t, len, "NATO", 4));
    free(t);
    neardup_index_close(ix);
    unlink(path);
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    snprintf(neardup_bin, sizeof neardup_bin, "%.*s/../neardup", slash ? (int)(slash - argv[0]) : 1,
             slash ? argv[0] : ".");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(info_makes_the_query_options),
        cmocka_unit_test(texts_as_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
