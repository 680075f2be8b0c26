/* cli_strip.c - `neardup strip INPUT... [--against REF]... -o OUT`: every
 * document less the passages of >= W words that repeat an earlier document
 * or a reference (strip.h).  The job (strip_job.c, which neardup_strip
 * runs too) loads the corpus as the overlap job loads it (words and
 * anchors, no text) and finds the cuts; here the inputs are then read a
 * second time and written with their text field replaced. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_field.h"
#include "mpi_dedup.h"
#include "reader.h"
#include "record.h"
#include "strip.h"

enum { OPT_AGAINST = ND_ID_COMMAND, OPT_MIN_WORDS, OPT_MIN_KEEP, OPT_SPANS, OPT_MAX_DF, OPT_MAX_GAP, OPT_MIN_IDENTITY,
       OPT_SENTENCES };

/* Sources listed per removed range in --spans (the earliest ones). */
#define MAX_SOURCES 8

static const nd_cli_option strip_opts[] = {
    {"min-words", 'w', "W", "cut passages of at least W words that repeat an earlier document (default " ND_DEFAULT_STR(ND_DEFAULT_STRIP_MIN_WORDS) ")", OPT_MIN_WORDS},
    {"against", 0, "REF", "also cut what repeats these references, which count as earlier than every input and are never written (repeatable; default none)", OPT_AGAINST},
    {"min-keep", 0, "N", "drop a document that had passages cut and has fewer than N words left, and count it (0: never; default " ND_DEFAULT_STR(ND_DEFAULT_STRIP_MIN_KEEP) ")", OPT_MIN_KEEP},
    {"spans", 0, "FILE", "write one JSONL record per document with cuts: the byte ranges removed and the earlier passages they repeat; with --spans and no -o, no text is written, and -o is then optional (default none)", OPT_SPANS},
    {"sentences", 0, NULL, "cut whole sentences only: each cut shrinks to the sentences (ending in . ! ? or a blank line) wholly inside the repeated passage, so no half sentence is left; holds the texts in memory (default off: the passage's words exactly)", OPT_SENTENCES},
    {"max-df", 0, "N", "an anchor in more than N documents pairs only the first document holding it with each later one (boilerplate: linear cost, still cut) (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_DF) ")", OPT_MAX_DF},
    {"max-gap", 0, "G", "bridge runs of up to G edited words inside a repeated passage (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_GAP) ")", OPT_MAX_GAP},
    {"min-identity", 0, "X", "a passage counts as a repeat when at least this fraction of its aligned words match (default " ND_DEFAULT_STR(ND_DEFAULT_STRIP_MIN_IDENTITY) ": a few edited words; overlap's " ND_DEFAULT_STR(ND_DEFAULT_MIN_IDENTITY) " also cuts templated stories)", OPT_MIN_IDENTITY},
    {"ngram", 'n', "N", "words per anchor n-gram and exact seed (default " ND_DEFAULT_STR(ND_DEFAULT_NGRAM) ")", ND_ID_NGRAM},
    ND_OPT_OUTPUT,
    ND_OPT_CORPUS,
    ND_OPT_SEED,
    ND_OPT_KEY,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_END,
};

typedef struct {
    nd_common common;
    nd_overlap_opts ov;
    char **refs;
    int nrefs;
    unsigned long min_keep;
    const char *spans;
    int given_output, sentences;
} strip_ctx;

static int on_option(void *ctx, int id, const char *arg)
{
    strip_ctx *c = ctx;
    unsigned long v;
    switch (id) {
    case OPT_AGAINST: return nd_cli_push_arg(&c->refs, &c->nrefs, arg);
    case OPT_MIN_WORDS: return nd_cli_min_words(arg, &c->ov.align.min_words);
    case OPT_MIN_KEEP: return nd_cli_uint("--min-keep", arg, 0, 4294967295UL, &c->min_keep) ? 2 : 0;
    case OPT_SPANS: c->spans = arg; return 0;
    case OPT_SENTENCES: c->sentences = 1; return 0;
    case OPT_MAX_DF:
        if (nd_cli_uint("--max-df", arg, 2, 4294967295UL, &v)) return 2;
        c->ov.max_df = v;
        return 0;
    case OPT_MAX_GAP: return nd_cli_max_gap(arg, &c->ov.align.max_gap);
    case OPT_MIN_IDENTITY: return nd_cli_min_identity(arg, &c->ov.align.min_identity);
    default:
        if (id == ND_ID_OUTPUT) c->given_output = 1;
        return nd_common_option(&c->common, id, arg);
    }
}

/* The run: the job (strip_job.c: the store, references first, and the
 * cuts), the inputs' reader kept for the second pass. */
typedef struct {
    const strip_ctx *c;
    nd_strip_job j;
    nd_reader *r;           /* the inputs' */
    uint64_t cut_docs, dropped, written, cut_words, cut_bytes;
} strip_run;

static const char *src_id(const strip_run *x, uint32_t d, size_t *len)
{
    const nd_corpus_info *ci = d < x->j.nref ? &x->j.cr : &x->j.ci;
    uint64_t i = d < x->j.nref ? d : d - x->j.nref;
    *len = nd_corpus_id_len(ci, i);
    return nd_corpus_id(ci, i);
}

static int dropped(const strip_run *x, uint32_t d) { return nd_strip_dropped(&x->j, d, x->c->min_keep); }

/* Reads one set of inputs into the job (keep: the inputs, whose reader
 * stays open, rewound later; else the references). */
static int load_set(const nd_common *c, char **in, int n, const nd_pipeline_opts *po, nd_strip_job *j,
                    nd_reader **r, int keep)
{
    nd_error err = {0, ""};
    *r = nd_cli_open_inputs(c, po, in, n, &err);
    if (!*r) return nd_cli_error(err.code, "%s", err.msg);
    if (keep) nd_reader_spool_decoded(*r, 1); /* the second pass reads a copy, not a decompression */
    int rc = nd_strip_load(j, *r, po, !keep, &err);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    nd_cli_print_skips(keep ? &j->ci : &j->cr);
    if (!keep) {
        nd_reader_free(*r);
        *r = NULL;
    }
    return 0;
}

/* --spans: a record per input document with cuts, in input order. */
static int write_spans(const strip_run *x, FILE *f)
{
    const nd_strip_result *res = &x->j.res;
    for (uint64_t d = x->j.nref; d < res->n; d++) {
        size_t a = res->doc_first[d], b = res->doc_first[d + 1], len;
        if (a == b) continue;
        const char *id = src_id(x, (uint32_t)d, &len);
        fputs("{\"id\": ", f);
        nd_json_write_string(f, id, len);
        fprintf(f, ", \"words\": %llu, \"kept_words\": %llu, \"dropped\": %s, \"removed\": [",
                (unsigned long long)x->j.s.doc[d].ntok, (unsigned long long)nd_strip_kept_words(res, &x->j.s, (uint32_t)d),
                dropped(x, (uint32_t)d) ? "true" : "false");
        for (size_t i = a; i < b; i++) {
            const nd_strip_range *g = &res->range[i];
            fprintf(f, "%s{\"start\": %u, \"end\": %u, \"words\": %u, \"nrepeats\": %zu, \"repeats\": [", i > a ? ", " : "",
                    g->start, g->end, g->tok_end - g->tok, g->n);
            for (size_t k = 0; k < g->n && k < MAX_SOURCES; k++) {
                const nd_strip_passage *p = &res->passage[g->first + k];
                const char *sid = src_id(x, p->src, &len);
                fputs(k ? ", {\"id\": " : "{\"id\": ", f);
                nd_json_write_string(f, sid, len);
                fprintf(f, "%s, \"start\": %u, \"end\": %u, \"this_start\": %u, \"this_end\": %u, \"identity\": %.4g}",
                        p->src < x->j.nref ? ", \"reference\": true" : "", p->src_start, p->src_end, p->start, p->end,
                        p->identity);
            }
            fputs("]}", f);
        }
        fputs("]}\n", f);
        if (ferror(f)) return -1;
    }
    return 0;
}

/* A record whose text is out (cut or not): a JSONL line with its text
 * field's value replaced, every other byte as it was; any other record as
 * {"id", "date", "text"}, as dedup writes it. */
static int write_record(strip_run *x, const nd_raw_record *rec, const char *bytes, uint64_t i, const nd_doc *d,
                        const char *text, size_t len, FILE *out, const char *path, nd_error *err)
{
    if (rec->jsonl) {
        size_t vs, ve;
        if (nd_json_field_range(bytes, rec->len, x->c->common.rec.text_field, &vs, &ve))
            return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: the field \"%s\" cannot be located to be replaced", path,
                           (unsigned long long)rec->line, x->c->common.rec.text_field);
        fwrite(bytes, 1, vs, out);
        nd_json_write_string(out, text, len);
        fwrite(bytes + ve, 1, rec->len - ve, out);
        putc('\n', out);
        return NEARDUP_OK;
    }
    fputs("{\"id\": ", out);
    nd_json_write_string(out, nd_corpus_id(&x->j.ci, i), nd_corpus_id_len(&x->j.ci, i));
    if (d->date) {
        fputs(", \"date\": ", out);
        nd_json_write_string(out, d->date, d->date_len);
    }
    fputs(", \"text\": ", out);
    nd_json_write_string(out, text, len);
    fputs("}\n", out);
    return NEARDUP_OK;
}

/* One record of the second pass (i: its input record index). */
static int strip_record(strip_run *x, nd_record_parser *rp, const nd_raw_record *rec, const char *bytes, uint64_t i,
                        FILE *out, char **buf, size_t *cap, nd_error *err)
{
    uint32_t d = (uint32_t)(x->j.nref + i);
    int cut = x->j.res.doc_first[d + 1] > x->j.res.doc_first[d];
    if (cut && dropped(x, d)) return NEARDUP_OK;
    x->written++;
    if (!cut && rec->jsonl) { /* as it was, byte for byte */
        fwrite(bytes, 1, rec->len, out);
        putc('\n', out);
        return NEARDUP_OK;
    }
    const char *path = nd_reader_path(x->r, rec->input);
    nd_doc doc;
    int rc = nd_record_parse(rp, rec, bytes, path, &doc, err);
    if (rc) return rc;
    const char *text = doc.text;
    size_t len = doc.text_len;
    if (cut) {
        if (nd_grow((void **)buf, cap, len ? len : 1, 1)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
        len = nd_strip_text(&x->j.res, &x->j.s, d, doc.text, doc.text_len, *buf);
        if (len == SIZE_MAX)
            return nd_fail(err, NEARDUP_E_IO, "%s changed while it was being read (record %llu)", path,
                           (unsigned long long)i + 1);
        text = *buf;
    }
    return write_record(x, rec, bytes, i, &doc, text, len, out, path, err);
}

/* The second pass over the inputs, in input order. */
static int write_stripped(strip_run *x, FILE *out, nd_error *err)
{
    int rc = nd_reader_rewind(x->r, err);
    if (rc) return rc;
    nd_record_opts ro = x->c->common.rec;
    ro.lossy = x->c->common.lossy;
    nd_record_parser *rp = nd_record_parser_create(&ro);
    if (!rp) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    nd_batch b = {0};
    char *buf = NULL;
    size_t cap = 0;
    uint64_t i = 0;
    while (!rc) {
        int got = nd_reader_next(x->r, &b, 1 << 20, err);
        if (got < 0) rc = err->code ? err->code : -got;
        if (got <= 0) break;
        for (size_t k = 0; !rc && k < b.n; k++, i++) {
            if (i >= x->j.ci.n)
                rc = nd_fail(err, NEARDUP_E_IO, "%s changed while it was being read", nd_reader_path(x->r, b.rec[k].input));
            else if (!x->j.ci.skipped[i])
                rc = strip_record(x, rp, &b.rec[k], b.buf + b.rec[k].off, i, out, &buf, &cap, err);
        }
    }
    if (!rc && i != x->j.ci.n)
        rc = nd_fail(err, NEARDUP_E_IO, "the inputs changed while they were being read (%llu records, then %llu)",
                     (unsigned long long)x->j.ci.n, (unsigned long long)i);
    free(buf);
    nd_batch_free(&b);
    nd_record_parser_free(rp);
    return rc;
}

static void count_cuts(strip_run *x)
{
    for (uint64_t d = x->j.nref; d < x->j.res.n; d++) {
        size_t a = x->j.res.doc_first[d], b = x->j.res.doc_first[d + 1];
        if (a == b) continue;
        x->cut_docs++;
        x->dropped += dropped(x, (uint32_t)d) != 0;
        x->cut_words += x->j.s.doc[d].ntok - nd_strip_kept_words(&x->j.res, &x->j.s, (uint32_t)d);
        for (size_t i = a; i < b; i++) x->cut_bytes += x->j.res.range[i].end - x->j.res.range[i].start;
    }
}

static void print_summary(const strip_run *x, int text_out, double secs, double t_load, double t_write)
{
    const strip_ctx *c = x->c;
    fprintf(stderr, "neardup strip: %llu records read (%llu documents, %llu skipped)", (unsigned long long)x->j.ci.n,
            (unsigned long long)(x->j.ci.n - x->j.ci.skipped_n), (unsigned long long)x->j.ci.skipped_n);
    if (c->nrefs) fprintf(stderr, " and %u reference documents", x->j.nref);
    fprintf(stderr, "; %llu candidate pairs aligned; %zu passages of >= %u words repeat an earlier document: "
            "%zu spans cut from %llu documents (%llu words, %.2f MB); %llu documents dropped (fewer than %lu words "
            "left)", (unsigned long long)x->j.st.candidates, x->j.res.npassage, c->ov.align.min_words, x->j.res.nrange,
            (unsigned long long)x->cut_docs, (unsigned long long)x->cut_words, x->cut_bytes / 1e6,
            (unsigned long long)x->dropped, c->min_keep);
    if (text_out) fprintf(stderr, "; %llu documents written", (unsigned long long)x->written);
    if (x->j.st.anchors.star)
        fprintf(stderr, "; %llu anchors in more than %llu documents paired their first document with the others",
                (unsigned long long)x->j.st.anchors.star, (unsigned long long)c->ov.max_df);
    fprintf(stderr, "; %.1f MB in %.2f s\n", (x->j.ci.text_bytes + x->j.cr.text_bytes) / 1e6, secs);
    if (c->common.timings) {
        nd_cli_print_timings(&x->j.ci);
        fprintf(stderr, "timings: load %.3f s (read, tokenize, anchors), candidates %.3f s, align %.3f s, write %.3f s\n",
                t_load, x->j.st.t_anchor, x->j.st.t_align, t_write);
    }
}

/* Checks, opens, loads, cuts, writes; returns the exit status. */
static int run(strip_ctx *c, char **pos, int npos)
{
    double t0 = nd_now();
    nd_pipeline_opts po;
    nd_seeds seeds;
    nd_common_pipeline(&c->common, &po, &seeds);
    c->ov.ngram = c->common.ngram;
    c->ov.anchor_seed = seeds.anchor_seed;
    c->ov.progress = po.progress;
    int text_out = c->given_output; /* else --spans only */
    strip_run x = {.c = c};
    nd_strip_job_init(&x.j, &c->ov, c->sentences);
    nd_reader *rr = NULL;
    nd_out out = {0}, sp = {0};
    nd_error err = {0, ""};
    int rc = 0;
    char **all = malloc((size_t)(npos + c->nrefs) * sizeof *all);
    if (!all) rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    if (!rc) { /* outputs checked against every input, references included, before anything is read */
        memcpy(all, pos, (size_t)npos * sizeof *all);
        if (c->nrefs) memcpy(all + npos, c->refs, (size_t)c->nrefs * sizeof *all);
        const char *text = c->common.output ? c->common.output : "-";
        const char *outs[2] = {c->spans, text_out ? text : NULL}, *what[2] = {"--spans", "-o"};
        rc = nd_cli_check_files(&c->common, outs, what, 2, all, (size_t)(npos + c->nrefs));
    }
    if (!rc && text_out && (rc = nd_out_open(&out, c->common.output, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc && c->spans && (rc = nd_out_open(&sp, c->spans, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    /* the references first: they are earlier than every input */
    if (!rc && c->nrefs) rc = load_set(&c->common, c->refs, c->nrefs, &po, &x.j, &rr, 0);
    if (!rc) rc = load_set(&c->common, pos, npos, &po, &x.j, &x.r, 1);
    double t_load = nd_now() - t0, t_write = 0;
    if (!rc && (rc = nd_strip_cut(&x.j, c->common.threads, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc) count_cuts(&x);
    if (!rc && c->spans && write_spans(&x, sp.f)) {
        nd_fail(&err, NEARDUP_E_IO, "cannot write %s", c->spans);
        rc = nd_cli_error(nd_out_failed(&sp, NEARDUP_E_IO, &err), "%s", err.msg);
    }
    double t1 = nd_now();
    if (!rc && text_out && (rc = write_stripped(&x, out.f, &err)))
        rc = nd_cli_error(nd_out_failed(&out, rc, &err), "%s", err.msg);
    if (!rc) {
        nd_out *o2[2] = {&out, &sp};
        if ((rc = nd_out_commit_all(o2, 2, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    }
    t_write = nd_now() - t1;
    nd_out_abort(&out); /* after an error: nothing of either output is left */
    nd_out_abort(&sp);
    if (!rc && !c->common.quiet) print_summary(&x, text_out, nd_now() - t0, t_load, t_write);
    nd_strip_job_free(&x.j);
    nd_reader_free(x.r);
    nd_reader_free(rr);
    free(all);
    return rc;
}

int nd_cmd_strip(int argc, char **argv)
{
    strip_ctx c = {0};
    nd_common_default(&c.common);
    nd_overlap_opts_default(&c.ov);
    c.ov.align.min_words = ND_DEFAULT_STRIP_MIN_WORDS;
    c.min_keep = ND_DEFAULT_STRIP_MIN_KEEP;
    c.ov.align.min_identity = ND_DEFAULT_STRIP_MIN_IDENTITY;
    char **pos = NULL;
    int npos = 0;
    int rc = nd_cli_parse(argc, argv,
                          "neardup strip INPUT... [--against REF]... -o OUT [--min-words W] [--min-keep N] "
                          "[--spans FILE] [--sentences]",
                          "Remove from each document every passage of W or more words that also occurs in\n"
                          "an earlier document (input order) or in a reference (--against), keeping the\n"
                          "first occurrence: a passage in documents 1, 2 and 3 stays in 1 and is cut from\n"
                          "2 and 3. Near-verbatim repeats count: the overlap aligner bridges edited words\n"
                          "(--max-gap, --min-identity). Only repeats across documents are cut (a document\n"
                          "repeating itself is left as it is); references are never written. A cut\n"
                          "removes whole words, from the first removed word through the last one's\n"
                          "punctuation and the white space after it, so the separator before the cut\n"
                          "joins the kept parts: no word is split, no two words run together, valid UTF-8\n"
                          "stays valid. JSONL records are written back with the text field replaced\n"
                          "(every other byte as it was); other inputs as {\"id\", \"text\"}. A document that\n"
                          "had cuts and has fewer than --min-keep words left is dropped. --spans writes,\n"
                          "per document with cuts, {\"id\", \"words\", \"kept_words\", \"dropped\", \"removed\":\n"
                          "[{\"start\", \"end\", \"words\", \"nrepeats\", \"repeats\": [{\"id\", \"start\", \"end\",\n"
                          "\"this_start\", \"this_end\", \"identity\"}]}]}: byte offsets in the documents'\n"
                          "texts; start and end bound the removed words; each repeat is an earlier\n"
                          "passage (up to 8, earliest first) and where it lies in this document.",
                          strip_opts, on_option, &c, &pos, &npos);
    if (!rc && npos == 0) rc = nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    if (!rc && !c.given_output && !c.spans)
        rc = nd_cli_error(NEARDUP_E_USAGE, "strip needs -o OUT (use -o - for standard output), or --spans FILE");
    if (!rc && nd_mpi_size() > 1)
        rc = nd_cli_error(NEARDUP_E_USAGE, "strip does not run under mpirun: run one process (-j N threads)");
    if (!rc) rc = run(&c, pos, npos);
    free(pos);
    free(c.refs);
    return rc == 1 ? 0 : rc;
}
