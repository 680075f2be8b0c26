/* cli_clusters.c - `overlap --clusters`: the reused-passage clusters as
 * JSONL, one record a cluster,
 *   {"cluster": N, "size": S, "source": ID, "words": W, "witnesses": [{"id": ID,
 *    "start": B, "end": B, "date": "...", "series": "..."}, ...]}
 * (size: documents; words: the source witness's; offsets: bytes of each
 * witness's original text, as the pairs give them; date and series when
 * known), or, on a terminal, two lines a cluster: who carried it, how many,
 * when, and its first words. */
#include <stdlib.h>
#include <string.h>

#include "cli_clusters.h"
#include "offmap.h"
#include "record.h"
#include "report.h"

static const char *doc_id(const nd_cluster_writer *w, uint32_t d, size_t *len)
{
    const nd_corpus_info *ci = w->split && d >= w->split ? w->cr : w->ci;
    uint64_t i = w->split && d >= w->split ? d - w->split : d;
    *len = nd_corpus_id_len(ci, i);
    return nd_corpus_id(ci, i);
}

/* The witness's byte range in its original file (HTML, other encodings). */
static void original_range(const nd_cluster_writer *w, const nd_witness *x, uint32_t *start, uint32_t *end)
{
    if (!w->s) { /* mapped already (mpi_overlap.c) */
        *start = x->start;
        *end = x->end;
        return;
    }
    const nd_doc_ref *r = &w->s->doc[x->doc];
    *start = nd_offmap_start(r->map, r->nmap, x->start);
    *end = nd_offmap_end(r->map, r->nmap, x->end);
}

static const char *date_of(const nd_cluster_writer *w, uint32_t d)
{
    return w->f ? nd_doc_date(w->f, d) : NULL;
}

static const char *series_of(const nd_cluster_writer *w, uint32_t d)
{
    return w->f ? nd_doc_series(w->f, d) : NULL;
}

static void jsonl_head(FILE *f, const nd_cluster_writer *w, size_t i, const nd_pcluster *k, const nd_witness *src)
{
    size_t len;
    const char *id = doc_id(w, src->doc, &len);
    fprintf(f, "{\"cluster\": %zu, \"size\": %u, \"source\": ", i, k->ndocs);
    nd_json_write_string(f, id, len);
    fprintf(f, ", \"words\": %u, \"witnesses\": [", src->tok_end - src->tok);
}

static void jsonl_witness(FILE *f, const nd_cluster_writer *w, size_t x, const nd_witness *wt)
{
    uint32_t start, end;
    size_t len;
    original_range(w, wt, &start, &end);
    const char *id = doc_id(w, wt->doc, &len);
    fputs(x ? ", {\"id\": " : "{\"id\": ", f);
    nd_json_write_string(f, id, len);
    fprintf(f, ", \"start\": %u, \"end\": %u", start, end);
    const char *d = date_of(w, wt->doc), *s = series_of(w, wt->doc);
    if (d) {
        fputs(", \"date\": ", f);
        nd_json_write_string(f, d, strlen(d));
    }
    if (s) {
        fputs(", \"series\": ", f);
        nd_json_write_string(f, s, strlen(s));
    }
    putc('}', f);
}

static void write_jsonl(FILE *f, const nd_cluster_writer *w, const nd_pclusters *c, size_t i)
{
    const nd_pcluster *k = &c->c[i];
    jsonl_head(f, w, i, k, &c->w[k->source]);
    for (size_t x = 0; x < k->n; x++) jsonl_witness(f, w, x, &c->w[k->first + x]);
    fputs("]}\n", f);
}

static int stream_head(void *user, size_t i, const nd_pcluster *c, const nd_witness *src)
{
    nd_cluster_stream *cs = user;
    cs->nc++;
    if (c->ndocs > cs->max_df) {
        cs->big++;
        cs->big_pairs += (uint64_t)c->ndocs * (c->ndocs - 1) / 2;
    }
    if (cs->f) jsonl_head(cs->f, cs->w, i, c, src);
    return cs->f && ferror(cs->f) ? -1 : 0;
}

static int stream_witness(void *user, size_t x, const nd_witness *w)
{
    nd_cluster_stream *cs = user;
    if (cs->f) jsonl_witness(cs->f, cs->w, x, w);
    return cs->f && ferror(cs->f) ? -1 : 0;
}

static int stream_end(void *user, size_t i)
{
    nd_cluster_stream *cs = user;
    if (cs->f) fputs("]}\n", cs->f);
    return cs->f && ferror(cs->f) ? -1 : 0;
}

nd_pcluster_sink nd_cluster_stream_sink(nd_cluster_stream *cs)
{
    return (nd_pcluster_sink){stream_head, stream_witness, stream_end, cs};
}

/* The first words of text[start, end): up to 14 words or 100 bytes. */
static uint32_t first_words_end(const char *text, uint32_t start, uint32_t end)
{
    unsigned words = 0;
    int in = 0;
    for (uint32_t i = start; i < end; i++) {
        int space = text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r';
        if (space && in && ++words == 14) return i;
        in = !space;
        if (i - start >= 100 && space) return i;
    }
    return end;
}

static void write_terminal(FILE *f, const nd_cluster_writer *w, const nd_pclusters *c, size_t i)
{
    const nd_pcluster *k = &c->c[i];
    const nd_witness *src = &c->w[k->source];
    const char *bold = w->color ? "\033[1m" : "", *off = w->color ? "\033[0m" : "";
    fprintf(f, "%scluster %zu%s: %u documents", bold, i, off, k->ndocs);
    if (k->nseries) fprintf(f, " in %u series", k->nseries);
    const char *d0 = date_of(w, c->w[k->first].doc), *d1 = date_of(w, c->w[k->first + k->n - 1].doc);
    if (d0 && d1) fprintf(f, ", %s .. %s", d0, d1);
    fprintf(f, ", %u words\n  source ", src->tok_end - src->tok);
    size_t len;
    const char *id = doc_id(w, src->doc, &len);
    nd_write_id(f, id, len);
    const char *d = date_of(w, src->doc), *s = series_of(w, src->doc);
    if (d || s) fprintf(f, " (%s%s%s)", d ? d : "", d && s ? ", " : "", s ? s : "");
    const nd_doc_ref *r = &w->s->doc[src->doc];
    if (r->text) {
        uint32_t e = first_words_end(r->text, src->start, src->end);
        fputs(": \"", f);
        nd_print_excerpt(f, r->text, src->start, e);
        fputs(e < src->end ? " ...\"" : "\"", f);
    }
    putc('\n', f);
}

int nd_write_clusters(FILE *f, const nd_cluster_writer *w, const nd_pclusters *c)
{
    for (size_t i = 0; i < c->nc && !ferror(f); i++) {
        if (w->terminal) write_terminal(f, w, c, i);
        else write_jsonl(f, w, c, i);
    }
    return ferror(f) ? -1 : 0;
}

int nd_report_add_clusters(nd_report *r, long *idx, const nd_cluster_writer *w, const nd_pclusters *c)
{
    size_t cap = 0;
    nd_report_witness *rw = NULL;
    int rc = 0;
    for (size_t i = 0; !rc && i < c->nc; i++) {
        const nd_pcluster *k = &c->c[i];
        if (nd_grow((void **)&rw, &cap, k->n, sizeof *rw)) {
            rc = -1;
            break;
        }
        for (size_t x = 0; !rc && x < k->n; x++) {
            const nd_witness *wt = &c->w[k->first + x];
            const nd_doc_ref *dr = &w->s->doc[wt->doc];
            if (idx[wt->doc] < 0) {
                size_t len;
                const char *id = doc_id(w, wt->doc, &len);
                idx[wt->doc] = nd_report_doc(r, id, len, dr->text ? dr->text : "", dr->text_len);
                if (idx[wt->doc] < 0) rc = -1;
            }
            /* store text offsets: the report maps nothing (as for the pairs) */
            rw[x] = (nd_report_witness){idx[wt->doc], wt->start, wt->end, date_of(w, wt->doc), series_of(w, wt->doc),
                                        {dr->id, NULL, &dr->span}, dr->ntok};
        }
        const nd_witness *src = &c->w[k->source];
        if (!rc) rc = nd_report_cluster(r, i, src->tok_end - src->tok, rw, k->n, k->source - k->first);
    }
    free(rw);
    return rc;
}
