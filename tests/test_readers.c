#define _GNU_SOURCE /* memmem, strndup */
/* test_readers.c - the byte maps (offmap.c), encodings (encoding.c), HTML
 * text (html.c) and WARC records (warc.c): each asserts offsets into the
 * original bytes, which is what the readers exist to keep true. */
#include <stdlib.h>
#include <string.h>

#include "nd_test.h"
#include "encoding.h"
#include "extract.h"
#include "html.h"
#include "offmap.h"
#include "warc.h"
#include "record.h"

/* The original bytes a text range [a, b) maps to, as a string. */
static char *orig_of(const char *orig, const nd_map_run *m, size_t n, uint32_t a, uint32_t b)
{
    uint32_t s = nd_offmap_start(m, n, a), e = nd_offmap_end(m, n, b);
    char *r = malloc(e - s + 1);
    memcpy(r, orig + s, e - s);
    r[e - s] = 0;
    return r;
}

/* The text range of the first occurrence of word in text. */
static void find(const char *text, size_t len, const char *word, uint32_t *a, uint32_t *b)
{
    const char *p = memmem(text, len, word, strlen(word));
    assert_non_null(p);
    *a = (uint32_t)(p - text);
    *b = *a + (uint32_t)strlen(word);
}

static void offmap_runs(void **state)
{
    nd_offmap m = {0};
    /* "ab" verbatim from [10, 12), "X" (3 bytes) from [12, 13), "cd" verbatim from [13, 15), "\n" from nothing */
    assert_int_equal(nd_offmap_push(&m, 2, 10, 12), 0);
    assert_int_equal(nd_offmap_push(&m, 3, 12, 13), 0);
    assert_int_equal(nd_offmap_push(&m, 2, 13, 15), 0);
    assert_int_equal(nd_offmap_push(&m, 1, 15, 15), 0);
    assert_int_equal(nd_offmap_push(&m, 1, 20, 21), 0);
    assert_int_equal(nd_offmap_push(&m, 1, 21, 22), 0); /* merges with the one before */
    assert_int_equal(nd_offmap_finish(&m), 0);
    assert_int_equal(m.n, 6);
    assert_int_equal(nd_offmap_start(m.run, m.n, 0), 10);
    assert_int_equal(nd_offmap_start(m.run, m.n, 1), 11);
    assert_int_equal(nd_offmap_start(m.run, m.n, 2), 12);
    assert_int_equal(nd_offmap_end(m.run, m.n, 5), 13); /* the end of the 3-byte character */
    assert_int_equal(nd_offmap_end(m.run, m.n, 7), 15);
    assert_int_equal(nd_offmap_start(m.run, m.n, 8), 20);
    assert_int_equal(nd_offmap_end(m.run, m.n, 10), 22);
    assert_int_equal(nd_offmap_start(m.run, 0, 7), 7); /* no map: the identity */
    /* composition: an outer map shifting by 3 (a BOM) */
    nd_offmap outer = {0}, out = {0};
    assert_int_equal(nd_offmap_push(&outer, 30, 3, 33), 0);
    assert_int_equal(nd_offmap_finish(&outer), 0);
    assert_int_equal(nd_offmap_compose(&out, &m, outer.run, outer.n), 0);
    assert_int_equal(nd_offmap_start(out.run, out.n, 1), 14);
    assert_int_equal(nd_offmap_end(out.run, out.n, 5), 16);
    assert_int_equal(nd_offmap_end(out.run, out.n, 10), 25);
    nd_offmap_free(&m);
    nd_offmap_free(&outer);
    nd_offmap_free(&out);
}

static void decode_windows_1252(void **state)
{
    int bad;
    nd_decoder *d = nd_decoder_create(NULL, 0, &bad);
    assert_non_null(d);
    /* curly quotes and accents in Windows-1252, as an old newsroom system writes them */
    const char src[] = "\x93" "Fran\xe7ois Hollande\x94 met Jos\xe9 Barroso in Z\xfcrich and spoke of the \x80 and "
                       "the economy of the whole of Europe, its banks, its debts and its future.";
    nd_decoded out;
    nd_error err = {0, ""};
    assert_int_equal(nd_decode(d, src, sizeof src - 1, NULL, 0, "t.txt", &out, &err), NEARDUP_OK);
    assert_string_equal(out.encoding, "windows-1252 (detected)");
    assert_true(out.nmap > 0);
    uint32_t a, b;
    find(out.text, out.len, "Fran\xc3\xa7ois", &a, &b);
    char *o = orig_of(src, out.map, out.nmap, a, b);
    assert_string_equal(o, "Fran\xe7ois");
    free(o);
    find(out.text, out.len, "Z\xc3\xbcrich", &a, &b);
    o = orig_of(src, out.map, out.nmap, a, b);
    assert_string_equal(o, "Z\xfcrich");
    free(o);
    find(out.text, out.len, "\xe2\x82\xac", &a, &b); /* the euro sign is 0x80 */
    assert_int_equal(nd_offmap_start(out.map, out.nmap, a), strchr(src, '\x80') - src);
    /* uchardet says iso-8859-2 of Western accents (se\xf1or would become se\xc5\x84or);
     * real Polish (windows-1250) and Russian (windows-1251) keep its guess */
    const char es[] = "El se\xf1or Mu\xf1oz lleg\xf3 a Z\xfcrich con caf\xe9 y cr\xe8me br\xfbl\xe9" "e, dijo el portavoz del "
                      "gobierno espa\xf1ol en una rueda de prensa.";
    assert_int_equal(nd_decode(d, es, sizeof es - 1, NULL, 0, "t", &out, &err), NEARDUP_OK);
    assert_string_equal(out.encoding, "windows-1252 (detected)");
    assert_non_null(memmem(out.text, out.len, "se\xc3\xb1or Mu\xc3\xb1oz", 12));
    const char pl[] = "Za\xbf\xf3\xb3\xe6 g\xea\x9c\xb9 ja\x9f\xf1. Wczoraj w Warszawie prezydent powiedzia\xb3, \xbf"
                      "e rz\xb9" "d musi dzia\xb3" "a\xe6 szybko, bo sytuacja jest powa\xbfna.";
    assert_int_equal(nd_decode(d, pl, sizeof pl - 1, NULL, 0, "t", &out, &err), NEARDUP_OK);
    assert_string_equal(out.encoding, "windows-1250 (detected)");
    const char ru[] = "\xc2\xf7\xe5\xf0\xe0 \xe2 \xcc\xee\xf1\xea\xe2\xe5 \xef\xf0\xe5\xe7\xe8\xe4\xe5\xed\xf2 "
                      "\xf1\xea\xe0\xe7\xe0\xeb, \xf7\xf2\xee \xef\xf0\xe0\xe2\xe8\xf2\xe5\xeb\xfc\xf1\xf2\xe2\xee "
                      "\xe4\xee\xeb\xe6\xed\xee \xe4\xe5\xe9\xf1\xf2\xe2\xee\xe2\xe0\xf2\xfc \xe1\xfb\xf1\xf2\xf0\xee.";
    assert_int_equal(nd_decode(d, ru, sizeof ru - 1, NULL, 0, "t", &out, &err), NEARDUP_OK);
    assert_string_equal(out.encoding, "windows-1251 (detected)");
    nd_decoder_free(d);
}

static void decode_declared_bom_forced(void **state)
{
    int bad;
    nd_decoder *d = nd_decoder_create(NULL, 0, &bad);
    nd_decoded out;
    nd_error err = {0, ""};
    /* a BOM: skipped, offsets shift by 3 */
    const char bom[] = "\xef\xbb\xbfhello world";
    assert_int_equal(nd_decode(d, bom, sizeof bom - 1, NULL, 0, "t", &out, &err), NEARDUP_OK);
    assert_int_equal(out.len, 11);
    assert_int_equal(nd_offmap_start(out.map, out.nmap, 6), 9);
    /* UTF-16LE by its BOM */
    const char u16[] = "\xff\xfeh\0i\0 \0\xe9\0";
    assert_int_equal(nd_decode(d, u16, sizeof u16 - 1, NULL, 0, "t", &out, &err), NEARDUP_OK);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.text, "hi \xc3\xa9", 5);
    assert_int_equal(nd_offmap_start(out.map, out.nmap, 3), 8);
    assert_int_equal(nd_offmap_end(out.map, out.nmap, 5), 10);
    /* Shift_JIS declared over HTTP: two bytes a character */
    const char sj[] = "ab\x93\xfa\x96\x7b";  /* "ab" + 日本 */
    assert_int_equal(nd_decode(d, sj, sizeof sj - 1, "shift_jis", 0, "t", &out, &err), NEARDUP_OK);
    assert_memory_equal(out.text, "ab\xe6\x97\xa5\xe6\x9c\xac", 8);
    assert_int_equal(nd_offmap_start(out.map, out.nmap, 5), 4);
    assert_int_equal(nd_offmap_end(out.map, out.nmap, 8), 6);
    /* a <meta charset> that lies: named, with its byte */
    const char lie[] = "<meta charset=utf-8><p>caf\xe9</p>";
    assert_int_equal(nd_decode(d, lie, sizeof lie - 1, NULL, 1, "p.html", &out, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "p.html: byte 26 (0xe9) is not valid utf-8 (the encoding chosen by <meta charset> at byte 0)"));
    /* an unknown declared charset */
    assert_int_equal(nd_decode(d, "x", 1, "klingon-8", 0, "r", &out, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "charset \"klingon-8\""));
    nd_decoder_free(d);
    /* latin1 is windows-1252, as in browsers: 0x93 is a quote, not a C1 control */
    d = nd_decoder_create("latin1", 0, &bad);
    assert_non_null(d);
    assert_int_equal(nd_decode(d, "\x93q\x94", 3, NULL, 0, "t", &out, &err), NEARDUP_OK);
    assert_memory_equal(out.text, "\xe2\x80\x9cq\xe2\x80\x9d", 7);
    nd_decoder_free(d);
    assert_null(nd_decoder_create("no-such-encoding", 0, &bad));
    assert_int_equal(bad, 1);
    /* --encoding utf-8: bytes pass as they are (the tokenizer judges them) */
    d = nd_decoder_create("utf-8", 0, &bad);
    assert_int_equal(nd_decode(d, "a\xffz", 3, NULL, 0, "t", &out, &err), NEARDUP_OK);
    assert_int_equal(out.nmap, 0);
    nd_decoder_free(d);
}

static void meta_prescan(void **state)
{
    char label[48];
    size_t at;
    const char *a = "<!-- <meta charset=koi8-r> --><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=ISO-8859-2'>";
    assert_int_equal(nd_html_meta_charset(a, strlen(a), label, sizeof label, &at), 1);
    assert_string_equal(label, "ISO-8859-2");
    assert_int_equal(at, 30);
    const char *b = "<meta content='text/html; charset=koi8-r'>"; /* content without http-equiv: ignored */
    assert_int_equal(nd_html_meta_charset(b, strlen(b), label, sizeof label, &at), 0);
    const char *c = "<meta name=x><meta charset=\"windows-1251\">";
    assert_int_equal(nd_html_meta_charset(c, strlen(c), label, sizeof label, &at), 1);
    assert_string_equal(label, "windows-1251");
}

/* The visible text of page, and the original bytes of word in it. */
static char *html_word(nd_html *h, const char *page, const char *word, char **text)
{
    const char *t;
    size_t len;
    const nd_offmap *m;
    nd_error err = {0, ""};
    assert_int_equal(nd_html_text(h, page, strlen(page), "p", &t, &len, &m, &err), NEARDUP_OK);
    *text = strndup(t, len);
    uint32_t a, b;
    find(t, len, word, &a, &b);
    return orig_of(page, m->run, m->n, a, b);
}

static void html_text_and_offsets(void **state)
{
    nd_html *h = nd_html_create(0);
    char *text, *o;
    const char *page = "<html><head><title>T</title><style>p{}</style></head><body><nav>Menu Home</nav>"
                       "<p>He said &#8220;caf&eacute;&#8221; &amp; left.\r\nThen <b>bo</b>ld<br>next</p>"
                       "<!-- a comment --><script>var x = '</p>';</script><div hidden>secret</div>"
                       "<p>AT&T &copy2024 x&lt;y &notit;</p></body></html>";
    o = html_word(h, page, "caf\xc3\xa9\xe2\x80\x9d", &text);
    assert_string_equal(o, "caf&eacute;&#8221;");
    assert_string_equal(text, "He said \xe2\x80\x9c" "caf\xc3\xa9\xe2\x80\x9d & left.\nThen bold\nnext\n"
                              "AT&T \xc2\xa9" "2024 x<y \xc2\xacit;");
    free(o);
    free(text);
    o = html_word(h, page, "left.\nThen", &text); /* CR LF made LF: the span still covers both */
    assert_string_equal(o, "left.\r\nThen");
    free(o);
    free(text);
    o = html_word(h, page, "bold", &text); /* a word across an inline tag */
    assert_string_equal(o, "bo</b>ld");
    free(o);
    free(text);
    o = html_word(h, page, "2024 x<y", &text);
    assert_string_equal(o, "2024 x&lt;y");
    free(o);
    free(text);
    nd_html_free(h);
    /* nesting 5,000 deep: walked without recursion, and in bounded memory
     * (gumbo's error records copied the open elements: 1.5 GB at 10,000) */
    size_t n = 5000;
    char *deep = malloc(n * 5 + 16);
    for (size_t i = 0; i < n; i++) memcpy(deep + 5 * i, "<div>", 5);
    strcpy(deep + 5 * n, "deep text");
    h = nd_html_create(0);
    o = html_word(h, deep, "deep", &text);
    assert_string_equal(o, "deep");
    free(o);
    free(text);
    free(deep);
    nd_html_free(h);
}

static void warc_framing(void **state)
{
    nd_warc_frame f;
    char why[128];
    const char *rec = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nHTTP/";
    assert_int_equal(nd_warc_header(rec, strlen(rec), &f, why, sizeof why), 1);
    assert_int_equal(f.content_length, 5);
    assert_string_equal(f.type, "response");
    assert_int_equal(nd_warc_header(rec, 20, &f, why, sizeof why), 0); /* more bytes needed */
    assert_int_equal(nd_warc_header("WARC/2.0\r\n", 10, &f, why, sizeof why), -1);
    const char *nolen = "WARC/1.1\r\nWARC-Type: conversion\r\n\r\n";
    assert_int_equal(nd_warc_header(nolen, strlen(nolen), &f, why, sizeof why), -1);
    assert_string_equal(why, "the record header has no valid Content-Length");
    const char *badlen = "WARC/1.1\r\nContent-Length: 12x\r\n\r\n";
    assert_int_equal(nd_warc_header(badlen, strlen(badlen), &f, why, sizeof why), -1);
}

static void warc_records(void **state)
{
    nd_warc *w = nd_warc_create();
    nd_warc_doc d;
    nd_error err = {0, ""};
    const char *block = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n5\r\n<p>hi\r\n4;ext=1\r\n</p>\r\n0\r\n\r\n";
    char rec[1024];
    int n = snprintf(rec, sizeof rec, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.test/a\r\n"
                     "WARC-Date: 2024-01-02T03:04:05Z\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(block), block);
    assert_int_equal(nd_warc_parse(w, rec, (size_t)n, "r", &d, &err), NEARDUP_OK);
    assert_memory_equal(d.uri, "http://x.test/a", d.uri_len);
    assert_memory_equal(d.date, "2024-01-02T03:04:05Z", d.date_len);
    assert_memory_equal(d.record_id, "<urn:uuid:1>", d.record_id_len);
    assert_int_equal(d.body_len, 9);
    assert_memory_equal(d.body, "<p>hi</p>", 9);
    assert_string_equal(d.charset, "ISO-8859-1");
    assert_int_equal(d.html, 1);
    /* a chunk longer than the record */
    const char *bad = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nshort\r\n";
    n = snprintf(rec, sizeof rec, "WARC/1.1\r\nWARC-Type: response\r\nContent-Length: %zu\r\n\r\n%s", strlen(bad), bad);
    assert_int_equal(nd_warc_parse(w, rec, (size_t)n, "r", &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "a chunk of 255 bytes"));
    /* an unsupported content coding */
    const char *br = "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\nxx";
    n = snprintf(rec, sizeof rec, "WARC/1.1\r\nWARC-Type: response\r\nContent-Length: %zu\r\n\r\n%s", strlen(br), br);
    assert_int_equal(nd_warc_parse(w, rec, (size_t)n, "r", &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "Content-Encoding \"br\" is not supported"));
    /* what is not a document */
    nd_warc_frame f;
    char why[128];
    const char *req = "WARC/1.1\r\nWARC-Type: request\r\nContent-Length: 0\r\n\r\n";
    assert_int_equal(nd_warc_header(req, strlen(req), &f, why, sizeof why), 1);
    nd_warc_classify(req, "", 0, &f);
    assert_int_equal(f.kind, ND_WARC_SKIP);
    assert_string_equal(f.why, "request");
    nd_warc_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offmap_runs),
        cmocka_unit_test(decode_windows_1252),
        cmocka_unit_test(decode_declared_bom_forced),
        cmocka_unit_test(meta_prescan),
        cmocka_unit_test(html_text_and_offsets),
        cmocka_unit_test(warc_framing),
        cmocka_unit_test(warc_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
