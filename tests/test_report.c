/* test_report.c - the HTML report: text escaped everywhere (a "<script>" in a
 * document or id stays text), the JSON block cannot be closed by any text,
 * passages carried as UTF-16 offsets at exactly their bytes. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "edits.h"
#include "nd_test.h"
#include "record.h"
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
    long ia = nd_report_doc(r, "id<script>", 10, a, strlen(a));
    long ib = nd_report_doc(r, "b&b", 3, "plain", 5);
    nd_passage p = {0, 1, 0, 1, 0, 5, 0, 5, 1, 1, 1.0, 0, 0, 0, 0, 0};
    assert_int_equal(nd_report_pair(r, ia, ib, 1, 0.5, 0.5, &p, 1, NULL), 0);
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
    long ia = nd_report_doc(r, "a", 1, a, strlen(a)), ib = nd_report_doc(r, "b", 1, b, strlen(b));
    nd_passage p = {1, 4, 1, 4, 6, 23, 2, 19, 3, 3, 1.0, 0, 0, 0, 0, 0}; /* bytes 6-23 of a = "shared words here" */
    assert_int_equal(nd_report_pair(r, ia, ib, 3, 0.7, 0.9, &p, 1, NULL), 0);
    nd_passage q = {1, 4, 1, 4, 2, 19, 6, 23, 3, 3, 1.0, 0, 0, 0, 0, 0}; /* the same passage, sides swapped */
    assert_int_equal(nd_report_pair(r, ib, ia, 9, 0.1, 0.1, &q, 1, NULL), 0);
    /* offsets past the end of a text are clamped, not read past it (ASan checks) */
    nd_passage bad = {0, 1, 0, 1, 0, 9999, 0, 9999, 1, 1, 1.0, 0, 0, 0, 0, 0};
    assert_int_equal(nd_report_pair(r, ia, ib, 1, 0, 0, &bad, 1, NULL), 0);
    char *html = render(r);
    /* a passage: offsets, words, identity, substituted, inserted, deleted, edited words of A, of B */
    assert_non_null(strstr(html, "[[0,21,0,19,1,1.0000,0,0,0,[],[]]]"));
    /* a's bytes 6-23 are UTF-16 units 4-21 (each é is 2 bytes, 1 unit) */
    assert_non_null(strstr(html, "[0,1,3,0.7000,0.9000,[[4,21,2,19,3,1.0000,0,0,0,[],[]]]]"));
    /* most shared words first */
    assert_true(strstr(html, "[1,0,9,") < strstr(html, "[0,1,3,"));
    free(html);
    nd_report_free(r);
}

/* A passage's edited words reach the page as UTF-16 ranges with their kind
 * (1 substituted, 2 inserted or deleted), copied: the caller's marks may go. */
static void edited_words_in_utf16(void **state)
{
    nd_report *r = nd_report_create(NULL, NULL);
    const char *a = "\xc3\xa9t\xc3\xa9 shared words here", *b = "x shared wards new here";
    long ia = nd_report_doc(r, "a", 1, a, strlen(a)), ib = nd_report_doc(r, "b", 1, b, strlen(b));
    nd_passage p = {1, 4, 1, 5, 6, 23, 2, 23, 4, 2, 0.5, 1, 1, 0, 0, 0};
    nd_edit_mark *ma = malloc(sizeof *ma), *mb = malloc(2 * sizeof *mb);
    ma[0] = (nd_edit_mark){13, 18, ND_EDIT_SUB};    /* "words" */
    mb[0] = (nd_edit_mark){9, 14, ND_EDIT_SUB};     /* "wards" */
    mb[1] = (nd_edit_mark){15, 18, ND_EDIT_INS};    /* "new" */
    nd_passage_marks m = {ma, mb, 1, 2};
    assert_int_equal(nd_report_pair(r, ia, ib, 2, 1, 1, &p, 1, &m), 0);
    nd_passage_marks_free(&m);
    char *html = render(r);
    /* a's bytes 13-18 are units 11-16 */
    assert_non_null(strstr(html, "[[4,21,2,23,4,0.5000,1,1,0,[[11,16,1]],[[9,14,1],[15,18,2]]]]"));
    free(html);
    nd_report_free(r);
}

/* UTF-16 length of a valid UTF-8 string. */
static size_t utf16_len(const char *s, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xc0) != 0x80) u += c >= 0xf0 ? 2 : 1;
    }
    return u;
}

/* out[i] must be where byte i lands in the string a browser decodes from
 * the JSON the report writes: checked by decoding the writer's JSON of
 * every prefix with jansson, for texts full of invalid UTF-8 (overlong
 * forms, surrogates, bytes past U+10FFFF, truncated sequences), which
 * --lossy lets through and the writer turns into one U+FFFD per byte. */
static void utf16_offsets_follow_the_writer(void **state)
{
    static const char *texts[] = {
        "Bad \xc0\x80 and \xed\xa0\x80 then \xf5\x80\x80\x80 and \xe2\x82 cut, \xf0\x9f\x98\x80 ok <&>",
        "\xf4\x90\x80\x80 past U+10FFFF, \xe0\x80\x80 overlong, \xc3\xa9t\xc3\xa9, \x01 control, \"quote\"",
        "\xff\xfe\x80\xbf lone bytes then \xe2\x82\xac" " euro",
    };
    uint64_t x = 0x9e3779b97f4a7c15u;
    char rnd[64];
    for (int t = 0; t < 3 + 300; t++) {
        const char *s = texts[t < 3 ? t : 0];
        size_t len = strlen(s);
        if (t >= 3) { /* random bytes, biased to UTF-8 lead and continuation bytes */
            len = sizeof rnd;
            for (size_t i = 0; i < len; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                static const unsigned char pick[] = {'a', ' ', 0x80, 0xbf, 0xc2, 0xc0, 0xe2, 0xed, 0xf0, 0xf4, 0xf5, 0x9f};
                rnd[i] = (char)pick[x % sizeof pick];
            }
            s = rnd;
        }
        uint32_t *u = malloc((len + 1) * sizeof *u);
        nd_utf16_offsets(s, len, u);
        for (size_t i = 0; i <= len; i++) {
            if (i > 0 && i < len && u[i] == u[i - 1]) continue; /* inside a sequence */
            char *buf = NULL;
            size_t blen = 0;
            FILE *f = open_memstream(&buf, &blen);
            assert_int_equal(nd_json_write_string_html(f, s, i), 0);
            fclose(f);
            json_error_t e;
            json_t *j = json_loads(buf, JSON_DECODE_ANY, &e);
            assert_non_null(j);
            assert_int_equal(utf16_len(json_string_value(j), json_string_length(j)), u[i]);
            json_decref(j);
            free(buf);
        }
        free(u);
    }
}

/* The header's command line can be pasted back into a shell. */
static void command_line_is_shell_quoted(void **state)
{
    char *argv[] = {"overlap", "my file.txt", "it's", "-o", "r.html", "", "a;b", "--min-words=30"};
    char *c = nd_report_command(8, argv);
    assert_string_equal(c, "neardup overlap 'my file.txt' 'it'\\''s' -o r.html '' 'a;b' --min-words=30");
    free(c);
    /* long command lines are not cut */
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    char *argv2[] = {"align", big, big};
    c = nd_report_command(3, argv2);
    assert_int_equal(strlen(c), strlen("neardup align") + 2 * (1 + strlen(big)));
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_text_is_escaped),
        cmocka_unit_test(utf16_offsets),
        cmocka_unit_test(passages_in_utf16_and_sorted_pairs),
        cmocka_unit_test(edited_words_in_utf16),
        cmocka_unit_test(utf16_offsets_follow_the_writer),
        cmocka_unit_test(command_line_is_shell_quoted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
