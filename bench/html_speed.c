/* html_speed.c - throughput of the HTML reader (gumbo, as html.c uses it,
 * against libxml2's HTML parser with the same text walk) and of encoding
 * detection and decoding (encoding.c: uchardet + iconv), one core.
 *
 *   make build/html_speed && build/html_speed [CORPUS.jsonl[.zst]] [DOCS] [REPEATS]
 * Defaults: ../shared/corpora/news-40k.jsonl.zst, 5000 documents, 3 (best of).
 * Each document becomes a news page (a template with a menu, a cookie
 * banner, a script, a footer; paragraphs with &#8220; entities), and a
 * Windows-1252 copy of its text (iconv //TRANSLIT).  Prints a Markdown
 * table of MB/s (of HTML, or of input bytes). */
#define _GNU_SOURCE
#include <gumbo.h>
#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uchardet/uchardet.h>

#include "encoding.h"
#include "html.h"
#include "reader.h"
#include "record.h"

typedef struct {
    char *p;
    size_t n;
} buf;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void put(buf *b, size_t *cap, const char *s, size_t n)
{
    if (b->n + n + 1 > *cap) {
        while (b->n + n + 1 > *cap) *cap = *cap ? 2 * *cap : 4096;
        b->p = realloc(b->p, *cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static buf page_of(const char *t, size_t n)
{
    buf b = {0};
    size_t cap = 0;
    const char *head = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>News</title>"
                       "<script>window.dataLayer=[];function g(){dataLayer.push(arguments)}</script>"
                       "<style>body{font:16px Georgia}</style></head><body>"
                       "<div id=\"cookie-banner\"><p>We use cookies to improve your experience.</p></div>"
                       "<header><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a></li>"
                       "<li><a href=\"/sport\">Sport</a></li></ul></nav></header><main><article><h1>Story</h1><p>";
    put(&b, &cap, head, strlen(head));
    int open = 1;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == '\n') put(&b, &cap, "</p>\n<p>", 8);
        else if (c == '"') put(&b, &cap, (open ^= 1) ? "&#8221;" : "&#8220;", 7);
        else if (c == '&') put(&b, &cap, "&amp;", 5);
        else if (c == '<') put(&b, &cap, "&lt;", 4);
        else put(&b, &cap, &c, 1);
    }
    const char *tail = "</p></article></main><footer><p>&copy; 2024 Example News. All rights reserved.</p>"
                       "</footer><script src=\"/a.js\"></script></body></html>";
    put(&b, &cap, tail, strlen(tail));
    return b;
}

/* libxml2: the same visible text (script and style skipped, a break per block). */
static void xml_walk(xmlNode *n, buf *out, size_t *cap)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE && n->content) put(out, cap, (const char *)n->content, strlen((const char *)n->content));
        else if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "script") && strcmp((const char *)n->name, "style")) {
            xml_walk(n->children, out, cap);
            put(out, cap, "\n", 1);
        }
    }
}

static double run_gumbo_walk(buf *pg, size_t np, size_t *chars)
{
    nd_html *h = nd_html_create(0);
    double t0 = now();
    *chars = 0;
    for (size_t i = 0; i < np; i++) {
        const char *t;
        size_t len;
        const nd_offmap *m;
        nd_error err;
        if (nd_html_text(h, pg[i].p, pg[i].n, "b", &t, &len, &m, &err)) abort();
        *chars += len;
    }
    double s = now() - t0;
    nd_html_free(h);
    return s;
}

static double run_gumbo_parse(buf *pg, size_t np)
{
    double t0 = now();
    for (size_t i = 0; i < np; i++) {
        GumboOptions o = kGumboDefaultOptions;
        o.max_errors = 0;
        GumboOutput *g = gumbo_parse_with_options(&o, pg[i].p, pg[i].n);
        gumbo_destroy_output(&o, g);
    }
    return now() - t0;
}

static double run_libxml2(buf *pg, size_t np, size_t *chars)
{
    buf out = {0};
    size_t cap = 0;
    double t0 = now();
    *chars = 0;
    for (size_t i = 0; i < np; i++) {
        htmlDocPtr d = htmlReadMemory(pg[i].p, (int)pg[i].n, NULL, "UTF-8",
                                      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
        out.n = 0;
        if (d) xml_walk(xmlDocGetRootElement(d), &out, &cap);
        *chars += out.n;
        xmlFreeDoc(d);
    }
    double s = now() - t0;
    free(out.p);
    return s;
}

static size_t cp1252_hits; /* documents the last run_decode read as windows-1252 */

static double run_decode(buf *in, size_t np, const char *forced, size_t *other)
{
    cp1252_hits = 0;
    nd_decoder *d = nd_decoder_create(forced, 0, NULL);
    double t0 = now();
    *other = 0;
    for (size_t i = 0; i < np; i++) {
        nd_decoded o;
        nd_error err;
        if (nd_decode(d, in[i].p, in[i].n, NULL, 0, "b", &o, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            abort();
        }
        *other += strcmp(o.encoding, "utf-8") != 0;
        cp1252_hits += !strncmp(o.encoding, "windows-1252", 12);
    }
    double s = now() - t0;
    nd_decoder_free(d);
    return s;
}

static double run_uchardet(buf *in, size_t np)
{
    uchardet_t u = uchardet_new();
    double t0 = now();
    for (size_t i = 0; i < np; i++) {
        uchardet_reset(u);
        uchardet_handle_data(u, in[i].p, in[i].n);
        uchardet_data_end(u);
        (void)uchardet_get_charset(u);
    }
    double s = now() - t0;
    uchardet_delete(u);
    return s;
}

typedef double (*bench_fn)(void *);

int main(int argc, char **argv)
{
    const char *file = argc > 1 ? argv[1] : "../shared/corpora/news-40k.jsonl.zst";
    size_t want = argc > 2 ? strtoul(argv[2], NULL, 10) : 5000;
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    nd_error err = {0, ""};
    nd_reader *r = nd_reader_open(&file, 1, NULL, &err);
    if (!r) return fprintf(stderr, "%s\n", err.msg), 2;
    nd_record_parser *rp = nd_record_parser_create(NULL);
    buf *txt = calloc(want, sizeof *txt), *pg = calloc(want, sizeof *pg), *w1252 = calloc(want, sizeof *w1252);
    buf *wacc = calloc(want, sizeof *wacc); /* with accented words: uchardet decides */
    size_t a_bytes = 0;
    size_t np = 0, html_bytes = 0, text_bytes = 0, w_bytes = 0;
    nd_batch b = {0};
    iconv_t cd = iconv_open("WINDOWS-1252//TRANSLIT", "UTF-8");
    while (np < want && nd_reader_next(r, &b, 1 << 20, &err) == 1) {
        for (size_t i = 0; i < b.n && np < want; i++) {
            nd_doc d;
            if (nd_record_parse(rp, &b.rec[i], b.buf + b.rec[i].off, file, &d, &err)) continue;
            txt[np].p = strndup(d.text, d.text_len);
            txt[np].n = d.text_len;
            pg[np] = page_of(d.text, d.text_len);
            /* typeset quotes (as a newsroom system writes them) so that the
             * copy is not plain ASCII, which would be valid UTF-8 */
            buf q = {0};
            size_t qcap = 0;
            int open = 0;
            for (size_t k = 0; k < d.text_len; k++) {
                if (d.text[k] == '"') put(&q, &qcap, (open ^= 1) ? "\xe2\x80\x9c" : "\xe2\x80\x9d", 3);
                else if (d.text[k] == '\'') put(&q, &qcap, "\xe2\x80\x99", 3);
                else put(&q, &qcap, d.text + k, 1);
            }
            w1252[np].p = malloc(q.n + 1);
            char *ip = q.p ? q.p : "", *op = w1252[np].p;
            size_t il = q.n, ol = q.n;
            iconv(cd, NULL, NULL, NULL, NULL);
            while (il && iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && il) ip++, il--; /* drop what cannot be */
            w1252[np].n = (size_t)(op - w1252[np].p);
            size_t acap = 0;
            for (size_t k = 0; k < w1252[np].n; k++) {
                if (w1252[np].p[k] == '\n') { static const char acc[] = " Caf\xe9 in Z\xfcrich, se\xf1or"; put(&wacc[np], &acap, acc, sizeof acc - 1); }
                put(&wacc[np], &acap, w1252[np].p + k, 1);
            }
            if (!wacc[np].p) put(&wacc[np], &acap, "Caf\xe9", 4);
            a_bytes += wacc[np].n;
            free(q.p);
            text_bytes += txt[np].n, html_bytes += pg[np].n, w_bytes += w1252[np].n;
            np++;
        }
    }
    iconv_close(cd);
    double best[9];
    size_t c_gumbo = 0, c_xml = 0, other = 0, other_u = 0;
    for (int k = 0; k < 9; k++) best[k] = 1e30;
    for (int rep = 0; rep < reps; rep++) {
        double s[9];
        s[0] = run_gumbo_walk(pg, np, &c_gumbo);
        s[1] = run_gumbo_parse(pg, np);
        s[2] = run_libxml2(pg, np, &c_xml);
        s[3] = run_decode(w1252, np, NULL, &other);
        s[4] = run_uchardet(w1252, np);
        s[5] = run_decode(txt, np, NULL, &other_u);
        s[6] = run_decode(w1252, np, "windows-1252", &other);
        s[7] = run_decode(wacc, np, NULL, &other);
        s[8] = run_uchardet(wacc, np);
        for (int k = 0; k < 9; k++) if (s[k] < best[k]) best[k] = s[k];
    }
    run_decode(wacc, np, NULL, &other);
    size_t acc_hits = cp1252_hits;
    run_decode(w1252, np, NULL, &other);
    printf("| reader step (one core, %zu news-40k documents, best of %d) | input MB | seconds | MB/s |\n", np, reps);
    printf("|---|---|---|---|\n");
    const char *names[9] = {"HTML -> text, gumbo + html.c walk and byte map (what neardup runs)",
                            "gumbo parse alone (tree built and freed)",
                            "libxml2 htmlReadMemory + the same text walk (no byte map)",
                            "encoding auto on Windows-1252 copies (UTF-8 check, uchardet, table decode, map)",
                            "uchardet alone on the Windows-1252 copies",
                            "encoding auto on the UTF-8 originals (validation only)",
                            "--encoding windows-1252 (table decode + map, no detection)",
                            "encoding auto on Windows-1252 copies with accented words (uchardet decides)",
                            "uchardet alone on those"};
    double mb[9] = {html_bytes / 1e6, html_bytes / 1e6, html_bytes / 1e6, w_bytes / 1e6, w_bytes / 1e6,
                    text_bytes / 1e6, w_bytes / 1e6, a_bytes / 1e6, a_bytes / 1e6};
    for (int k = 0; k < 9; k++) printf("| %s | %.1f | %.3f | %.1f |\n", names[k], mb[k], best[k], mb[k] / best[k]);
    printf("\ntext extracted: gumbo %zu bytes, libxml2 %zu bytes; Windows-1252 copies not UTF-8 (the others are "
           "ASCII): %zu of %zu, detected as windows-1252: %zu; with accented words: %zu of %zu detected as windows-1252\n",
           c_gumbo, c_xml, other, np, cp1252_hits, acc_hits, np);
    nd_batch_free(&b);
    nd_record_parser_free(rp);
    nd_reader_free(r);
    return 0;
}
