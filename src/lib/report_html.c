/* report_html.c - the self-contained HTML report (see report.h).
 *
 * The page carries its data as one JSON block (<script type="application/json">)
 * with every "<", ">" and "&" escaped as \u00XX, so no text can close the
 * block; a short script (report_page.c) renders one page of pairs at a time
 * (responsive with 10,000 pairs) and builds the side-by-side view and the
 * cluster view (report_cluster.c) with textContent only, so no document text
 * is ever parsed as HTML.  The first pair is shown on load. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "edits.h"
#include "record.h"
#include "report_internal.h"

nd_report *nd_report_create(const char *title, const char *command)
{
    nd_report *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->title = strdup(title ? title : "neardup report");
    r->command = strdup(command ? command : "");
    if (!r->title || !r->command) {
        nd_report_free(r);
        return NULL;
    }
    return r;
}

void nd_report_free(nd_report *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->ndocs; i++) free(r->id[i]), free(r->text[i]);
    for (size_t i = 0; i < r->npairs; i++) {
        free(r->pairs[i].p);
        for (size_t k = 0; r->pairs[i].m && k < r->pairs[i].np; k++) nd_passage_marks_free(&r->pairs[i].m[k]);
        free(r->pairs[i].m);
    }
    nd_report_clusters_free(r);
    free(r->id), free(r->text), free(r->len), free(r->pairs);
    free(r->title), free(r->command);
    free(r);
}

long nd_report_doc(nd_report *r, const char *id, size_t id_len, const char *text, size_t len)
{
    if (r->ndocs == r->dcap) {
        size_t cap = r->dcap ? 2 * r->dcap : 64;
        char **i2 = realloc(r->id, cap * sizeof *i2);
        if (i2) r->id = i2;
        char **t2 = i2 ? realloc(r->text, cap * sizeof *t2) : NULL;
        if (t2) r->text = t2;
        size_t *l2 = t2 ? realloc(r->len, cap * sizeof *l2) : NULL;
        if (!l2) return -1;
        r->len = l2;
        r->dcap = cap;
    }
    /* shown escaped: an id keeps every byte, NUL included */
    char *i = nd_id_text_dup(id, id_len), *t = malloc(len + 1);
    if (!i || !t) {
        free(i), free(t);
        return -1;
    }
    if (len) memcpy(t, text, len);
    t[len] = 0;
    r->id[r->ndocs] = i;
    r->text[r->ndocs] = t;
    r->len[r->ndocs] = len;
    return (long)r->ndocs++;
}

/* A copy of n marks (NULL when n is 0). */
static nd_edit_mark *copy_marks(const nd_edit_mark *m, size_t n, int *fail)
{
    if (!n) return NULL;
    nd_edit_mark *c = malloc(n * sizeof *c);
    if (c) memcpy(c, m, n * sizeof *c);
    else *fail = 1;
    return c;
}

int nd_report_pair(nd_report *r, long a, long b, uint64_t shared_words, double containment_a,
                   double containment_b, const nd_passage *p, size_t np, const nd_passage_marks *m)
{
    if (nd_grow((void **)&r->pairs, &r->pcap, r->npairs + 1, sizeof *r->pairs)) return -1;
    nd_passage *c = malloc((np ? np : 1) * sizeof *c);
    nd_passage_marks *cm = m ? calloc(np ? np : 1, sizeof *cm) : NULL;
    int fail = !c || (m && !cm);
    if (np && c) memcpy(c, p, np * sizeof *p);
    for (size_t k = 0; cm && k < np; k++)
        cm[k] = (nd_passage_marks){copy_marks(m[k].a, m[k].na, &fail), copy_marks(m[k].b, m[k].nb, &fail), m[k].na,
                                   m[k].nb};
    if (fail) {
        for (size_t k = 0; cm && k < np; k++) nd_passage_marks_free(&cm[k]);
        free(cm);
        free(c);
        return -1;
    }
    r->pairs[r->npairs++] = (nd_report_pair_rec){a, b, shared_words, containment_a, containment_b, c, np, cm};
    return 0;
}

int nd_report_pair_words(nd_report *r, long a, long b, const nd_overlap_pair *p, const nd_doc_words *wa,
                         const nd_doc_words *wb)
{
    nd_passage_marks *m = calloc(p->np ? p->np : 1, sizeof *m);
    nd_edit_script sc = {0};
    int rc = m ? 0 : -1;
    for (size_t k = 0; !rc && k < p->np; k++)
        if (nd_passage_marks_make(&p->p[k], wa, wb, &sc, &m[k])) rc = -1;
    if (!rc)
        rc = nd_report_pair(r, a, b, p->shared_words, p->containment_a, p->containment_b, p->p, p->np, m);
    for (size_t k = 0; m && k < p->np; k++) nd_passage_marks_free(&m[k]);
    free(m);
    nd_edit_script_free(&sc);
    return rc;
}

void nd_utf16_offsets(const char *text, size_t len, uint32_t *out)
{
    const unsigned char *s = (const unsigned char *)text;
    uint32_t u = 0;
    for (size_t i = 0; i < len;) {
        /* the writer's own rule: an invalid byte (overlong form, surrogate,
         * truncated sequence...) is one U+FFFD, one unit */
        size_t k = s[i] < 0x80 ? 1 : nd_utf8_len(s + i, len - i);
        if (!k) k = 1;
        for (size_t j = 0; j < k; j++) out[i + j] = u;
        u += k == 4 ? 2 : 1; /* a 4-byte sequence is a surrogate pair in UTF-16 */
        i += k;
    }
    out[len] = u;
}

char *nd_report_command(int argc, char **argv)
{
    size_t cap = sizeof "neardup";
    for (int i = 0; i < argc; i++) cap += 4 * strlen(argv[i]) + 3; /* ' becomes '\'' */
    char *s = malloc(cap), *o = s;
    if (!s) return NULL;
    o = stpcpy(o, "neardup");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        *o++ = ' ';
        if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%") ==
                      strlen(a)) {
            o = stpcpy(o, a);
            continue;
        }
        *o++ = '\'';
        for (; *a; a++) {
            if (*a == '\'') o = stpcpy(o, "'\\''");
            else *o++ = *a;
        }
        *o++ = '\'';
    }
    *o = 0;
    return s;
}

/* Visible text in HTML: &, <, > and quotes escaped. */
static void put_html(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: putc(*s, f);
        }
    }
}

static int cmp_pair(const void *x, const void *y)
{
    const nd_report_pair_rec *p = x, *q = y;
    if (p->shared != q->shared) return p->shared > q->shared ? -1 : 1;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

/* n with its thousands grouped ("10,012"), as the page's script writes counts. */
static void put_count(FILE *f, uint64_t n)
{
    char d[24];
    int len = snprintf(d, sizeof d, "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) putc(',', f);
        putc(d[i], f);
    }
}

/* A histogram of shared words per pair as inline SVG, r's pairs sorted (most
 * shared words first).  Bars of equal width in words run from the fewest
 * shared words to the most within Tukey's outer fence, Q3 + 3 (Q3 - Q1): one
 * pair sharing a whole long text would otherwise widen every bar until all
 * the others fell into the first.  Pairs past the fence share a last bar of
 * their own, labelled as outliers with their count; at most 20 bars, never
 * narrower than one word, and a bar holding any pair is at least 2 px tall. */
static void put_histogram(FILE *f, const nd_report *r)
{
    size_t n = r->npairs;
    fputs("<svg id=\"hist\" width=\"560\" height=\"172\" viewBox=\"0 0 560 172\" role=\"img\" "
          "aria-label=\"histogram of shared words per pair\">\n", f);
    if (!n) {
        fputs("<text x=\"50\" y=\"80\">no pairs</text></svg>\n", f);
        return;
    }
#define ASC(j) (r->pairs[n - 1 - (j)].shared) /* the j-th fewest shared words */
    uint64_t lo = ASC(0), max = ASC(n - 1), q1 = ASC((n - 1) / 4), q3 = ASC(3 * (n - 1) / 4);
#undef ASC
    uint64_t fence = q3 + 3 * (q3 - q1), hi = lo, omin = max, nout = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = r->pairs[i].shared;
        if (v > fence) omin = v, nout++;
        else if (v > hi) hi = v;
    }
    int outliers = nout > 0;
    uint64_t span = hi - lo + 1, nb = span < 20u - outliers ? span : 20u - outliers;
    uint64_t w = (span + nb - 1) / nb;
    nb = (span + w - 1) / w;
    uint64_t bins[20] = {0}, top = nout ? nout : 1;
    for (size_t i = 0; i < n; i++)
        if (r->pairs[i].shared <= hi) bins[(r->pairs[i].shared - lo) / w]++;
    for (uint64_t b = 0; b < nb; b++) top = bins[b] > top ? bins[b] : top;
    /* plot: x 50-550, bars from y 130 up to y 22, at most 40 px wide (one
     * bar of 500 px would read as a filled box, not as a histogram) */
    uint64_t nbars = nb + (uint64_t)outliers;
    double slot = 500.0 / (double)nbars < 40 ? 500.0 / (double)nbars : 40, oh = 0;
    for (uint64_t b = 0; b < nbars; b++) {
        uint64_t c = b < nb ? bins[b] : nout;
        double h = 108.0 * (double)c / (double)top, x = 50 + slot * (double)b;
        if (c && h < 2) h = 2;
        if (b == nb) oh = h;
        fprintf(f, "<rect%s x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>", b < nb ? "" : " class=\"out\"",
                x + 1, 130 - h, slot > 4 ? slot - 2 : slot, h);
        if (b < nb) {
            uint64_t from = lo + b * w, to = from + w - 1 < hi ? from + w - 1 : hi;
            if (from == to) fprintf(f, "%llu word%s", (unsigned long long)from, plural(from));
            else fprintf(f, "%llu-%llu words", (unsigned long long)from, (unsigned long long)to);
        } else {
            if (omin == max) fprintf(f, "outliers: %llu words", (unsigned long long)max);
            else fprintf(f, "outliers: %llu-%llu words", (unsigned long long)omin, (unsigned long long)max);
        }
        fprintf(f, ": %llu pair%s</title></rect>\n", (unsigned long long)c, plural(c));
    }
    double end_x = 50 + slot * (double)nb;
    fprintf(f, "<line x1=\"50\" y1=\"130.5\" x2=\"%.1f\" y2=\"130.5\"/>"
               "<text x=\"46\" y=\"30\" text-anchor=\"end\">%llu</text><text x=\"46\" y=\"130\" text-anchor=\"end\">0</text>"
               "<text x=\"4\" y=\"12\">pairs per bar</text>"
               "<text x=\"50\" y=\"146\">%llu</text>",
            50 + slot * (double)nbars, (unsigned long long)top, (unsigned long long)lo);
    if (hi > lo && end_x - 50 > 60) fprintf(f, "<text x=\"%.1f\" y=\"146\" text-anchor=\"end\">%llu</text>", end_x, (unsigned long long)hi);
    if (outliers) /* the outliers' count over their bar, however short it is */
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%llu</text>", end_x + slot / 2, 127 - oh,
                (unsigned long long)nout);
    fputs("<text x=\"50\" y=\"166\">shared words per pair", f);
    if (outliers) {
        fprintf(f, "; last bar: %llu outlier%s, ", (unsigned long long)nout, plural(nout));
        if (omin == max) fprintf(f, "%llu words", (unsigned long long)max);
        else fprintf(f, "%llu-%llu words", (unsigned long long)omin, (unsigned long long)max);
    }
    fputs("</text></svg>\n", f);
}

int nd_report_write(nd_report *r, FILE *f)
{
    if (r->npairs) qsort(r->pairs, r->npairs, sizeof *r->pairs, cmp_pair); /* NULL when empty */
    fputs("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    put_html(f, r->title);
    fprintf(f, "</title>\n<style>%s</style></head><body>\n<header id=\"top\"><h1>", nd_report_style);
    put_html(f, r->title);
    fputs("</h1><p class=\"cmd\">", f);
    put_html(f, r->command);
    fputs("</p><p>", f);
    put_count(f, r->npairs);
    fprintf(f, " pair%s sharing passages among ", plural(r->npairs));
    put_count(f, r->ndocs);
    fprintf(f, " document%s", plural(r->ndocs));
    if (r->nclusters) {
        fputs("; ", f);
        put_count(f, r->nclusters);
        fprintf(f, " passage cluster%s", plural(r->nclusters));
    }
    fputs(".</p>\n", f);
    put_histogram(f, r);
    fprintf(f, "</header>\n<nav id=\"tabs\"%s><button id=\"tab-pairs\">pairs (%zu)</button> "
               "<button id=\"tab-clusters\">passage clusters (%zu)</button></nav>\n",
            r->nclusters ? "" : " hidden", r->npairs, r->nclusters);
    fputs("<section id=\"pairsec\"><p><input id=\"filter\" type=\"search\" placeholder=\"filter by document id\" "
          "size=\"40\"> <span id=\"pager\"></span></p>\n<div id=\"tablebox\"><table id=\"pairs\"><thead><tr><th>#</th>"
          "<th>A</th><th>B</th><th>shared words</th><th>passages</th><th>containment A</th><th>containment B</th>"
          "</tr></thead><tbody></tbody></table></div>\n<section id=\"view\"><div id=\"viewbar\">"
          "<button id=\"prev\" title=\"previous pair (k)\">&#9664; previous</button> "
          "<button id=\"next\" title=\"next pair (j)\">next &#9654;</button> <span id=\"where\"></span> "
          "<button id=\"tolist\">back to the list</button> <span class=\"keys\">keys: j next, k previous</span></div>\n"
          "<p id=\"info\"></p>\n<p class=\"legend\"><mark>matching words</mark> "
          "<mark class=\"sub\">substituted</mark> <mark class=\"indel\">inserted (B) or deleted (A)</mark></p>\n"
          "<div id=\"panes\"><div class=\"pane\" id=\"paneA\"><h2></h2><div class=\"text\"></div></div>"
          "<div class=\"pane\" id=\"paneB\"><h2></h2><div class=\"text\"></div></div></div></section></section>\n"
          "<section id=\"clustsec\" hidden><p><select id=\"cseries\" aria-label=\"series\"><option value=\"-1\">all "
          "series</option></select> <input id=\"cfilter\" type=\"search\" placeholder=\"filter by document id or "
          "words\" size=\"32\"> <span id=\"cpager\"></span></p>\n<p class=\"legend\">each witness against the "
          "source: <mark class=\"sub\">substituted</mark> <mark class=\"ins\">inserted (not in the source)</mark> "
          "<mark class=\"del\">in the source, not in the chosen witness</mark>; choose a witness to see what it "
          "lacks</p>\n<div id=\"clist\"></div></section>\n"
          "<script type=\"application/json\" id=\"data\">{\"docs\": [", f);
    int rc = 0;
    uint32_t **u16 = calloc(r->ndocs ? r->ndocs : 1, sizeof *u16);
    if (!u16) rc = -1;
    for (size_t d = 0; !rc && d < r->ndocs; d++) {
        fputs(d ? ",\n[" : "\n[", f);
        nd_json_write_string_html(f, r->id[d], strlen(r->id[d]));
        putc(',', f);
        nd_json_write_string_html(f, r->text[d], r->len[d]);
        putc(']', f);
        if (!(u16[d] = malloc((r->len[d] + 1) * sizeof **u16))) rc = -1;
        else nd_utf16_offsets(r->text[d], r->len[d], u16[d]);
    }
    fputs("],\n\"pairs\": [", f);
    for (size_t i = 0; !rc && i < r->npairs; i++) {
        const nd_report_pair_rec *p = &r->pairs[i];
        const uint32_t *ua = u16[p->a], *ub = u16[p->b];
        size_t la = r->len[p->a], lb = r->len[p->b];
        fprintf(f, "%s[%ld,%ld,%llu,%.4f,%.4f,[", i ? ",\n" : "\n", p->a, p->b,
                (unsigned long long)p->shared, p->ca, p->cb);
        for (size_t k = 0; k < p->np; k++) {
            const nd_passage *q = &p->p[k];
            /* offsets past a text (a caller's mistake) are clamped, never read past the table */
#define CLAMP(x, n) ((size_t)(x) > (n) ? (n) : (size_t)(x))
            fprintf(f, "%s[%u,%u,%u,%u,%u,%.4f,%u,%u,%u,[", k ? "," : "", ua[CLAMP(q->a_start, la)],
                    ua[CLAMP(q->a_end, la)], ub[CLAMP(q->b_start, lb)], ub[CLAMP(q->b_end, lb)], q->words, q->identity,
                    q->substituted, q->inserted, q->deleted);
            /* edited words: [start, end, 1 substituted | 2 inserted or deleted], UTF-16 offsets */
            const nd_passage_marks *m = p->m ? &p->m[k] : NULL;
            if (m) nd_report_put_marks(f, m->a, m->na, ua, la);
            fputs("],[", f);
            if (m) nd_report_put_marks(f, m->b, m->nb, ub, lb);
            fputs("]]", f);
#undef CLAMP
        }
        fputs("]]", f);
    }
    fputc(']', f);
    if (!rc) rc = nd_report_write_clusters(r, f, u16);
    fprintf(f, "}</script>\n<script>\n%s</script>\n</body></html>\n", nd_report_script);
    for (size_t d = 0; u16 && d < r->ndocs; d++) free(u16[d]);
    free(u16);
    return rc || ferror(f) ? -1 : 0;
}
