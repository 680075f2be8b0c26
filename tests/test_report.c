/* test_report.c - the HTML report: text escaped everywhere (a "<script>" in a
 * document or id stays text), the JSON block cannot be closed by any text,
 * passages carried as UTF-16 offsets at exactly their bytes. */
#include <stdlib.h>
#include <string.h>

#include "nd_test.h"
#include "report.h"

static char *render(nd_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(nd_report_write(r, f), 0);
    fclose(f);
    return buf;
}

static void hostile_text_is_escaped(void **state)
{
    nd_report *r = nd_report_create("t <b>bold</b>", "neardup overlap <x>");
    const char *a = "hello </script><script>alert(1)</script> & \"quotes\" world";
    long ia = nd_report_doc(r, "id<script>", a, strlen(a));
    long ib = nd_report_doc(r, "b&b", "plain", 5);
    nd_passage p = {0, 1, 0, 1, 0, 5, 0, 5, 1, 1, 1.0};
    assert_int_equal(nd_report_pair(r, ia, ib, 1, 0.5, 0.5, &p, 1), 0);
    char *html = render(r);
    /* exactly the page's own two script elements, whatever the texts hold */
    size_t n = 0;
    for (const char *q = html; (q = strstr(q, "<script")); q++) n++;
    assert_int_equal(n, 2);
    assert_null(strstr(html, "</script><script>alert"));
    assert_non_null(strstr(html, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));
    assert_non_null(strstr(html, "id\\u003cscript\\u003e"));
    assert_non_null(strstr(html, "<title>t &lt;b&gt;bold&lt;/b&gt;</title>"));
    assert_non_null(strstr(html, "neardup overlap &lt;x&gt;"));
    assert_non_null(strstr(html, "<svg id=\"hist\""));
    free(html);
    nd_report_free(r);
}

static void utf16_offsets(void **state)
{
    /* a é 😀 b: bytes a(1) é(2) space(1) 😀(4) space b */
    const char *t = "a\xc3\xa9 \xf0\x9f\x98\x80 b";
    size_t len = strlen(t);
    uint32_t *u = malloc((len + 1) * sizeof *u);
    nd_utf16_offsets(t, len, u);
    assert_int_equal(u[0], 0);  /* a */
    assert_int_equal(u[1], 1);  /* é starts */
    assert_int_equal(u[3], 2);  /* space */
    assert_int_equal(u[4], 3);  /* 😀 starts: two UTF-16 units */
    assert_int_equal(u[8], 5);  /* space after it */
    assert_int_equal(u[9], 6);  /* b */
    assert_int_equal(u[len], 7);
    free(u);
}

static void passages_in_utf16_and_sorted_pairs(void **state)
{
    nd_report *r = nd_report_create(NULL, NULL);
    const char *a = "\xc3\xa9t\xc3\xa9 shared words here", *b = "x shared words here";
    long ia = nd_report_doc(r, "a", a, strlen(a)), ib = nd_report_doc(r, "b", b, strlen(b));
    nd_passage p = {1, 4, 1, 4, 6, 23, 2, 19, 3, 3, 1.0}; /* bytes 6-23 of a = "shared words here" */
    assert_int_equal(nd_report_pair(r, ia, ib, 3, 0.7, 0.9, &p, 1), 0);
    assert_int_equal(nd_report_pair(r, ib, ia, 9, 0.1, 0.1, &p, 1), 0);
    char *html = render(r);
    /* a's bytes 6-23 are UTF-16 units 4-21 (each é is 2 bytes, 1 unit) */
    assert_non_null(strstr(html, "[0,1,3,0.7000,0.9000,[[4,21,2,19,3,1.0000]]]"));
    /* most shared words first */
    assert_true(strstr(html, "[1,0,9,") < strstr(html, "[0,1,3,"));
    free(html);
    nd_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_text_is_escaped),
        cmocka_unit_test(utf16_offsets),
        cmocka_unit_test(passages_in_utf16_and_sorted_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
