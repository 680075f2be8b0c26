/* cli_query.c - `neardup query REF.ndx INPUT...`: each input document
 * against a reference index, without rebuilding anything (the job: query.c).
 * --mode dup prints the records of `pairs` with a = the query document and
 * b = the reference; --mode overlap those of `neardup overlap QUERY
 * --against REFS`.  Workers format their documents' records into a
 * per-batch buffer; the collector writes the buffers in input order. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "cli.h"
#include "edits.h"
#include "lsh.h"
#include "offmap.h"
#include "overlap.h"
#include "query.h"
#include "reader.h"
#include "record.h"
#include "report.h"

enum { MODE_DUP = ND_QUERY_DUP, MODE_OVERLAP = ND_QUERY_OVERLAP };
enum { GIVEN_NGRAM = 1, GIVEN_K = 2, GIVEN_T = 4, GIVEN_SEED = 8 };

typedef struct {
    nd_common common;
    int mode;
    unsigned given;
    nd_overlap_opts ov; /* --mode overlap: min_words, max_df, align */
} opts;

enum { OPT_MODE = ND_ID_COMMAND, OPT_MIN_WORDS, OPT_MAX_DF, OPT_MAX_GAP, OPT_MIN_IDENTITY };

static const nd_cli_option query_opts[] = {
    {"mode", 0, "dup|overlap", "dup: references with Jaccard >= T; overlap: references sharing passages (default dup)", OPT_MODE},
    ND_OPT_FORMAT("text|jsonl|html", "text; html with --mode overlap"),
    ND_OPT_OUTPUT,
    ND_OPT_THRESHOLD("the index's"),
    {"min-words", 'w', "W", "overlap: report passages of at least W aligned words; W below the index's "
     "anchor guarantee (index build --min-words) is refused (default: the index's, " ND_DEFAULT_STR(ND_DEFAULT_MIN_WORDS) ")", OPT_MIN_WORDS},
    {"max-df", 0, "N", "overlap: anchors found in more than N references are boilerplate: dropped and their words "
     "masked (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_DF) ")", OPT_MAX_DF},
    {"max-gap", 0, "G", "overlap: bridge runs of up to G edited words inside a passage (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_GAP) ")", OPT_MAX_GAP},
    {"min-identity", 0, "X", "overlap: drop passages whose matching fraction of words is below X (default " ND_DEFAULT_STR(ND_DEFAULT_MIN_IDENTITY) ")",
     OPT_MIN_IDENTITY},
    ND_OPT_KEY,
    ND_OPT_NGRAM,
    ND_OPT_K,
    ND_OPT_SEED,
    ND_OPT_CORPUS,
    ND_OPT_TIMINGS,
    ND_OPT_COLOR,
    ND_OPT_PASSAGE_VIEW,
    ND_OPT_QUIET,
    ND_OPT_END,
};

static int on_option(void *ctx, int id, const char *arg)
{
    opts *o = ctx;
    if (id == OPT_MODE) {
        if (!strcmp(arg, "dup")) o->mode = MODE_DUP;
        else if (!strcmp(arg, "overlap")) o->mode = MODE_OVERLAP;
        else return nd_cli_error(NEARDUP_E_USAGE, "--mode: expected dup or overlap, got \"%s\"", arg);
        return 0;
    }
    unsigned long v;
    switch (id) {
    case OPT_MIN_WORDS: return nd_cli_min_words(arg, &o->ov.min_words);
    case OPT_MAX_DF:
        if (nd_cli_uint("--max-df", arg, 1, 4294967295UL, &v)) return 2;
        o->ov.max_df = v;
        return 0;
    case OPT_MAX_GAP: return nd_cli_max_gap(arg, &o->ov.align.max_gap);
    case OPT_MIN_IDENTITY: return nd_cli_min_identity(arg, &o->ov.align.min_identity);
    }
    o->given |= id == ND_ID_NGRAM ? GIVEN_NGRAM : id == ND_ID_K ? GIVEN_K : id == ND_ID_THRESHOLD ? GIVEN_T
              : id == ND_ID_SEED ? GIVEN_SEED : 0;
    return nd_common_option(&o->common, id, arg);
}

/* ---------- per-document work ---------- */

typedef struct {
    nd_query q;       /* the job (query.c) */
    const opts *o;
    nd_passage_view view;
    /* --format html: the report, each reference's report document (-1: not
     * yet added) and the collector's own text reader */
    nd_report *report;
    long *ref_doc;
    nd_index_texts *tx;
    FILE *out;
} query_ctx;

typedef struct {
    FILE *mem;   /* formatted records of this batch (open_memstream) */
    char *buf;
    size_t len;
    /* --format html: the batch's query documents that have hits (copied:
     * the parser's buffer is gone by collect time) and the hits */
    struct html_q { char *id, *text; size_t id_len, len; } *hq;
    size_t nhq, hq_cap;
    struct html_hit { size_t q; uint32_t ref; nd_passage *p; size_t np; uint64_t shared; double ca, cb;
                      nd_passage_marks *m; } *hh;
    size_t nhh, hh_cap;
} batch_out;

static void html_clear(batch_out *b)
{
    for (size_t i = 0; i < b->nhq; i++) free(b->hq[i].id), free(b->hq[i].text);
    for (size_t i = 0; i < b->nhh; i++) {
        for (size_t k = 0; b->hh[i].m && k < b->hh[i].np; k++) nd_passage_marks_free(&b->hh[i].m[k]);
        free(b->hh[i].m);
        free(b->hh[i].p);
    }
    b->nhq = b->nhh = 0;
}

/* Keeps a hit for the report; takes *p (set to NULL) and computes its
 * passages' edited words from wq and wr.  new_q: the first hit of query
 * document d (which is then copied). */
static int html_keep(batch_out *b, const nd_doc *d, int new_q, uint32_t ref, nd_passage **p, size_t np,
                     uint64_t shared, double ca, double cb, const nd_doc_words *wq, const nd_doc_words *wr)
{
    if (new_q) {
        if (nd_grow((void **)&b->hq, &b->hq_cap, b->nhq + 1, sizeof *b->hq)) return -1;
        struct html_q *q = &b->hq[b->nhq];
        q->id = malloc(d->id_len + 1); /* every byte, NUL included */
        if (q->id) memcpy(q->id, d->id, d->id_len), q->id[d->id_len] = 0;
        q->id_len = d->id_len;
        q->text = malloc(d->text_len + 1);
        if (!q->id || !q->text) {
            free(q->id), free(q->text);
            return -1;
        }
        memcpy(q->text, d->text, d->text_len);
        q->len = d->text_len;
        b->nhq++;
    }
    nd_passage_marks *m = calloc(np ? np : 1, sizeof *m);
    int rc = m ? 0 : -1;
    for (size_t k = 0; !rc && k < np; k++)
        if (nd_passage_marks_make(&(*p)[k], wq, wr, NULL, &m[k])) rc = -1;
    if (!rc && nd_grow((void **)&b->hh, &b->hh_cap, b->nhh + 1, sizeof *b->hh)) rc = -1;
    if (rc) {
        for (size_t k = 0; m && k < np; k++) nd_passage_marks_free(&m[k]);
        free(m);
        return -1;
    }
    b->hh[b->nhh++] = (struct html_hit){b->nhq - 1, ref, *p, np, shared, ca, cb, m};
    *p = NULL;
    return 0;
}

static void batch_close(batch_out *b)
{
    if (b->mem) fclose(b->mem);
    free(b->buf);
    b->mem = NULL;
    b->buf = NULL;
    b->len = 0;
}

static void *batch_init(void *u)
{
    batch_out *b = calloc(1, sizeof *b);
    if (b && !(b->mem = open_memstream(&b->buf, &b->len))) {
        free(b);
        return NULL;
    }
    return b;
}

/* A fresh memory stream per batch (a rewound one would keep its old size). */
static void batch_reset(void *u, void *p)
{
    batch_out *b = p;
    batch_close(b);
    b->mem = open_memstream(&b->buf, &b->len); /* NULL is caught by the worker */
    html_clear(b);
}

static void batch_free(void *u, void *p)
{
    batch_out *b = p;
    batch_close(b);
    html_clear(b);
    free(b->hq);
    free(b->hh);
    free(b);
}

/* One dup record, byte for byte the record `pairs` writes for (a, b). */
static void put_pair(FILE *f, int format, const nd_doc *q, const char *ref, size_t ref_len, float jac)
{
    if (format == ND_FMT_JSONL) {
        fputs("{\"a\": ", f);
        nd_json_write_string(f, q->id, q->id_len);
        fputs(", \"b\": ", f);
        nd_json_write_string(f, ref, ref_len);
        fprintf(f, ", \"jaccard\": %.6g}\n", (double)jac);
    } else {
        fprintf(f, "%.4f  ", (double)jac);
        nd_write_id(f, q->id, q->id_len);
        fputs("  ", f);
        nd_write_id(f, ref, ref_len);
        putc('\n', f);
    }
}

static void put_overlap(FILE *f, const query_ctx *c, const nd_doc *q, const char *ref, size_t ref_len,
                        const char *rtext, size_t rlen, const nd_passage *p, size_t np, uint64_t shared, double ca, double cb,
                        const nd_doc_words *wq, const nd_doc_words *wr, const nd_map_run *rmap, size_t nrmap)
{
    /* passages are held in text offsets (the excerpts and marks are cut
     * there) and written in the original files' (offmap.h): the query's map
     * from its reader, the reference's stored in the index */
    if (c->o->common.format == ND_FMT_JSONL) {
        fputs("{\"a\": ", f);
        nd_json_write_string(f, q->id, q->id_len);
        fputs(", \"b\": ", f);
        nd_json_write_string(f, ref, ref_len);
        fprintf(f, ", \"shared_words\": %llu, \"containment_a\": %.4g, \"containment_b\": %.4g, \"passages\": [",
                (unsigned long long)shared, ca, cb);
        for (size_t i = 0; i < np; i++) {
            nd_passage o = p[i];
            nd_passage_to_original(&o, q->map, q->nmap, rmap, nrmap);
            fputs(i ? ", {" : "{", f);
            nd_print_passage_fields(f, &o);
            if (c->view.excerpts) nd_print_passage_excerpts(f, &p[i], q->text, rtext);
            fputc('}', f);
        }
        fputs("]}\n", f);
        return;
    }
    /* escaped; the query's id may not be NUL-terminated in the parser's buffer */
    char *qid = nd_id_text_dup(q->id, q->id_len), *rid = nd_id_text_dup(ref, ref_len);
    fprintf(f, "%s  %s  %llu shared words in %zu passage%s (containment %.3f / %.3f)\n", qid ? qid : "?",
            rid ? rid : "?", (unsigned long long)shared, np, np == 1 ? "" : "s", ca, cb);
    for (size_t i = 0; i < np; i++) {
        nd_passage_marks m = {0};
        int marked = c->view.color && !nd_passage_marks_make(&p[i], wq, wr, NULL, &m);
        nd_passage o = p[i];
        nd_passage_to_original(&o, q->map, q->nmap, rmap, nrmap);
        nd_print_passage_text(f, (unsigned)i + 1, &p[i], &o, qid ? qid : "?", q->text, q->text_len, rid ? rid : "?",
                              rtext, rlen, &c->view, marked ? &m : NULL);
        nd_passage_marks_free(&m);
    }
    free(qid);
    free(rid);
}

/* Worker: one hit of document d, formatted into the batch (or kept for the report). */
static int on_hit(void *u, void *bop, const nd_doc *d, nd_query_hit *h, size_t nth, nd_error *err)
{
    query_ctx *c = u;
    batch_out *b = bop;
    const nd_index *ix = c->q.ix;
    if (!b->mem) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (c->o->mode == MODE_DUP)
        put_pair(b->mem, c->o->common.format, d, nd_index_id(ix, h->ref), nd_index_id_len(ix, h->ref), h->jaccard);
    else if (!c->report)
        put_overlap(b->mem, c, d, nd_index_id(ix, h->ref), nd_index_id_len(ix, h->ref), h->rtext, h->rlen, h->p, h->np,
                    h->shared, h->ca, h->cb, h->wq, h->wr, h->rmap, h->nrmap);
    else if (html_keep(b, d, nth == 0, h->ref, &h->p, h->np, h->shared, h->ca, h->cb, h->wq, h->wr))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping record %.200s for the report", d->id);
    return NEARDUP_OK;
}

/* Main thread, in input order: the batch's records, and the report grows. */
static int collect(void *u, void *bop, nd_error *err)
{
    query_ctx *c = u;
    batch_out *b = bop;
    if (!b->mem || fflush(b->mem) || ferror(b->mem))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory formatting results");
    if (b->len && fwrite(b->buf, 1, b->len, c->out) != b->len)
        return nd_fail(err, NEARDUP_E_IO, "cannot write the results");
    /* --format html: the report grows here, in input order */
    long qdoc = -1;
    size_t qlast = SIZE_MAX;
    for (size_t i = 0; c->report && i < b->nhh; i++) {
        const struct html_hit *h = &b->hh[i];
        if (h->q != qlast) {
            const struct html_q *q = &b->hq[h->q];
            if ((qdoc = nd_report_doc(c->report, q->id, q->id_len, q->text, q->len)) < 0)
                return nd_fail(err, NEARDUP_E_NOMEM, "out of memory building the report");
            qlast = h->q;
        }
        if (c->ref_doc[h->ref] < 0) {
            const char *text;
            size_t len;
            int rc = nd_index_text(c->q.ix, c->tx, h->ref, &text, &len, err);
            if (rc) return rc;
            if ((c->ref_doc[h->ref] = nd_report_doc(c->report, nd_index_id(c->q.ix, h->ref), nd_index_id_len(c->q.ix, h->ref), text, len)) < 0)
                return nd_fail(err, NEARDUP_E_NOMEM, "out of memory building the report");
        }
        if (nd_report_pair(c->report, qdoc, c->ref_doc[h->ref], h->shared, h->ca, h->cb, h->p, h->np, h->m))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory building the report");
    }
    return NEARDUP_OK;
}

/* ---------- setup ---------- */

/* The run uses the index's parameters; any given on the command line must
 * equal them, and -t must imply the index's bands x rows. */
static int adopt_params(const nd_index *ix, opts *o, nd_error *err)
{
    nd_common *c = &o->common;
    nd_index_params want = ix->p;
    if (o->given & GIVEN_NGRAM) want.ngram = c->ngram;
    if (o->given & GIVEN_K) want.k = c->k;
    if (o->given & GIVEN_SEED) want.seed = c->seed;
    int rc = nd_index_params_check(&ix->p, &want, ix->path, err);
    if (!rc) rc = nd_index_check_key(ix, c->key.present ? c->key.id : NULL, sizeof c->key.id, err);
    if (rc) return rc;
    if (o->given & GIVEN_T) {
        unsigned b, r;
        nd_lsh_params(c->threshold, ix->p.k, &b, &r);
        if (b != ix->p.bands || r != ix->p.rows)
            return nd_fail(err, NEARDUP_E_USAGE, "%s was built for -t %g (%u bands x %u rows); -t %g needs "
                           "%u x %u: rebuild the index with -t %g", ix->path, ix->p.threshold, ix->p.bands,
                           ix->p.rows, c->threshold, b, r, c->threshold);
    } else {
        c->threshold = ix->p.threshold;
    }
    c->ngram = ix->p.ngram;
    c->k = ix->p.k;
    c->seed = ix->p.seed;
    if (o->mode == MODE_OVERLAP) {
        if (!ix->p.anchor_ngram || !ix->nanchors)
            return nd_fail(err, NEARDUP_E_USAGE, "%s holds no overlap anchors (built by an older neardup, or "
                           "empty): rebuild it with neardup index build", ix->path);
        unsigned guaranteed = ix->p.anchor_w + ix->p.anchor_ngram - 1;
        if (!o->ov.min_words) o->ov.min_words = guaranteed;
        if (o->ov.min_words < guaranteed)
            return nd_fail(err, NEARDUP_E_USAGE, "--min-words %u: %s finds every passage of >= %u words only; "
                           "rebuild it with neardup index build --min-words %u", o->ov.min_words, ix->path,
                           guaranteed, o->ov.min_words);
        o->ov.align.min_words = o->ov.min_words;
        o->ov.align.seed_len = ix->p.anchor_ngram;
    }
    return NEARDUP_OK;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void print_latency(query_ctx *c)
{
    nd_query *q = &c->q;
    if (!q->nlat) return;
    qsort(q->lat, q->nlat, sizeof *q->lat, cmp_double);
    size_t p50 = q->nlat / 2, p99 = q->nlat * 99 / 100;
    fprintf(stderr, "timings: per document after tokenizing (sketch + lookup + %s): p50 %.3f ms, p99 %.3f ms, "
            "max %.3f ms over %zu documents\n", c->o->mode == MODE_DUP ? "score" : "align",
            q->lat[p50] * 1e3, q->lat[p99 < q->nlat ? p99 : q->nlat - 1] * 1e3, q->lat[q->nlat - 1] * 1e3, q->nlat);
}

static int run(query_ctx *c, opts *o, char **inputs, int n, nd_corpus_info *ci, nd_error *err)
{
    nd_pipeline_opts po;
    nd_query *q = &c->q;
    nd_common_pipeline(&o->common, &po, &q->seeds);
    q->mode = o->mode;
    q->threshold = (float)o->common.threshold;
    q->max_df = o->ov.max_df;
    q->align = o->ov.align;
    q->user = c;
    q->batch_init = batch_init;
    q->batch_reset = batch_reset;
    q->batch_free = batch_free;
    q->hit = on_hit;
    q->collect = collect;
    nd_cli_passage_view(&o->common, &c->view);
    nd_reader *r = nd_cli_open_inputs(&o->common, &po, inputs, n, err);
    if (!r) return err->code;
    int rc = nd_query_run(q, r, &po, ci, err);
    if (!rc) nd_cli_print_skips(ci);
    nd_reader_free(r);
    return rc;
}

int nd_cmd_query(int argc, char **argv)
{
    opts o = {.mode = MODE_DUP};
    nd_common_default(&o.common);
    nd_overlap_opts_default(&o.ov);
    o.ov.min_words = 0; /* 0: the index's guarantee */
    char **pos;
    int npos;
    int rc = nd_cli_parse(argc, argv, "neardup query REF.ndx INPUT... [--mode dup|overlap] [--format text|jsonl|html]",
                          "Query documents against a reference index (neardup index build). --mode dup\n"
                          "lists references with Jaccard >= T, the records of `pairs` with a = the query\n"
                          "document and b = the reference. --mode overlap lists references sharing\n"
                          "passages of >= W words, the records of `overlap QUERY --against REFS`.\n"
                          "Parameters come from the index.",
                          query_opts, on_option, &o, &pos, &npos);
    if (!rc && (nd_check_format(&o.common, "query", "text|jsonl|html") || nd_check_passage_view(&o.common, "query")))
        rc = 2;
    if (!rc && o.mode == MODE_DUP && (o.common.excerpts || o.common.given_context || o.common.full))
        rc = nd_cli_error(NEARDUP_E_USAGE, "--excerpts, --context and --full show passages: use them with --mode overlap");
    if (rc) {
        free(pos);
        return rc == 1 ? 0 : 2;
    }
    if (npos < 2) {
        free(pos);
        return nd_cli_error(NEARDUP_E_USAGE, "usage: neardup query REF.ndx INPUT... (see --help)");
    }
    double t0 = nd_now();
    nd_error err = {0, ""};
    nd_index *ix = NULL;
    unsigned want = o.mode == MODE_DUP ? ND_IX_IDS | ND_IX_SIGS | ND_IX_BANDS
                                       : ND_IX_IDS | ND_IX_DOCS | ND_IX_ANCHORS | ND_IX_BLOCKS | ND_IX_MAPS;
    query_ctx c = {.o = &o};
    nd_corpus_info ci = {0};
    nd_out out = {0};
    if ((rc = nd_cli_check_output(&o.common, pos, (size_t)npos))) {
        free(pos);
        return rc;
    }
    if ((rc = nd_index_open(pos[0], want, &ix, &err)) || (rc = adopt_params(ix, &o, &err))) goto done;
    c.q.ix = ix;
    if (o.common.format == ND_FMT_HTML) {
        if (o.mode != MODE_OVERLAP) {
            rc = nd_fail(&err, NEARDUP_E_USAGE, "--format html shows shared passages: use it with --mode overlap");
            goto done;
        }
        char *cmd = nd_report_command(argc, argv);
        c.report = cmd ? nd_report_create("neardup query", cmd) : NULL;
        free(cmd);
        c.ref_doc = malloc((ix->ndocs ? ix->ndocs : 1) * sizeof *c.ref_doc);
        c.tx = nd_index_texts_create();
        if (!c.report || !c.ref_doc || !c.tx) {
            rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory starting the report");
            goto done;
        }
        for (uint64_t i = 0; i < ix->ndocs; i++) c.ref_doc[i] = -1;
    }
    if ((rc = nd_out_open(&out, o.common.output, &err))) goto done;
    c.out = out.f;
    rc = run(&c, &o, pos + 1, npos - 1, &ci, &err);
    if (!rc && c.report && nd_report_write(c.report, out.f))
        rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory writing the report");
    if (rc) rc = nd_out_failed(&out, rc, &err); /* a full disk is named as such */
    else rc = nd_out_commit(&out, &err);
    if (!rc && !o.common.quiet) {
        double wall = nd_now() - t0;
        fprintf(stderr, "neardup query: %llu documents against %llu references in %s, %llu %s, %.2f s\n",
                (unsigned long long)c.q.docs, (unsigned long long)ix->ndocs, ix->path,
                (unsigned long long)c.q.hits, o.mode == MODE_DUP ? "pairs" : "overlapping pairs", wall);
        if (o.mode == MODE_OVERLAP)
            fprintf(stderr, "neardup query: %llu candidate references aligned; %llu query anchors dropped as "
                    "boilerplate (in more than %llu references)\n", (unsigned long long)c.q.cands,
                    (unsigned long long)c.q.dropped, (unsigned long long)o.ov.max_df);
    }
    if (!rc && o.common.timings) {
        nd_cli_print_timings(&ci);
        print_latency(&c);
    }
done:
    if (rc) rc = nd_cli_error(rc, "%s", err.msg);
    nd_index_close(ix);
    nd_corpus_info_free(&ci);
    nd_report_free(c.report);
    nd_index_texts_free(c.tx);
    free(c.ref_doc);
    free(c.q.lat);
    free(pos);
    return rc;
}
