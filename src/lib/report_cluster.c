/* report_cluster.c - passage clusters in the HTML report (report.h): each
 * witness aligned against the cluster's source with the pair view's edit
 * script (edits.c), kept as counts and byte marks, and written to the
 * page's JSON block as UTF-16 offsets, clusters sorted by size, series as
 * indexes into one sorted table (a series is written once, however many
 * witnesses carry it). */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "edits.h"
#include "record.h"
#include "report_internal.h"
#include "tokenize.h"

static nd_span word_at(const nd_doc_words *w, uint64_t t) { return w->span ? w->span[t] : nd_spans_get(w->packed, t); }

/* The first of the n words of w that ends after byte b (to_start 0), or
 * that starts at or after b (to_start 1): a byte range [s, e) covers words
 * [first(s, 0), first(e, 1)). */
static uint64_t first_word(const nd_doc_words *w, uint64_t n, uint32_t b, int to_start)
{
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        nd_span sp = word_at(w, mid);
        if (to_start ? sp.start < b : sp.end <= b) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static char *dup_or_null(const char *s, int *fail)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *fail = 1;
    return d;
}

static void wit_free(nd_report_wit *w)
{
    free(w->date);
    free(w->series);
    nd_passage_marks_free(&w->m);
}

/* Witness x's words against the source's: counts and marks into k. */
static int mark_witness(const nd_report_witness *src, const nd_report_witness *x, nd_edit_script *sc,
                        nd_report_wit *k)
{
    if (!src->words.id || !x->words.id) return 0;
    nd_passage p = {0};
    p.a_tok = (uint32_t)first_word(&src->words, src->ntok, src->start, 0);
    p.a_tok_end = (uint32_t)first_word(&src->words, src->ntok, src->end, 1);
    p.b_tok = (uint32_t)first_word(&x->words, x->ntok, x->start, 0);
    p.b_tok_end = (uint32_t)first_word(&x->words, x->ntok, x->end, 1);
    if (p.a_tok_end < p.a_tok) p.a_tok_end = p.a_tok;
    if (p.b_tok_end < p.b_tok) p.b_tok_end = p.b_tok;
    /* one script for the counts and one for the marks: the same kernel as
     * every pair's (nd_passage_edits, nd_passage_marks_make) */
    if (nd_passage_edits(&p, 1, src->words.id, x->words.id, sc) ||
        nd_passage_marks_make(&p, &src->words, &x->words, sc, &k->m))
        return -1;
    k->c = (nd_edit_counts){p.matches, p.substituted, p.inserted, p.deleted};
    k->marked = 1;
    return 0;
}

int nd_report_cluster(nd_report *r, uint64_t cluster, uint32_t words, const nd_report_witness *w, size_t n,
                      size_t source)
{
    if (n < 2 || source >= n) return -1;
    for (size_t i = 0; i < n; i++)
        if (w[i].doc < 0 || (size_t)w[i].doc >= r->ndocs) return -1;
    if (nd_grow((void **)&r->clusters, &r->ccap, r->nclusters + 1, sizeof *r->clusters)) return -1;
    nd_report_wit *k = calloc(n, sizeof *k);
    if (!k) return -1;
    nd_edit_script sc = {0};
    int fail = 0;
    for (size_t i = 0; i < n && !fail; i++) {
        size_t len = r->len[w[i].doc];
        k[i].doc = w[i].doc;
        /* a range past its text (a caller's mistake) is clamped, never read past it */
        k[i].start = w[i].start > len ? (uint32_t)len : w[i].start;
        k[i].end = w[i].end > len ? (uint32_t)len : w[i].end < k[i].start ? k[i].start : w[i].end;
        k[i].date = dup_or_null(w[i].date, &fail);
        k[i].series = dup_or_null(w[i].series, &fail);
        if (!fail && i != source && mark_witness(&w[source], &w[i], &sc, &k[i])) fail = 1;
    }
    nd_edit_script_free(&sc);
    if (fail) {
        for (size_t i = 0; i < n; i++) wit_free(&k[i]);
        free(k);
        return -1;
    }
    r->clusters[r->nclusters++] = (nd_report_clus){cluster, words, source, n, k};
    return 0;
}

void nd_report_clusters_free(nd_report *r)
{
    for (size_t c = 0; c < r->nclusters; c++) {
        for (size_t i = 0; i < r->clusters[c].n; i++) wit_free(&r->clusters[c].w[i]);
        free(r->clusters[c].w);
    }
    free(r->clusters);
}

/* Most witnesses first, then most words, then the record's order. */
static int cmp_cluster(const void *x, const void *y)
{
    const nd_report_clus *p = x, *q = y;
    if (p->n != q->n) return p->n > q->n ? -1 : 1;
    if (p->words != q->words) return p->words > q->words ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id);
}

static int cmp_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

void nd_report_put_marks(FILE *f, const nd_edit_mark *m, size_t n, const uint32_t *u, size_t len)
{
    for (size_t e = 0; e < n; e++)
        fprintf(f, "%s[%u,%u,%d]", e ? "," : "", u[m[e].start > len ? len : m[e].start],
                u[m[e].end > len ? len : m[e].end], m[e].op == ND_EDIT_SUB ? 1 : 2);
}

int nd_report_write_clusters(nd_report *r, FILE *f, uint32_t *const *u16)
{
    if (r->nclusters) qsort(r->clusters, r->nclusters, sizeof *r->clusters, cmp_cluster);
    size_t ns = 0;
    for (size_t c = 0; c < r->nclusters; c++)
        for (size_t i = 0; i < r->clusters[c].n; i++) ns += r->clusters[c].w[i].series != NULL;
    char **series = malloc((ns ? ns : 1) * sizeof *series);
    if (!series) return -1;
    ns = 0;
    for (size_t c = 0; c < r->nclusters; c++)
        for (size_t i = 0; i < r->clusters[c].n; i++)
            if (r->clusters[c].w[i].series) series[ns++] = r->clusters[c].w[i].series;
    if (ns) qsort(series, ns, sizeof *series, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < ns; i++)
        if (!u || strcmp(series[u - 1], series[i])) series[u++] = series[i];
    /* a cluster: [number, words, source, witnesses]; a witness: [document, start, end, date | null,
     * series | -1, matches, substituted, inserted, deleted, marks in its text, marks in the source's]
     * (marks [start, end, 1 substituted | 2 inserted or deleted], offsets in UTF-16 units) */
    fputs(",\n\"clusters\": [", f);
    for (size_t c = 0; c < r->nclusters; c++) {
        const nd_report_clus *k = &r->clusters[c];
        const nd_report_wit *s = &k->w[k->source];
        fprintf(f, "%s[%llu,%u,%zu,[", c ? ",\n" : "\n", (unsigned long long)k->id, k->words, k->source);
        for (size_t i = 0; i < k->n; i++) {
            const nd_report_wit *w = &k->w[i];
            const uint32_t *uw = u16[w->doc];
            fprintf(f, "%s[%ld,%u,%u,", i ? "," : "", w->doc, uw[w->start], uw[w->end]);
            if (w->date) nd_json_write_string_html(f, w->date, strlen(w->date));
            else fputs("null", f);
            char **at = w->series ? bsearch(&w->series, series, u, sizeof *series, cmp_str) : NULL;
            fprintf(f, ",%ld,%u,%u,%u,%u,[", at ? (long)(at - series) : -1L, w->c.matches, w->c.substituted,
                    w->c.inserted, w->c.deleted);
            nd_report_put_marks(f, w->m.b, w->m.nb, uw, r->len[w->doc]);
            fputs("],[", f);
            nd_report_put_marks(f, w->m.a, w->m.na, u16[s->doc], r->len[s->doc]);
            fputs("]]", f);
        }
        fputs("]]", f);
    }
    fputs("],\n\"series\": [", f);
    for (size_t i = 0; i < u; i++) {
        if (i) putc(',', f);
        nd_json_write_string_html(f, series[i], strlen(series[i]));
    }
    putc(']', f);
    free(series);
    return 0;
}
