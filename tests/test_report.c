/* test_report.c - the HTML report: text escaped everywhere (a "<script>" in a
 * document or id stays text), the JSON block cannot be closed by any text,
 * passages carried as UTF-16 offsets at exactly their bytes; passage
 * clusters sorted by size, each witness's edits against the source marked.
 * With ND_REPORT_CLUSTERS_HTML set, the cluster page is also written there
 * (tests/cli/report_browser.sh opens it in a browser). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "edits.h"
#include "nd_test.h"
#include "record.h"
#include "report.h"
#include "tokenize.h"

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

/* The histogram: one pair sharing 3,000 words gets a last bar of its own,
 * the others (22-41 words) spread over bars of two words; counts of one read
 * "1 pair". */
static void histogram_keeps_outliers_apart(void **state)
{
    nd_report *r = nd_report_create(NULL, NULL);
    long a = nd_report_doc(r, "a", 1, "x", 1), b = nd_report_doc(r, "b", 1, "y", 1);
    nd_passage p = {0};
    for (int i = 0; i < 200; i++) assert_int_equal(nd_report_pair(r, a, b, 22 + (uint64_t)(i % 20), 0, 0, &p, 1, NULL), 0);
    assert_int_equal(nd_report_pair(r, a, b, 3000, 0, 0, &p, 1, NULL), 0);
    char *html = render(r);
    size_t bars = 0;
    for (const char *q = html; (q = strstr(q, "<rect")); q++) bars++;
    assert_int_equal(bars, 11); /* 10 bars of 2 words over 22-41, and the outliers' */
    assert_non_null(strstr(html, "<title>22-23 words: 20 pairs</title>"));
    assert_non_null(strstr(html, "<title>40-41 words: 20 pairs</title>"));
    assert_non_null(strstr(html, "<rect class=\"out\""));
    assert_non_null(strstr(html, "<title>outliers: 3000 words: 1 pair</title>"));
    assert_non_null(strstr(html, "last bar: 1 outlier, 3000 words"));
    assert_non_null(strstr(html, "201 pairs sharing passages among 2 documents."));
    free(html);
    nd_report_free(r);
    /* a single pair: one bar, "1 pair" */
    r = nd_report_create(NULL, NULL);
    a = nd_report_doc(r, "a", 1, "x", 1), b = nd_report_doc(r, "b", 1, "y", 1);
    assert_int_equal(nd_report_pair(r, a, b, 47, 0, 0, &p, 1, NULL), 0);
    html = render(r);
    assert_non_null(strstr(html, "<p>1 pair sharing passages among 2 documents.</p>"));
    assert_non_null(strstr(html, "<title>47 words: 1 pair</title>"));
    assert_null(strstr(html, "class=\"out\""));
    free(html);
    nd_report_free(r);
}

/* The JSON block of a page, parsed. */
static json_t *page_data(const char *html)
{
    const char *open = "<script type=\"application/json\" id=\"data\">";
    const char *a = strstr(html, open), *b = a ? strstr(a, "</script>") : NULL;
    assert_non_null(b);
    a += strlen(open);
    json_error_t e;
    json_t *j = json_loadb(a, (size_t)(b - a), 0, &e);
    if (!j) fail_msg("page JSON: %s at %d", e.text, e.position);
    return j;
}

typedef struct {
    const char *id, *text, *passage, *date, *series;
    nd_tokens t;
    uint32_t *ids;
    long doc;
} test_doc;

static nd_report_witness witness_of(test_doc *d)
{
    const char *at = strstr(d->text, d->passage);
    assert_non_null(at);
    uint32_t s = (uint32_t)(at - d->text);
    return (nd_report_witness){d->doc, s, s + (uint32_t)strlen(d->passage), d->date, d->series,
                               {d->ids, d->t.span, NULL}, d->t.n};
}

/* Hand-made clusters (what overlap --clusters will give): sorted by size,
 * the series in one escaped table, each witness's substituted, inserted and
 * missing words marked at their exact offsets, bad arguments refused. */
static void clusters_sorted_and_marked(void **state)
{
    test_doc d[] = {
        {"wire-1", "WIRE 1 March. The council approved the new bridge on Monday after a long debate, officials "
                   "said. Contact the desk.", "The council approved the new bridge on Monday after a long debate, "
                   "officials said.", "2024-03-01", "wire", {0}, NULL, 0},
        {"daily-7", "Daily News: The city council approved the new bridge on Tuesday after a long debate, officials "
                    "said. Subscribe.", "The city council approved the new bridge on Tuesday after a long debate, "
                    "officials said.", "2024-03-02", "daily", {0}, NULL, 0},
        {"herald-2", "The council approved the bridge on Monday after a debate, officials said. (Herald)",
         "The council approved the bridge on Monday after a debate, officials said.", "2024-03-04T08:00Z", "herald",
         {0}, NULL, 0},
        {"gazette-9", "Gazette: a storm closed the harbour for two days and the ferry stopped running entirely.",
         "a storm closed the harbour for two days and the ferry stopped running", NULL,
         "gazette </script><script>alert(1)</script>", {0}, NULL, 0},
        {"daily-8", "<b>Daily</b>: a storm closed the harbour for two days and the ferry stopped running.",
         "a storm closed the harbour for two days and the ferry stopped running", NULL, "daily", {0}, NULL, 0},
    };
    nd_seeds seeds;
    nd_seeds_from_seed(&seeds, ND_DEFAULT_SEED);
    nd_tokenizer *tk = nd_tokenizer_create(seeds.token_seed, 0);
    nd_report *r = nd_report_create("clusters", "neardup overlap --clusters c.jsonl");
    for (size_t i = 0; i < 5; i++) {
        size_t bad;
        assert_int_equal(nd_tokenize(tk, d[i].text, strlen(d[i].text), &d[i].t, &bad, NULL), NEARDUP_OK);
        assert_non_null(d[i].ids = nd_word_ids(&d[i].t));
        d[i].doc = nd_report_doc(r, d[i].id, strlen(d[i].id), d[i].text, strlen(d[i].text));
    }
    nd_report_witness small[2] = {witness_of(&d[3]), witness_of(&d[4])};
    assert_int_equal(nd_report_cluster(r, 3, 14, small, 2, 0), 0);
    nd_report_witness big[3] = {witness_of(&d[0]), witness_of(&d[1]), witness_of(&d[2])};
    assert_int_equal(nd_report_cluster(r, 7, 15, big, 3, 0), 0);
    /* more clusters than one page of 20, each of two witnesses and fewer words */
    for (uint64_t k = 0; k < 30; k++) {
        small[1].date = k % 2 ? "2024-04-01" : NULL;
        assert_int_equal(nd_report_cluster(r, 100 + k, 5, small, 2, 0), 0);
    }
    /* bad arguments: one witness, a source out of range, a document not in the report */
    assert_int_equal(nd_report_cluster(r, 1, 1, big, 1, 0), -1);
    assert_int_equal(nd_report_cluster(r, 1, 1, big, 3, 3), -1);
    nd_report_witness stray[2] = {big[0], big[1]};
    stray[1].doc = 99;
    assert_int_equal(nd_report_cluster(r, 1, 1, stray, 2, 0), -1);
    /* one pair, so the page has both views */
    nd_passage p = {0};
    p.a_start = 14, p.a_end = 80, p.b_start = 12, p.b_end = 80, p.words = 10, p.matches = 10, p.identity = 1;
    assert_int_equal(nd_report_pair(r, d[0].doc, d[1].doc, 10, 0.5, 0.5, &p, 1, NULL), 0);
    char *html = render(r);
    size_t n = 0;
    for (const char *q = html; (q = strstr(q, "<script")); q++) n++;
    assert_int_equal(n, 2); /* the hostile series is data, never markup */
    assert_non_null(strstr(html, "1 pair sharing passages among 5 documents; 32 passage clusters."));
    json_t *j = page_data(html);
    json_t *cl = json_object_get(j, "clusters"), *series = json_object_get(j, "series");
    assert_int_equal(json_array_size(cl), 32);
    /* the series, sorted, each once */
    const char *want[] = {"daily", "gazette </script><script>alert(1)</script>", "herald", "wire"};
    assert_int_equal(json_array_size(series), 4);
    for (size_t i = 0; i < 4; i++) assert_string_equal(json_string_value(json_array_get(series, i)), want[i]);
    /* most witnesses first, then most words, then by number */
    json_t *c0 = json_array_get(cl, 0), *c1 = json_array_get(cl, 1), *c2 = json_array_get(cl, 2);
    assert_int_equal(json_integer_value(json_array_get(c0, 0)), 7);
    assert_int_equal(json_integer_value(json_array_get(c1, 0)), 3);
    assert_int_equal(json_integer_value(json_array_get(c2, 0)), 100);
    json_t *ws = json_array_get(c0, 3);
    assert_int_equal(json_array_size(ws), 3);
    char *out = json_dumps(ws, JSON_COMPACT);
    /* wire (source): bytes 14-96, no marks; daily: "city" inserted (16-20), "Tuesday" substituted
     * (56-63) for the source's "Monday" (53-59); herald: the source's "new" (39-42) and "long"
     * (68-72) missing */
    assert_string_equal(out, "[[0,14,96,\"2024-03-01\",3,0,0,0,0,[],[]],"
                             "[1,12,100,\"2024-03-02\",0,13,1,1,0,[[16,20,2],[56,63,1]],[[53,59,1]]],"
                             "[2,0,73,\"2024-03-04T08:00Z\",2,12,0,0,2,[],[[39,42,2],[68,72,2]]]]");
    free(out);
    /* no date: null; the hostile series by its index */
    out = json_dumps(json_array_get(c1, 3), JSON_COMPACT);
    assert_string_equal(out, "[[3,9,78,null,1,0,0,0,0,[],[]],[4,14,83,null,0,13,0,0,0,[],[]]]");
    free(out);
    json_decref(j);
    const char *path = getenv("ND_REPORT_CLUSTERS_HTML");
    if (path) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(html, f);
        assert_int_equal(fclose(f), 0);
    }
    free(html);
    nd_report_free(r);
    for (size_t i = 0; i < 5; i++) nd_tokens_free(&d[i].t), free(d[i].ids);
    nd_tokenizer_free(tk);
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
        cmocka_unit_test(histogram_keeps_outliers_apart),
        cmocka_unit_test(clusters_sorted_and_marked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
